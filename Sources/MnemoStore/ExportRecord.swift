import MnemoModel

/// One record of an export: a stored thing with what belongs to it alone
/// (an entity with its aliases, a fact with its roles, sources and earlier
/// beliefs), as `ReadContext.forEachExportRecord` reads it and
/// `SpaceImport` writes it back. Ids are the store's own, so that the
/// records of one space rebuild it with every id as it was; what the store
/// derives from them (normalised names, fact keys, the filler and full-text
/// indexes, predicate blocks) is not here and is rebuilt.
///
/// The file format of `export` (MnemoEngine's `ExportFormat`) writes each as
/// one JSON line.
package enum ExportRecord: Sendable {
    case predicate(Predicate)
    case entity(Entity)
    case scene(Scene)
    case episode(Episode)
    case fact(Fact)
    case persona(Persona)
    case insight(Insight)
    case link(Link)
    case activation(Activation)
    case forgotten(Forgotten)

    /// The kinds in the order an export writes them: each record names only
    /// records of kinds before it (and facts other facts, by `supersededBy`).
    package enum Kind: String, CaseIterable, Sendable {
        case predicate, entity, scene, episode, fact, persona, insight, link, activation, forgotten
    }

    package var kind: Kind {
        switch self {
        case .predicate: .predicate
        case .entity: .entity
        case .scene: .scene
        case .episode: .episode
        case .fact: .fact
        case .persona: .persona
        case .insight: .insight
        case .link: .link
        case .activation: .activation
        case .forgotten: .forgotten
        }
    }

    /// A predicate, declared or first seen in an assertion (`roles` nil).
    package struct Predicate: Sendable, Equatable {
        package var id: Int64
        package var name: String
        package var roles: [String]?
        package var functional: Bool
        package var declaredAt: Timestamp?
        package init(id: Int64, name: String, roles: [String]?, functional: Bool, declaredAt: Timestamp?) {
            (self.id, self.name, self.roles, self.functional, self.declaredAt) = (id, name, roles, functional, declaredAt)
        }
    }

    package struct Alias: Sendable, Equatable {
        package var alias: String
        package var createdAt: Timestamp
        package init(alias: String, createdAt: Timestamp) { (self.alias, self.createdAt) = (alias, createdAt) }
    }

    package struct Entity: Sendable, Equatable {
        package var id: Int64
        package var name: String
        package var type: String?
        package var createdAt: Timestamp
        package var archived: Bool
        package var aliases: [Alias]
        package init(id: Int64, name: String, type: String?, createdAt: Timestamp, archived: Bool, aliases: [Alias]) {
            (self.id, self.name, self.type, self.createdAt, self.archived, self.aliases) = (id, name, type, createdAt, archived, aliases)
        }
    }

    /// An entity in a role: a scene's participant or place, an episode's
    /// speaker, mention or addressee.
    package struct Member: Sendable, Equatable {
        package var entity: Int64
        package var role: String
        package init(entity: Int64, role: String) { (self.entity, self.role) = (entity, role) }
    }

    package struct Scene: Sendable, Equatable {
        package var id: Int64
        package var title: String
        package var openedAt: Timestamp
        package var closedAt: Timestamp?
        package var place: Int64?
        package var automatic: Bool
        package var createdAt: Timestamp
        package var members: [Member]
        /// What consolidation wrote (exported with the derived layer only).
        package var summary: String?
        package var reflection: String?
        package init(
            id: Int64, title: String, openedAt: Timestamp, closedAt: Timestamp?, place: Int64?, automatic: Bool, createdAt: Timestamp,
            members: [Member], summary: String?, reflection: String?
        ) {
            (self.id, self.title, self.openedAt, self.closedAt, self.place) = (id, title, openedAt, closedAt, place)
            (self.automatic, self.createdAt, self.members, self.summary, self.reflection) = (automatic, createdAt, members, summary, reflection)
        }
    }

    /// A temporal expression of an episode, resolved to `[from, to)`.
    package struct TimeExpression: Sendable, Equatable {
        package var position: Int64
        package var text: String
        package var from: Timestamp
        package var to: Timestamp
        package init(position: Int64, text: String, from: Timestamp, to: Timestamp) {
            (self.position, self.text, self.from, self.to) = (position, text, from, to)
        }
    }

    package struct Episode: Sendable, Equatable {
        package var id: Int64
        package var text: String
        package var speaker: Int64?
        package var at: Timestamp
        package var scene: Int64?
        package var ref: String?
        package var importance: Double
        package var recordedAt: Timestamp
        package var archived: Bool
        package var entities: [Member]
        package var times: [TimeExpression]
        package init(
            id: Int64, text: String, speaker: Int64?, at: Timestamp, scene: Int64?, ref: String?, importance: Double, recordedAt: Timestamp,
            archived: Bool, entities: [Member], times: [TimeExpression]
        ) {
            (self.id, self.text, self.speaker, self.at, self.scene, self.ref) = (id, text, speaker, at, scene, ref)
            (self.importance, self.recordedAt, self.archived, self.entities, self.times) = (importance, recordedAt, archived, entities, times)
        }
    }

    /// One filler of a fact: its argument's position, the item in a list
    /// (-1 for a single filler), the role name and the filler.
    package struct Role: Sendable, Equatable {
        package var position: Int64
        package var item: Int64
        package var role: String
        package var filler: StoredFiller
        package init(position: Int64, item: Int64, role: String, filler: StoredFiller) {
            (self.position, self.item, self.role, self.filler) = (position, item, role, filler)
        }
    }

    /// A belief the memory held about a fact before it changed its mind.
    package struct Belief: Sendable, Equatable {
        package var valid: TimeRange
        package var recordedAt: Timestamp
        package var retractedAt: Timestamp
        package init(valid: TimeRange, recordedAt: Timestamp, retractedAt: Timestamp) {
            (self.valid, self.recordedAt, self.retractedAt) = (valid, recordedAt, retractedAt)
        }
    }

    package struct Fact: Sendable, Equatable {
        package var id: Int64
        package var predicate: Int64
        package var valid: TimeRange
        package var recordedAt: Timestamp
        package var retractedAt: Timestamp?
        package var confidence: Double
        package var origin: String
        package var note: String?
        package var scene: Int64?
        package var supersededBy: Int64?
        package var archived: Bool
        package var roles: [Role]
        package var sources: [Int64]
        package var beliefs: [Belief]
        package init(
            id: Int64, predicate: Int64, valid: TimeRange, recordedAt: Timestamp, retractedAt: Timestamp?, confidence: Double, origin: String,
            note: String?, scene: Int64?, supersededBy: Int64?, archived: Bool, roles: [Role], sources: [Int64], beliefs: [Belief]
        ) {
            (self.id, self.predicate, self.valid, self.recordedAt, self.retractedAt) = (id, predicate, valid, recordedAt, retractedAt)
            (self.confidence, self.origin, self.note, self.scene, self.supersededBy) = (confidence, origin, note, scene, supersededBy)
            (self.archived, self.roles, self.sources, self.beliefs) = (archived, roles, sources, beliefs)
        }
    }

    /// A persona attribute: pinned by a client, or derived with its support.
    package struct Persona: Sendable, Equatable {
        package var id: Int64
        package var entity: Int64
        package var name: String
        /// The value as stored: JSON text.
        package var value: String
        package var pinned: Bool
        package var category: String
        package var valid: TimeRange
        package var confidence: Double
        package var firstSeen: Timestamp?
        package var lastSeen: Timestamp?
        package var recordedAt: Timestamp
        package var retractedAt: Timestamp?
        package var support: [NodeID]
        package init(
            id: Int64, entity: Int64, name: String, value: String, pinned: Bool, category: String, valid: TimeRange, confidence: Double,
            firstSeen: Timestamp?, lastSeen: Timestamp?, recordedAt: Timestamp, retractedAt: Timestamp?, support: [NodeID]
        ) {
            (self.id, self.entity, self.name, self.value, self.pinned, self.category) = (id, entity, name, value, pinned, category)
            (self.valid, self.confidence, self.firstSeen, self.lastSeen) = (valid, confidence, firstSeen, lastSeen)
            (self.recordedAt, self.retractedAt, self.support) = (recordedAt, retractedAt, support)
        }
    }

    package struct Insight: Sendable, Equatable {
        package var id: Int64
        package var type: String
        package var subject: Int64?
        package var text: String
        /// JSON text, as stored.
        package var data: String?
        package var key: String?
        package var createdAt: Timestamp
        package var support: [NodeID]
        package init(id: Int64, type: String, subject: Int64?, text: String, data: String?, key: String?, createdAt: Timestamp, support: [NodeID]) {
            (self.id, self.type, self.subject, self.text, self.data, self.key, self.createdAt, self.support) =
                (id, type, subject, text, data, key, createdAt, support)
        }
    }

    /// A link between two entities found to be the same (entity resolution).
    package struct Link: Sendable, Equatable {
        package var from: Int64
        package var to: Int64
        package var type: String
        package var evidence: String?
        package var createdAt: Timestamp
        package init(from: Int64, to: Int64, type: String, evidence: String?, createdAt: Timestamp) {
            (self.from, self.to, self.type, self.evidence, self.createdAt) = (from, to, type, evidence, createdAt)
        }
    }

    /// One access of a node's activation log.
    package struct Access: Sendable, Equatable {
        package var at: Timestamp
        package var event: String
        package init(at: Timestamp, event: String) { (self.at, self.event) = (at, event) }
    }

    /// Older accesses folded into one segment: how many, the oldest, the newest.
    package struct FoldedAccesses: Sendable, Equatable {
        package var count: Int64
        package var first: Timestamp
        package var last: Timestamp
        package init(count: Int64, first: Timestamp, last: Timestamp) { (self.count, self.first, self.last) = (count, first, last) }
    }

    /// A node's activation log.
    package struct Activation: Sendable, Equatable {
        package var node: NodeID
        package var accesses: [Access]
        package var folded: [FoldedAccesses]
        package init(node: NodeID, accesses: [Access], folded: [FoldedAccesses]) {
            (self.node, self.accesses, self.folded) = (node, accesses, folded)
        }
    }

    /// An entry of the forget journal: when, what, and the ids deleted (JSON text).
    package struct Forgotten: Sendable, Equatable {
        package var id: Int64
        package var at: Timestamp
        package var target: String
        package var deleted: String
        package init(id: Int64, at: Timestamp, target: String, deleted: String) { (self.id, self.at, self.target, self.deleted) = (id, at, target, deleted) }
    }
}
