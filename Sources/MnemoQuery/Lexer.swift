import MnemoModel

/// Splits a request into tokens. Keywords are not special here: the parser
/// compares words without case. `--` starts a comment to the end of the line.
public struct Lexer {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var column = 1
    private var previous: Token.Kind? = nil

    public init(_ text: String) { scalars = Array(text.unicodeScalars) }

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

    private var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }
    private func peek(_ offset: Int = 1) -> Unicode.Scalar? { index + offset < scalars.count ? scalars[index + offset] : nil }

    private mutating func advance() {
        if scalars[index] == "\n" { line += 1; column = 1 } else { column += 1 }
        index += 1
    }

    private func error(_ message: String, at position: SourcePosition) -> MnemoError {
        MnemoError(.syntax, "\(position) \(message)")
    }

    static func isWordStart(_ c: Unicode.Scalar) -> Bool {
        c.properties.isAlphabetic || c == "_"
    }

    static func isWordPart(_ c: Unicode.Scalar) -> Bool {
        c.properties.isAlphabetic || c.properties.numericType != nil || c == "_" || c == "-"
    }

    public mutating func next() throws(MnemoError) -> Token {
        // Skip white space and comments.
        while let c = current {
            if c.properties.isWhitespace { advance(); continue }
            if c == "-", peek() == "-" {
                while let d = current, d != "\n" { advance() }
                continue
            }
            break
        }
        let start = SourcePosition(line: line, column: column)
        let startIndex = index
        func text() -> String { String(String.UnicodeScalarView(scalars[startIndex..<index])) }
        func make(_ kind: Token.Kind) -> Token {
            let token = Token(kind: kind, position: start, text: text())
            previous = kind
            return token
        }
        guard let c = current else { return Token(kind: .end, position: start, text: "") }

        if c == "\"" { return make(.string(try readString(start))) }
        if c == "?" {
            advance()
            guard let d = current, Self.isWordStart(d) else { return make(.symbol("?")) }
            while let d = current, Self.isWordPart(d) { advance() }
            return make(.variable(String(text().dropFirst())))
        }
        if c == "/", case .symbol("~")? = previous { return make(try readRegex(start)) }
        if c.properties.numericType != nil && c.isASCII || (c == "-" && (peek().map { $0.isASCII && $0.properties.numericType != nil } ?? false)) {
            return make(try readNumberOrTime(start))
        }
        if Self.isWordStart(c) {
            while let d = current, Self.isWordPart(d) { advance() }
            // `f:42`: a kind letter, a colon, digits.
            let word = text()
            if word.count == 1, current == ":", let d = peek(), d.isASCII, d.properties.numericType != nil,
               NodeKind(rawValue: Character(word)) != nil {
                advance()
                while let d = current, d.isASCII, d.properties.numericType != nil { advance() }
                return make(.id(text()))
            }
            return make(.word(word))
        }
        let two = peek().map { String(c) + String($0) }
        if let two, ["!=", "<=", ">=", ".."].contains(two) {
            advance(); advance()
            return make(.symbol(two))
        }
        if "()[],:=<>~{}".unicodeScalars.contains(c) {
            advance()
            return make(.symbol(String(c)))
        }
        throw error("unexpected character '\(c)'", at: start)
    }

    private mutating func readString(_ start: SourcePosition) throws(MnemoError) -> String {
        advance()   // opening quote
        var out = String.UnicodeScalarView()
        while true {
            guard let c = current else { throw error("unterminated string", at: start) }
            advance()
            if c == "\"" { return String(out) }
            if c == "\n" { throw error("unterminated string (a string cannot span lines; write \\n)", at: start) }
            guard c == "\\" else { out.append(c); continue }
            guard let e = current else { throw error("unterminated string", at: start) }
            let escapePosition = SourcePosition(line: line, column: column - 1)
            advance()
            switch e {
            case "\"": out.append("\"")
            case "\\": out.append("\\")
            case "/": out.append("/")
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "u":
                var value = try readHex4(escapePosition)
                if (0xD800..<0xDC00).contains(value) {
                    // A surrogate pair: \uD83D\uDE00.
                    guard current == "\\", peek() == "u" else { throw error("unpaired surrogate \\u\(String(value, radix: 16))", at: escapePosition) }
                    advance(); advance()
                    let low = try readHex4(escapePosition)
                    guard (0xDC00..<0xE000).contains(low) else { throw error("invalid surrogate pair", at: escapePosition) }
                    value = 0x10000 + (value - 0xD800) << 10 + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(value) else { throw error("invalid \\u escape", at: escapePosition) }
                out.append(scalar)
            default:
                throw error("unknown escape '\\\(e)' in string", at: escapePosition)
            }
        }
    }

    private mutating func readHex4(_ position: SourcePosition) throws(MnemoError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let c = current, let digit = c.properties.numericType != nil && c.isASCII ? UInt32(c.value - 48)
                    : ("a"..."f").contains(c) ? UInt32(c.value - 87) : ("A"..."F").contains(c) ? UInt32(c.value - 55) : nil
            else { throw error("\\u needs four hex digits", at: position) }
            value = value * 16 + digit
            advance()
        }
        return value
    }

    private mutating func readRegex(_ start: SourcePosition) throws(MnemoError) -> Token.Kind {
        advance()   // opening slash
        var pattern = String.UnicodeScalarView()
        while true {
            guard let c = current, c != "\n" else { throw error("unterminated regular expression", at: start) }
            advance()
            if c == "/" { break }
            if c == "\\", let d = current, d == "/" {
                advance()
                pattern.append("/")
                continue
            }
            pattern.append(c)
            if c == "\\", let d = current { advance(); pattern.append(d) }
        }
        var flags = ""
        while let c = current, c.properties.isAlphabetic { flags.unicodeScalars.append(c); advance() }
        return .regex(pattern: String(pattern), flags: flags)
    }

    /// A number (`42`, `-3.5`, `1e3`) or an ISO time (`2023`, `2023-05-08T13:56Z`).
    /// Four digits followed by `-` start a date; a bare four-digit number stays a number
    /// (the parser reads it as a year where a time is expected).
    private mutating func readNumberOrTime(_ start: SourcePosition) throws(MnemoError) -> Token.Kind {
        let begin = index
        func isDigit(_ c: Unicode.Scalar?) -> Bool { c.map { $0.isASCII && $0.properties.numericType != nil } ?? false }
        var digits = 0
        while isDigit(current) { advance(); digits += 1 }
        if digits == 4, current == "-", isDigit(peek()) {
            // A date or date-time: take every character that can belong to one.
            while let c = current, isDigit(c) || "-:TtZz.+".unicodeScalars.contains(c) {
                if c == "." && peek() == "." { break }          // `2023-05 .. 2023-08`
                advance()
            }
            let text = String(String.UnicodeScalarView(scalars[begin..<index]))
            guard Timestamp.parse(text) != nil else { throw error("invalid time '\(text)'", at: start) }
            return .time(text)
        }
        if scalars[begin] == "-" { advance(); while isDigit(current) { advance() } }
        if current == ".", isDigit(peek()) { advance(); while isDigit(current) { advance() } }
        if current == "e" || current == "E", isDigit(peek()) || ((peek() == "-" || peek() == "+") && isDigit(peek(2))) {
            advance()
            if current == "-" || current == "+" { advance() }
            while isDigit(current) { advance() }
        }
        let text = String(String.UnicodeScalarView(scalars[begin..<index]))
        if let c = current, Self.isWordStart(c) { throw error("invalid number '\(text)\(c)'", at: start) }
        guard let value = Double(text) else { throw error("invalid number '\(text)'", at: start) }
        return .number(value)
    }
}
