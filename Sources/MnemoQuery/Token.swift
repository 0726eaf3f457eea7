/// A position in a request: 1-based line and column (in characters).
public struct SourcePosition: Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var description: String { "\(line):\(column)" }
}

/// One token of the query language.
public struct Token: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// A bare word: keyword, name, predicate (`remember`, `alice`, `works_at`).
        case word(String)
        /// A double-quoted string, escapes resolved.
        case string(String)
        /// A number as written.
        case number(Double)
        /// An ISO 8601 time or date as written (`2023-05-08`, `2023-05-08T13:56Z`).
        case time(String)
        /// A stored thing's id: `f:42`.
        case id(String)
        /// `?name`.
        case variable(String)
        /// `/pattern/flags`, read only after `~`.
        case regex(pattern: String, flags: String)
        /// Punctuation: `( ) [ ] , : = != < <= > >= ~ ..` and `?` alone.
        case symbol(String)
        case end
    }

    public var kind: Kind
    public var position: SourcePosition
    /// The token's text as written, for error messages.
    public var text: String

    public var description: String {
        switch kind {
        case .end: "end of line"
        default: "'\(text)'"
        }
    }
}
