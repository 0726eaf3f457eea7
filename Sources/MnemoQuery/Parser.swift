import Foundation
import MnemoModel
import MnemoRegex

/// A hand-written recursive-descent parser from tokens to a `Statement`.
///
/// Errors name the line and column, what was expected and what was found:
/// `SYNTAX 1:24 expected ',' or ')' after 'dana', found '?e'`.
public struct Parser {
    var tokens: [Token]
    var index = 0
    /// Patterns checked while parsing, shared with the match engine's cache.
    public static let regexes = RegexCache(capacity: 256)

    /// The instant `now` stands for: when the request arrived.
    let now: Timestamp

    init(tokens: [Token], now: Timestamp) {
        self.tokens = tokens
        self.now = now
    }

    /// Parses one request; `nil` for an empty line or a comment alone.
    public static func parse(_ text: String, now: Timestamp = .now()) throws(MnemoError) -> Statement? {
        var parser = Parser(tokens: try Lexer.tokenize(text), now: now)
        if case .end = parser.current.kind { return nil }
        let statement = try parser.statement()
        try parser.expectEnd()
        return statement
    }

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
                var full = topic.lowercased()
                // Two-word topics: `help scene open`, `help undo consolidation`.
                if case .word(let second) = current.kind {
                    full += " " + second.lowercased()
                    advance()
                }
                return .help(topic: full)
            }
            return .help(topic: nil)
        case "use":
            if isKeyword("space") { advance() }
            return .use(space: try name("a space name"))
        case "remember": return try remember()
        case "assert": return try assertion()
        case "declare": return try declaration()
        case "retract":
            let id = try nodeID("a fact id such as f:42", kinds: [.fact])
            var at: Timestamp?
            if isKeyword("at") {
                advance()
                at = try time()
            }
            return .retract(id, at: at)
        case "forget": return .forget(try nodeID("an id such as f:42, e:17 or n:5", kinds: nil))
        case "scene": return try scene()
        case "persona": return try persona()
        case "alias":
            let alias = try name("an alias")
            try expectSymbol("=")
            return .alias(alias: alias, target: try name("the name the alias stands for"))
        case "recall": return try recall(explain: false)
        case "explain":
            try expectKeyword("recall")
            return try recall(explain: true)
        case "match": return try match()
        case "history":
            let atom = try atom(allowVariables: true)
            return .history(atom, limit: try clauses(.history, []))
        case "timeline":
            let entity = try name("an entity name")
            var during: TimeRange?
            let limit = try clauses(.timeline, ["during"]) { (p: inout Parser, _: String) throws(MnemoError) in during = try p.interval() }
            return .timeline(entity: entity, during: during, limit: limit)
        case "scenes":
            var with: String?
            var during: TimeRange?
            let limit = try clauses(.scenes, ["with", "during"]) { (p: inout Parser, keyword: String) throws(MnemoError) in
                if keyword == "with" { with = try p.name("an entity name") } else { during = try p.interval() }
            }
            return .scenes(with: with, during: during, limit: limit)
        case "conflicts", "insights":
            var about: String?
            let limit = try clauses(keyword == "conflicts" ? .conflicts : .insights, ["about"]) { (p: inout Parser, _: String) throws(MnemoError) in
                about = try p.name("an entity name")
            }
            return keyword == "conflicts" ? .conflicts(about: about, limit: limit) : .insights(about: about, limit: limit)
        case "consolidate":
            if isKeyword("dry") {
                advance()
                try expectKeyword("run")
                return .consolidate(dryRun: true)
            }
            return .consolidate(dryRun: false)
        case "consolidations":
            return .consolidations(limit: try clauses(.consolidations, []))
        case "undo":
            try expectKeyword("consolidation")
            // `Int64(exactly:)`: a run number of 1e300 or 2^63 is refused, not converted.
            guard case .number(let n) = current.kind, let run = Int64(exactly: n), run >= 1 else {
                throw expected("a consolidation run number")
            }
            advance()
            return .undoConsolidation(run)
        case "backup":
            try expectKeyword("to")
            guard case .string(let path) = current.kind else { throw expected("a quoted file path") }
            advance()
            return .backup(path: path)
        case "export":
            try expectKeyword("to")
            guard case .string(let path) = current.kind else { throw expected("a quoted file path") }
            advance()
            return .export(path: path, contents: try exportContents())
        case "import":
            try expectKeyword("from")
            guard case .string(let path) = current.kind else { throw expected("a quoted file path") }
            advance()
            return .importFrom(path: path)
        default:
            throw MnemoError(.syntax, "\(first.position) unknown statement '\(word)'; try 'help'")
        }
    }

    // MARK: - Token helpers

    var current: Token { tokens[index] }

    mutating func advance() {
        if index < tokens.count - 1 { index += 1 }
    }

    func isKeyword(_ keyword: String) -> Bool {
        if case .word(let w) = current.kind { return w.lowercased() == keyword }
        return false
    }

    func isSymbol(_ symbol: String) -> Bool {
        if case .symbol(let s) = current.kind { return s == symbol }
        return false
    }

    mutating func expectKeyword(_ keyword: String) throws(MnemoError) {
        guard isKeyword(keyword) else { throw expected("'\(keyword)'") }
        advance()
    }

    mutating func expectSymbol(_ symbol: String) throws(MnemoError) {
        guard isSymbol(symbol) else { throw expected("'\(symbol)'") }
        advance()
    }

    /// After an item of a parenthesised list: `true` past a `,` (another item
    /// follows), `false` past the closing `)`, else the error every such list gives.
    mutating func nextListItem() throws(MnemoError) -> Bool {
        if isSymbol(",") {
            advance()
            return true
        }
        guard isSymbol(")") else { throw expected("',' or ')'") }
        advance()
        return false
    }

    /// The text of the token before the current one, for "after 'x'" in errors.
    var previousText: String? { index > 0 ? tokens[index - 1].text : nil }

    func expected(_ what: String) -> MnemoError {
        let after = previousText.map { " after '\($0)'" } ?? ""
        return MnemoError(.syntax, "\(current.position) expected \(what)\(after), found \(current)")
    }

    func expectEnd() throws(MnemoError) {
        guard case .end = current.kind else { throw expected("end of statement") }
    }

    /// A name: a bare word or a string.
    mutating func name(_ what: String) throws(MnemoError) -> String {
        switch current.kind {
        case .word(let w):
            advance()
            return w
        case .string(let s):
            guard !s.trimmingCharacters(in: .whitespaces).isEmpty else { throw MnemoError(.syntax, "\(current.position) \(what) cannot be empty") }
            advance()
            return s
        default:
            throw expected(what)
        }
    }

    /// A comma-separated list of names.
    mutating func names(_ what: String) throws(MnemoError) -> [String] {
        var result = [try name(what)]
        while isSymbol(",") {
            advance()
            result.append(try name(what))
        }
        return result
    }

    mutating func nodeID(_ what: String, kinds: Set<NodeKind>?) throws(MnemoError) -> NodeID {
        guard case .id(let text) = current.kind else { throw expected(what) }
        guard let id = NodeID(text) else { throw MnemoError(.syntax, "\(current.position) invalid id '\(text)'") }
        if let kinds, !kinds.contains(id.kind) { throw expected(what) }
        advance()
        return id
    }

    mutating func number(_ what: String) throws(MnemoError) -> Double {
        guard case .number(let n) = current.kind else { throw expected(what) }
        advance()
        return n
    }

    mutating func wholeNumber(_ what: String, range: ClosedRange<Int>) throws(MnemoError) -> Int {
        let position = current.position
        guard case .number = current.kind else {
            throw MnemoError(
                .syntax, "\(position) \(what) must be a whole number from \(range.lowerBound) to \(range.upperBound), found \(current)")
        }
        let n = try number(what)
        // `Int(exactly:)` is nil for NaN, infinities, fractions and values past Int's
        // range: `Double(Int.max)` rounds up to 2^63, so a bound check in Double
        // admits a value that would trap when converted.
        guard let whole = Int(exactly: n), range.contains(whole) else {
            throw MnemoError(.syntax, "\(position) \(what) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return whole
    }

    /// The number after `limit` in a statement that answers rows (`RowLimit`).
    mutating func rowLimit() throws(MnemoError) -> Int {
        try wholeNumber("limit", range: 1...RowLimit.maximum)
    }
}
