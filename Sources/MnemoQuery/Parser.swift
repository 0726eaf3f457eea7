import MnemoModel

/// A hand-written recursive-descent parser from tokens to a `Statement`.
///
/// Errors name the line and column, what was expected and what was found:
/// `SYNTAX 1:24 expected ',' or ')' after 'dana', found '?e'`.
public struct Parser {
    var tokens: [Token]
    var index = 0

    init(tokens: [Token]) { self.tokens = tokens }

    /// Parses one request line; `nil` for an empty line or a comment alone.
    public static func parse(_ text: String) throws(MnemoError) -> Statement? {
        var parser = Parser(tokens: try Lexer.tokenize(text))
        if case .end = parser.current.kind { return nil }
        let statement = try parser.statement()
        try parser.expectEnd()
        return statement
    }

    /// The statements of SPEC §2 this version parses no further.
    static let pending: Set<String> = [
        "remember", "recall", "assert", "declare", "retract", "forget", "scene", "persona", "alias", "match",
        "history", "timeline", "scenes", "conflicts", "insights", "explain", "consolidate", "consolidations",
        "undo", "backup",
    ]

    mutating func statement() throws(MnemoError) -> Statement {
        let first = current
        guard case .word(let word) = first.kind else {
            throw MnemoError(.syntax, "\(first.position) expected a statement, found \(first)")
        }
        let keyword = word.lowercased()
        advance()
        switch keyword {
        case "ping": return .ping
        case "stats": return .stats
        case "help":
            if case .word(let topic) = current.kind {
                advance()
                return .help(topic: topic.lowercased())
            }
            return .help(topic: nil)
        case "use":
            if isKeyword("space") { advance() }
            return .use(space: try name(after: "use space"))
        default:
            if Self.pending.contains(keyword) {
                index = tokens.count - 1   // the rest of the line is not parsed yet
                return .unsupported(keyword: keyword)
            }
            throw MnemoError(.syntax, "\(first.position) unknown statement '\(word)'; try 'help'")
        }
    }

    // MARK: - Helpers

    var current: Token { tokens[index] }

    mutating func advance() {
        if index < tokens.count - 1 { index += 1 }
    }

    func isKeyword(_ keyword: String) -> Bool {
        if case .word(let w) = current.kind { return w.lowercased() == keyword }
        return false
    }

    /// The text of the token before the current one, for "after 'x'" in errors.
    var previousText: String? { index > 0 ? tokens[index - 1].text : nil }

    func expected(_ what: String) -> MnemoError {
        let after = previousText.map { " after '\($0)'" } ?? ""
        return MnemoError(.syntax, "\(current.position) expected \(what)\(after), found \(current)")
    }

    /// A name: a bare word or a string.
    mutating func name(after context: String) throws(MnemoError) -> String {
        switch current.kind {
        case .word(let w):
            advance()
            return w
        case .string(let s):
            advance()
            return s
        default:
            throw expected("a name")
        }
    }

    func expectEnd() throws(MnemoError) {
        guard case .end = current.kind else { throw expected("end of statement") }
    }
}
