import MnemoModel

/// Splits a request into tokens. Keywords are not special here: the parser
/// compares words without case. `--` starts a comment to the end of the line.
///
/// The lexer works on UTF-8 bytes with ASCII fast paths (most requests are
/// ASCII) and builds each token's text once from its bytes; non-ASCII letters
/// are classified by their Unicode properties.
public struct Lexer {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var column = 1
    private var previous: Token.Kind? = nil

    public init(_ text: String) { bytes = Array(text.utf8) }

    /// All tokens, ending with `.end`.
    public static func tokenize(_ text: String) throws(MnemoError) -> [Token] {
        var lexer = Lexer(text)
        var tokens: [Token] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if case .end = token.kind { return tokens }
        }
    }

    // MARK: - Bytes and scalars

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }
    private func peek(_ offset: Int = 1) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }

    /// The scalar starting at `i` and its length in bytes.
    private func scalar(at i: Int) -> (Unicode.Scalar, Int) {
        let b = bytes[i]
        if b < 0x80 { return (Unicode.Scalar(b), 1) }
        let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
        guard i + length <= bytes.count else { return ("\u{FFFD}", 1) }
        var value = UInt32(b) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        for k in 1..<length { value = value << 6 | UInt32(bytes[i + k] & 0x3F) }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", length)
    }

    private mutating func advance() {
        guard index < bytes.count else { return }
        let (s, length) = scalar(at: index)
        if s == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        index += length
    }

    private static func isDigit(_ b: UInt8?) -> Bool { b.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
    private static func isASCIILetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }

    private func isWordStart(at i: Int) -> Bool {
        let b = bytes[i]
        if b < 0x80 { return Self.isASCIILetter(b) || b == 0x5F }
        return scalar(at: i).0.properties.isAlphabetic
    }

    private func isWordPart(at i: Int) -> Bool {
        let b = bytes[i]
        if b < 0x80 { return Self.isASCIILetter(b) || Self.isDigit(b) || b == 0x5F || b == 0x2D }
        let p = scalar(at: i).0.properties
        return p.isAlphabetic || p.numericType != nil
    }

    private func isWhitespace(at i: Int) -> Bool {
        let b = bytes[i]
        if b < 0x80 { return b == 0x20 || (b >= 0x09 && b <= 0x0D) }
        return scalar(at: i).0.properties.isWhitespace
    }

    private func error(_ message: String, at position: SourcePosition) -> MnemoError {
        MnemoError(.syntax, "\(position) \(message)")
    }

    private func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    // MARK: - Tokens

    public mutating func next() throws(MnemoError) -> Token {
        // Skip white space and comments.
        while index < bytes.count {
            if isWhitespace(at: index) {
                advance()
                continue
            }
            if current == 0x2D, peek() == 0x2D { // --
                while let b = current, b != 0x0A { advance() }
                continue
            }
            break
        }
        let start = SourcePosition(line: line, column: column)
        let begin = index
        func make(_ kind: Token.Kind) -> Token {
            previous = kind
            return Token(kind: kind, position: start, text: text(begin..<index))
        }
        guard let c = current else { return Token(kind: .end, position: start, text: "") }

        if c == 0x22 { return make(.string(try readString(start))) } // "
        if c == 0x3F { // ?
            advance()
            guard index < bytes.count, isWordStart(at: index) else { return make(.symbol("?")) }
            let nameStart = index
            while index < bytes.count, isWordPart(at: index) { advance() }
            return make(.variable(text(nameStart..<index)))
        }
        if c == 0x2F, case .symbol("~")? = previous { return make(try readRegex(start)) } // / after ~
        if Self.isDigit(c) || (c == 0x2D && Self.isDigit(peek())) { return make(try readNumberOrTime(start)) }
        if isWordStart(at: index) {
            while index < bytes.count, isWordPart(at: index) { advance() }
            // `f:42`: a kind letter, a colon, digits.
            if index - begin == 1, current == 0x3A, Self.isDigit(peek()), NodeKind(rawValue: Character(Unicode.Scalar(bytes[begin]))) != nil {
                advance()
                while Self.isDigit(current) { advance() }
                return make(.id(text(begin..<index)))
            }
            return make(.word(text(begin..<index)))
        }
        if let next = peek() {
            let pair = (c, next)
            if pair == (0x21, 0x3D) || pair == (0x3C, 0x3D) || pair == (0x3E, 0x3D) || pair == (0x2E, 0x2E) { // != <= >= ..
                advance()
                advance()
                return make(.symbol(text(begin..<index)))
            }
        }
        if "()[],:=<>~{}".utf8.contains(c) {
            advance()
            return make(.symbol(text(begin..<index)))
        }
        let (s, _) = scalar(at: index)
        throw error("unexpected character '\(s)'", at: start)
    }

    /// SQLite hands text back as C strings: a NUL would silently cut what was
    /// stored there, so a string may not hold one.
    static let nulInString = "a string cannot contain U+0000 (NUL)"

    private mutating func readString(_ start: SourcePosition) throws(MnemoError) -> String {
        advance() // opening quote
        var out: [UInt8] = []
        while true {
            guard let c = current else { throw error("unterminated string", at: start) }
            if c == 0x22 {
                advance()
                return String(decoding: out, as: UTF8.self)
            }
            if c == 0x0A { throw error("unterminated string (a string cannot span lines; write \\n)", at: start) }
            if c == 0x00 { throw error(Self.nulInString, at: SourcePosition(line: line, column: column)) }
            if c != 0x5C {
                let (_, length) = scalar(at: index)
                out += bytes[index..<min(bytes.count, index + length)]
                advance()
                continue
            }
            let escapePosition = SourcePosition(line: line, column: column)
            advance()
            guard let e = current else { throw error("unterminated string", at: start) }
            advance()
            switch e {
            case 0x22: out.append(0x22)
            case 0x5C: out.append(0x5C)
            case 0x2F: out.append(0x2F)
            case 0x6E: out.append(0x0A) // n
            case 0x74: out.append(0x09) // t
            case 0x72: out.append(0x0D) // r
            case 0x62: out.append(0x08) // b
            case 0x66: out.append(0x0C) // f
            case 0x75: // u
                var value = try readHex4(escapePosition)
                if (0xD800..<0xDC00).contains(value) {
                    guard current == 0x5C, peek() == 0x75 else {
                        throw error("unpaired surrogate \\u\(String(value, radix: 16))", at: escapePosition)
                    }
                    advance()
                    advance()
                    let low = try readHex4(escapePosition)
                    guard (0xDC00..<0xE000).contains(low) else { throw error("invalid surrogate pair", at: escapePosition) }
                    value = 0x10000 + (value - 0xD800) << 10 + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(value) else { throw error("invalid \\u escape", at: escapePosition) }
                guard value != 0 else { throw error(Self.nulInString, at: escapePosition) }
                out += Array(String(scalar).utf8)
            default:
                let (s, _) = scalar(at: index - 1)
                throw error("unknown escape '\\\(s)' in string", at: escapePosition)
            }
        }
    }

    private mutating func readHex4(_ position: SourcePosition) throws(MnemoError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let c = current else { throw error("\\u needs four hex digits", at: position) }
            let digit: UInt32
            switch c {
            case 0x30...0x39: digit = UInt32(c - 0x30)
            case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
            case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
            default: throw error("\\u needs four hex digits", at: position)
            }
            value = value * 16 + digit
            advance()
        }
        return value
    }

    private mutating func readRegex(_ start: SourcePosition) throws(MnemoError) -> Token.Kind {
        advance() // opening slash
        var pattern: [UInt8] = []
        while true {
            guard let c = current, c != 0x0A else { throw error("unterminated regular expression", at: start) }
            advance()
            if c == 0x2F { break }
            if c == 0x5C, current == 0x2F { // \/ is a slash
                advance()
                pattern.append(0x2F)
                continue
            }
            pattern.append(c)
            if c == 0x5C, let d = current {
                advance()
                pattern.append(d)
            }
        }
        let flagsStart = index
        while let c = current, Self.isASCIILetter(c) { advance() }
        return .regex(pattern: String(decoding: pattern, as: UTF8.self), flags: text(flagsStart..<index))
    }

    /// A number (`42`, `-3.5`, `1e3`) or an ISO time (`2023-05-08T13:56Z`).
    /// Four digits followed by `-` and a digit start a date; a bare four-digit
    /// number stays a number (the parser reads it as a year where a time is expected).
    private mutating func readNumberOrTime(_ start: SourcePosition) throws(MnemoError) -> Token.Kind {
        let begin = index
        var digits = 0
        while Self.isDigit(current) {
            advance()
            digits += 1
        }
        if digits == 4, current == 0x2D, Self.isDigit(peek()) {
            while let c = current, Self.isDigit(c) || "-:TtZz.+".utf8.contains(c) {
                if c == 0x2E && peek() == 0x2E { break } // `2023-05 .. 2023-08`
                advance()
            }
            let written = text(begin..<index)
            guard Timestamp.parse(written) != nil else { throw error("invalid time '\(written)'", at: start) }
            return .time(written)
        }
        if bytes[begin] == 0x2D {
            advance()
            while Self.isDigit(current) { advance() }
        }
        if current == 0x2E, Self.isDigit(peek()) {
            advance()
            while Self.isDigit(current) { advance() }
        }
        if current == 0x65 || current == 0x45, Self.isDigit(peek()) || ((peek() == 0x2D || peek() == 0x2B) && Self.isDigit(peek(2))) {
            advance()
            if current == 0x2D || current == 0x2B { advance() }
            while Self.isDigit(current) { advance() }
        }
        let written = text(begin..<index)
        if index < bytes.count, isWordStart(at: index) {
            var end = index
            while end < bytes.count, isWordPart(at: end) { end += scalar(at: end).1 }
            throw error("invalid number '\(text(begin..<end))'", at: start)
        }
        guard let value = Double(written) else { throw error("invalid number '\(written)'", at: start) }
        // `Double("1e400")` is infinity: refused here, so that no statement
        // carries a number JSON cannot write (or a comparison cannot order).
        guard value.isFinite else { throw error("number '\(written)' is out of range (at most about 1.8e308)", at: start) }
        return .number(value)
    }
}
