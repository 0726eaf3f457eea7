/// Word-wraps text into lines of at most a given number of terminal columns.
///
/// A newline in the text is a line break (`\r\n` and a lone `\r` too); a tab
/// is a space; any other control character is shown as `?`, so that nothing
/// in a value moves the cursor. Lines break at spaces (the spaces at a break
/// are dropped, those that indent a line are kept); a word wider than the
/// width is cut after its last comma that fits (JSON), else between
/// graphemes (never inside one: see `DisplayWidth`).
///
/// ```
/// TextWrapper.lines("I went to a support group yesterday", width: 12)
/// // ["I went to a", "support", "group", "yesterday"]
/// ```
public enum TextWrapper {
    /// The lines of `text` for a column `width` columns wide (at least 2,
    /// so that a wide grapheme always fits). Never empty: `""` gives `[""]`.
    public static func lines(_ text: String, width: Int) -> [String] {
        let width = max(width, 2)
        var result: [String] = []
        for paragraph in paragraphs(text) {
            wrap(paragraph, width: width, into: &result)
        }
        return result
    }

    /// The width of the widest line of `text` when nothing is wrapped.
    public static func naturalWidth(_ text: String) -> Int {
        if isPlainASCII(text) { return text.utf8.count }
        return paragraphs(text).reduce(0) { max($0, DisplayWidth.of($1)) }
    }

    /// The width of the widest word of `text` (words are cut by spaces and line breaks).
    public static func longestWord(_ text: String) -> Int {
        if isPlainASCII(text) {
            var widest = 0
            var current = 0
            for byte in text.utf8 {
                current = byte == 0x20 ? 0 : current + 1
                widest = max(widest, current)
            }
            return widest
        }
        return paragraphs(text).reduce(0) { widest, paragraph in
            paragraph.split(separator: " ").reduce(widest) { max($0, DisplayWidth.of($1)) }
        }
    }

    /// Printable ASCII only: one column per byte, no line breaks.
    static func isPlainASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    /// The text split at its line breaks, control characters replaced.
    static func paragraphs(_ text: String) -> [String] {
        // Most values hold no control character (in UTF-8, C1 controls start with 0xC2).
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x7F && $0 != 0xC2 }) { return [text] }
        var result: [String] = []
        var current = ""
        for character in text {
            switch character {
            case "\n", "\r\n", "\r":
                result.append(current)
                current = ""
            case "\t":
                current.append(" ")
            default:
                if let value = character.unicodeScalars.first?.value, character.unicodeScalars.count == 1,
                    value < 0x20 || (0x7F...0x9F).contains(value)
                {
                    current.append("?")
                } else {
                    current.append(character)
                }
            }
        }
        result.append(current)
        return result
    }

    /// Greedy wrapping of one paragraph (no line breaks in it).
    private static func wrap(_ paragraph: String, width: Int, into result: inout [String]) {
        var line = ""
        var lineWidth = 0
        var spaces = 0
        var word = ""
        var wordWidth = 0
        var started = false

        func flushLine() {
            result.append(line)
            line = ""
            lineWidth = 0
        }
        func place() {
            guard !word.isEmpty else { return }
            if started && lineWidth + spaces + wordWidth <= width {
                line += String(repeating: " ", count: spaces) + word
                lineWidth += spaces + wordWidth
            } else if !started && spaces + wordWidth <= width {
                // Indentation at the start of a paragraph is kept.
                line = String(repeating: " ", count: spaces) + word
                lineWidth = spaces + wordWidth
            } else {
                if started { flushLine() }
                // Cut after the last comma that fits (JSON, lists), else between graphemes.
                var piece: [Character] = []
                var afterComma = 0
                for character in word {
                    let columns = DisplayWidth.of(character)
                    while lineWidth + columns > width && lineWidth > 0 {
                        let cut = afterComma > 0 ? afterComma : piece.count
                        line = String(piece[..<cut])
                        flushLine()
                        piece.removeFirst(cut)
                        lineWidth = DisplayWidth.of(String(piece))
                        afterComma = 0
                    }
                    piece.append(character)
                    lineWidth += columns
                    if character == "," { afterComma = piece.count }
                }
                line = String(piece)
            }
            started = true
            spaces = 0
            word = ""
            wordWidth = 0
        }
        for character in paragraph {
            if character == " " {
                place()
                spaces += 1
            } else {
                word.append(character)
                wordWidth += DisplayWidth.of(character)
            }
        }
        place()
        result.append(line)
    }
}
