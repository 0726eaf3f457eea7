/// A fact as read from the store: a hyperedge with its intervals and provenance.
public struct Fact: Hashable, Sendable {
    public var id: Int64
    public var predicate: String
    /// Role name → filler, in argument order.
    public var roles: [(name: String, value: Value)] { zip(roleNames, roleValues).map { ($0, $1) } }
    public var roleNames: [String]
    public var roleValues: [Value]
    /// The argument position of each role (positions may skip a role that was not given).
    public var rolePositions: [Int] = []
    /// When it was true in the world.
    public var valid: TimeRange
    /// When the memory believed it (`recorded_at` is never nil).
    public var recorded: TimeRange
    public var confidence: Double
    /// Ids of the episodes it came from.
    public var sources: [Int64]
    public var note: String?
    public var origin: String
    public var sceneID: Int64?
    public var supersededBy: Int64?

    @inlinable
    public init(
        id: Int64, predicate: String, roleNames: [String], roleValues: [Value], valid: TimeRange,
        recorded: TimeRange, confidence: Double, sources: [Int64], note: String?, origin: String,
        sceneID: Int64?, supersededBy: Int64?
    ) {
        self.id = id
        self.predicate = predicate
        self.roleNames = roleNames
        self.roleValues = roleValues
        self.valid = valid
        self.recorded = recorded
        self.confidence = confidence
        self.sources = sources
        self.note = note
        self.origin = origin
        self.sceneID = sceneID
        self.supersededBy = supersededBy
    }

    /// The filler of a role by name.
    public func value(of role: String) -> Value? {
        roleNames.firstIndex(of: role).map { roleValues[$0] }
    }

    /// The filler at an argument position.
    public func value(at position: Int) -> Value? {
        rolePositions.firstIndex(of: position).map { roleValues[$0] }
    }
}

/// An entity with its display name, normalised name, kind and aliases.
public struct Entity: Hashable, Sendable {
    public var id: Int64
    public var name: String
    public var kind: String?
    public var aliases: [String]
    public var createdAt: Timestamp

    public init(id: Int64, name: String, kind: String?, aliases: [String], createdAt: Timestamp) {
        self.id = id
        self.name = name
        self.kind = kind
        self.aliases = aliases
        self.createdAt = createdAt
    }
}

/// A resolved temporal expression of an episode: `"yesterday"` → a day.
public struct TimeMention: Hashable, Sendable {
    public var text: String
    public var range: TimeRange

    public init(text: String, range: TimeRange) {
        self.text = text
        self.range = range
    }
}

/// One raw event as it was received.
public struct Episode: Hashable, Sendable {
    public var id: Int64
    public var text: String
    public var speaker: String?
    public var at: Timestamp
    public var sceneID: Int64?
    public var sceneTitle: String?
    public var ref: String?
    public var importance: Double
    public var entities: [String]
    public var times: [TimeMention]
    public var recordedAt: Timestamp

    public init(
        id: Int64, text: String, speaker: String?, at: Timestamp, sceneID: Int64?, sceneTitle: String?,
        ref: String?, importance: Double, entities: [String], times: [TimeMention], recordedAt: Timestamp
    ) {
        self.id = id
        self.text = text
        self.speaker = speaker
        self.at = at
        self.sceneID = sceneID
        self.sceneTitle = sceneTitle
        self.ref = ref
        self.importance = importance
        self.entities = entities
        self.times = times
        self.recordedAt = recordedAt
    }
}

/// A bounded episode of life.
public struct Scene: Hashable, Sendable {
    public var id: Int64
    public var title: String
    public var span: TimeRange
    public var place: String?
    public var participants: [String]
    public var summary: String?
    public var automatic: Bool
    /// Places mentioned in it (found by consolidation).
    public var places: [String] = []
    /// The summary the reflector command wrote, if one ran.
    public var reflection: String?

    public init(
        id: Int64, title: String, span: TimeRange, place: String?, participants: [String],
        summary: String?, automatic: Bool
    ) {
        self.id = id
        self.title = title
        self.span = span
        self.place = place
        self.participants = participants
        self.summary = summary
        self.automatic = automatic
    }
}

/// One attribute of a persona: pinned by a client, or derived by consolidation.
public struct PersonaAttribute: Hashable, Sendable {
    public var id: Int64
    public var entity: String
    public var name: String
    /// The value as JSON text.
    public var valueJSON: String
    public var pinned: Bool
    public var valid: TimeRange
    public var confidence: Double
    public var recordedAt: Timestamp
    /// `pinned`, or what consolidation derived: attribute, relationship, topic, activity, timeline.
    public var category = "pinned"
    /// When what supports a derived attribute was first and last seen.
    public var firstSeen: Timestamp?
    public var lastSeen: Timestamp?
    /// The episodes, facts and scenes behind a derived attribute.
    public var support: [NodeID] = []
    /// For an attribute read live from a fact (category `attribute`): that fact.
    public var fact: Int64?

    public init(
        id: Int64, entity: String, name: String, valueJSON: String, pinned: Bool, valid: TimeRange,
        confidence: Double, recordedAt: Timestamp
    ) {
        self.id = id
        self.entity = entity
        self.name = name
        self.valueJSON = valueJSON
        self.pinned = pinned
        self.valid = valid
        self.confidence = confidence
        self.recordedAt = recordedAt
    }
}

/// A predicate's declaration: its role names and whether it is functional.
public struct PredicateDeclaration: Hashable, Sendable {
    public var name: String
    public var roles: [String]?
    public var functional: Bool

    public init(name: String, roles: [String]?, functional: Bool) {
        self.name = name
        self.roles = roles
        self.functional = functional
    }
}

/// A derived hyperedge written by consolidation: a pattern, a trend, a conflict.
public struct Insight: Hashable, Sendable {
    public var id: Int64
    public var kind: String
    public var subject: String?
    public var text: String
    public var createdAt: Timestamp
    /// Details as JSON text (who, what, how often, trend; the facts in conflict).
    public var data: String?
    /// What supports it.
    public var support: [NodeID] = []

    public init(id: Int64, kind: String, subject: String?, text: String, createdAt: Timestamp) {
        self.id = id
        self.kind = kind
        self.subject = subject
        self.text = text
        self.createdAt = createdAt
    }
}
