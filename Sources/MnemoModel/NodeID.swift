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

    /// The letter as a byte, for writers of ids: the `Character`'s own
    /// `asciiValue` is a look at its grapheme, far slower than this switch.
    public var letter: UInt8 {
        switch self {
        case .entity: UInt8(ascii: "n")
        case .episode: UInt8(ascii: "e")
        case .fact: UInt8(ascii: "f")
        case .scene: UInt8(ascii: "s")
        case .persona: UInt8(ascii: "p")
        case .insight: UInt8(ascii: "i")
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
        // Bytes, not characters: an export file holds millions of ids.
        var bytes = text.utf8.makeIterator()
        guard let letter = bytes.next(), letter < 0x80, let kind = NodeKind(rawValue: Character(Unicode.Scalar(letter))),
            bytes.next() == UInt8(ascii: ":")
        else { return nil }
        var number: Int64 = 0
        var digits = 0
        while let b = bytes.next() {
            // Only the canonical spelling: digits, no sign, no leading zero.
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9"), !(digits == 0 && b == UInt8(ascii: "0")) else { return nil }
            let (times10, overflow) = number.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int64(b - UInt8(ascii: "0")))
            guard !overflow, !overflow2 else { return nil }
            number = sum
            digits += 1
        }
        guard digits > 0 else { return nil }
        self.init(kind, number)
    }

    public var description: String { "\(kind.rawValue):\(number)" }

    public static func < (a: NodeID, b: NodeID) -> Bool {
        a.kind.rawValue == b.kind.rawValue ? a.number < b.number : a.kind.rawValue < b.kind.rawValue
    }
}
