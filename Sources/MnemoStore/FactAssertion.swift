import MnemoModel

/// A fact to assert: `predicate(arguments)` with its times, confidence and
/// provenance, as a client writes it.
public struct FactAssertion: Sendable, Hashable {
    public var predicate: String
    public var arguments: [Argument]
    /// When it became true in the world; `nil` = unknown (unbounded), or the
    /// recorded time when it supersedes an earlier value of a functional predicate.
    public var validFrom: Timestamp?
    /// When it stopped being true; `nil` = still true.
    public var validTo: Timestamp?
    public var confidence: Double
    /// Episodes the fact came from.
    public var sources: [Int64]
    /// A free-text source label (`source "hr sync"`).
    public var note: String?
    /// Who wrote it: `user`, `rule`, `consolidation`, `reflector`.
    public var origin: String
    /// The title of the scene it belongs to; the scene is created if new.
    public var scene: String?

    public init(
        _ predicate: String, _ arguments: [Argument], validFrom: Timestamp? = nil, validTo: Timestamp? = nil,
        confidence: Double = 1, sources: [Int64] = [], note: String? = nil, origin: String = "user",
        scene: String? = nil
    ) {
        self.predicate = predicate
        self.arguments = arguments
        self.validFrom = validFrom
        self.validTo = validTo
        self.confidence = confidence
        self.sources = sources
        self.note = note
        self.origin = origin
        self.scene = scene
    }

    /// A fact with positional arguments only: `FactAssertion("works_at", "alice", "acme")`.
    public init(_ predicate: String, entities: String...) {
        self.init(predicate, entities.map { Argument(.entity($0)) })
    }
}

/// What an assertion did.
public struct AssertOutcome: Sendable, Hashable {
    /// The fact: new, or the identical one already believed.
    public var factID: Int64
    /// `false` when an identical, currently believed fact was found and only
    /// its sources were added to.
    public var created: Bool
    /// Facts whose valid interval this one closed (functional predicates).
    public var supersedes: [Int64]
    /// Facts that close this one's valid interval: a value already recorded
    /// as starting later (a late correction about the past).
    public var supersededBy: [Int64]
}
