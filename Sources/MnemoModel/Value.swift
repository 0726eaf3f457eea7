/// A literal filler of a fact's role: text, a number or a time.
public enum Literal: Hashable, Sendable {
    case text(String)
    case number(Double)
    case time(Timestamp)
}

/// What a client writes in a role of a fact: an entity by name, a literal, or
/// a list of either (`met(who: [alice, bob], ...)`).
public enum Filler: Hashable, Sendable {
    case entity(String)
    case literal(Literal)
    case list([Filler])
}

/// A role filler as stored and read back: an entity (id and display name), a
/// literal, or a list of them.
public enum Value: Hashable, Sendable {
    case entity(id: Int64, name: String)
    case literal(Literal)
    case list([Value])
}

/// One argument of a fact as written: a filler, with a role name when the
/// client named it (`who: [alice, bob]`) or `nil` when it is positional.
public struct Argument: Hashable, Sendable {
    public var role: String?
    public var filler: Filler

    public init(_ filler: Filler, role: String? = nil) {
        self.role = role
        self.filler = filler
    }
}

extension Value {
    /// The value as JSON text: an entity as its name, literals as themselves
    /// (a whole number without a fraction, a time in ISO 8601), a list as an array.
    /// A number JSON cannot write (an infinity a store may hold from before the
    /// language refused them) is `null`.
    public var jsonText: String {
        switch self {
        case .entity(_, let name): JSONString.quoted(name)
        case .literal(.text(let s)): JSONString.quoted(s)
        case .literal(.number(let n)) where !n.isFinite: "null"
        case .literal(.number(let n)): n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        case .literal(.time(let t)): JSONString.quoted(t.iso8601)
        case .list(let items): "[" + items.map(\.jsonText).joined(separator: ",") + "]"
        }
    }
}
