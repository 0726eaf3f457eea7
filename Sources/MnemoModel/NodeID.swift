/// The kinds of stored thing, each with the letter that prefixes its id on the
/// wire: `n:5` is an entity, `e:17` an episode, `f:42` a fact.
public enum NodeKind: Character, Sendable, CaseIterable, Hashable {
    case entity = "n"
    case episode = "e"
    case fact = "f"
    case scene = "s"
    case persona = "p"
    case insight = "i"

    /// The protocol's name for the kind (`"entity"`, `"fact"`, ...).
    public var name: String {
        switch self {
        case .entity: "entity"
        case .episode: "episode"
        case .fact: "fact"
        case .scene: "scene"
        case .persona: "persona"
        case .insight: "insight"
        }
    }

    /// Whether consolidation derives things of this kind (persona attributes
    /// and insights) from the stored ones, rather than a client storing them.
    @inlinable public var isDerived: Bool { self == .persona || self == .insight }
}

/// The id of a stored thing: a kind and its row number, written `f:42`.
public struct NodeID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var kind: NodeKind
    public var number: Int64

    public init(_ kind: NodeKind, _ number: Int64) {
        self.kind = kind
        self.number = number
    }

    /// Reads `f:42`; `nil` for anything else.
    public init?(_ text: some StringProtocol) {
        guard text.count >= 3, let letter = text.first, let kind = NodeKind(rawValue: letter) else { return nil }
        let rest = text.dropFirst()
        let digits = rest.dropFirst()
        // Only the canonical spelling: no sign, no leading zero.
        guard rest.first == ":", digits.first != "0", digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
            let number = Int64(digits), number > 0
        else { return nil }
        self.init(kind, number)
    }

    public var description: String { "\(kind.rawValue):\(number)" }

    public static func < (a: NodeID, b: NodeID) -> Bool {
        a.kind.rawValue == b.kind.rawValue ? a.number < b.number : a.kind.rawValue < b.kind.rawValue
    }
}
