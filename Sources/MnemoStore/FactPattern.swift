import MnemoModel

/// What a role of a pattern must hold: anything, an entity or a literal.
/// Against a list filler, a bound term matches when any item of the list does.
public enum PatternTerm: Sendable, Hashable {
    case any
    case entity(String)
    /// An entity already resolved to its id (joins pass bound values on).
    case entityID(Int64)
    case literal(Literal)
}

/// A fact pattern: `works_at(alice, ?)`, `met(who: bob)`. Positional terms
/// take the predicate's positions; named ones its declared roles (or, for an
/// undeclared predicate, the role names the facts were written with).
public struct FactPattern: Sendable, Hashable {
    public var predicate: String
    public var arguments: [(role: String?, term: PatternTerm)] {
        get { zip(roles, terms).map { ($0, $1) } }
        set {
            roles = newValue.map(\.role)
            terms = newValue.map(\.term)
        }
    }
    var roles: [String?]
    var terms: [PatternTerm]

    public init(_ predicate: String, _ arguments: [(role: String?, term: PatternTerm)]) {
        self.predicate = predicate
        self.roles = arguments.map(\.role)
        self.terms = arguments.map(\.term)
    }

    /// A pattern with positional terms; `nil` stands for "anything".
    public init(_ predicate: String, entities: String?...) {
        self.init(predicate, entities.map { (nil, $0.map(PatternTerm.entity) ?? .any) })
    }
}

/// Which belief and which world-time a read looks at.
public struct TimeFilter: Sendable, Hashable {
    /// Valid time: only facts true at this instant. `nil` = no valid-time filter.
    public var asOf: Timestamp?
    /// Recorded time: what the memory believed at this instant. `nil` = what it
    /// believes now (facts not retracted).
    public var knownAsOf: Timestamp?

    /// Leave out facts a later value superseded (the default view of `match`:
    /// what the memory holds now, past events included, replaced values not).
    public var excludeSuperseded: Bool

    public init(asOf: Timestamp? = nil, knownAsOf: Timestamp? = nil, excludeSuperseded: Bool = false) {
        self.asOf = asOf
        self.knownAsOf = knownAsOf
        self.excludeSuperseded = excludeSuperseded
    }

    public static let current = TimeFilter()
}
