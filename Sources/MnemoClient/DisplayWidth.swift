/// How many terminal columns text takes, counted per grapheme (Swift's
/// `Character`), so that a table never splits "é" written as e + U+0301, a
/// flag, or a family emoji across cells.
///
/// A grapheme is 2 columns when its first scalar is East Asian Wide or
/// Fullwidth (CJK ideographs, kana, Hangul syllables, fullwidth forms: the
/// ranges below, which are those of `wcwidth` implementations) or an emoji
/// shown as a picture (`Emoji_Presentation`, or an emoji followed by VS16); 0
/// when it is only combining marks or format characters (a mark with nothing
/// before it, a zero-width joiner); else 1. Terminals disagree on a few cases
/// (ambiguous-width letters, newer emoji), which are counted as 1 and 2: a
/// line may then be off by a column there.
public enum DisplayWidth {
    /// The columns of one grapheme. Control characters count 0: the
    /// formatter replaces them before measuring.
    public static func of(_ character: Character) -> Int {
        if character.isASCII { return character.asciiValue.map { $0 >= 0x20 && $0 != 0x7F ? 1 : 0 } ?? 1 }
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if isWide(first.value) { return 2 }
        let properties = first.properties
        if properties.isEmojiPresentation { return 2 }
        if properties.isEmoji, scalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        switch properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control:
            return 0
        default:
            return 1
        }
    }

    /// The columns of a string (one line: no newlines expected).
    public static func of<Text: StringProtocol>(_ text: Text) -> Int {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text.utf8.count }
        var total = 0
        for character in text { total += of(character) }
        return total
    }

    /// East Asian Wide (W) and Fullwidth (F) scalars outside the emoji.
    static func isWide(_ value: UInt32) -> Bool {
        switch value {
        case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
            0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19,
            0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1B000...0x1B2FF, 0x1F200...0x1F2FF,
            0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}
