import Foundation
import GRDB
import MnemoModel

/// Writes the records of an export (`ExportRecord`) into an empty space,
/// inside the caller's write transaction, with every id as in the records.
///
/// Each record is checked as it comes: what it names (a speaker, a scene, a
/// source episode, an entity in a role, a support item) must have come
/// before it, as an export writes them, except the fact a fact is
/// `superseded_by`, which may come later (a late correction closes a newer
/// fact) and is checked by `finish()`. SQLite's foreign keys check most of
/// this; the rest (role fillers, support, activation nodes) is checked here.
/// A record that fails throws, and the caller's transaction rolls back:
/// nothing of the import is left.
///
/// What the store derives is rebuilt rather than read: normalised names,
/// fact keys, the filler index (moved to its settled table as ingest does),
/// the predicate blocks, and the full-text index, which the transaction
/// fills just before it commits.
package final class SpaceImport {
    private let w: WriteContext
    private let insertFact: FastStatement
    private let insertRole: FastStatement
    private let insertSource: FastStatement
    /// Facts that named a later fact as `superseded_by`: set in `finish()`.
    private var laterSupersessions: [(fact: Int64, by: Int64, line: Int)] = []
    private var fillersAdded = 0
    private var anyEpisode = false

    /// Starts an import; `CONFLICT` unless the space is empty.
    package init(_ context: WriteContext) throws {
        w = context
        let tables = [
            "entity", "predicate", "scene", "episode", "fact", "persona_attribute", "insight", "entity_link", "activation",
            "activation_folded", "forget_journal",
        ]
        for table in tables where try Bool.fetchOne(w.db, sql: "SELECT EXISTS (SELECT 1 FROM \(table))") == true {
            throw MnemoError(.conflict, "the space is not empty (it has rows in \(table)); import rebuilds a space with its ids, into an empty one")
        }
        insertFact = try FastStatement(
            w.db,
            """
            INSERT INTO fact(id, predicate_id, key, valid_from, valid_to, recorded_at, retracted_at, confidence, origin, note, scene_id, superseded_by, archived)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertRole = try FastStatement(
            w.db, "INSERT INTO fact_role(fact_id, position, item, role, predicate_id, kind, value) VALUES (?, ?, ?, ?, ?, ?, ?)")
        insertSource = try FastStatement(w.db, "INSERT INTO fact_source(fact_id, episode_id) VALUES (?, ?)")
        // Names, predicates and fact keys the writer remembers are about to change under it.
        w.cache.forgetAll()
    }

    /// Writes one record; `line` is where it was read, for a message about
    /// a later fact it names.
    package func add(_ record: ExportRecord, line: Int) throws {
        do {
            switch record {
            case .predicate(let p): try add(p)
            case .entity(let e): try add(e)
            case .scene(let s): try add(s)
            case .episode(let e): try add(e)
            case .fact(let f): try add(f, line: line)
            case .persona(let p): try add(p)
            case .insight(let i): try add(i)
            case .link(let l):
                try w.db.cachedStatement(
                    sql: "INSERT INTO entity_link(from_id, to_id, kind, evidence, created_at) VALUES (?, ?, ?, ?, ?)"
                ).execute(arguments: [l.from, l.to, l.type, l.evidence, l.createdAt.microseconds])
            case .activation(let a): try add(a)
            case .forgotten(let f):
                try w.db.cachedStatement(
                    sql: "INSERT INTO forget_journal(id, at, target, deleted) VALUES (?, ?, ?, ?)"
                ).execute(arguments: [f.id, f.at.microseconds, f.target, f.deleted])
            }
        } catch let error as DatabaseError {
            throw MnemoError(.invalid, "\(record.kind.rawValue) \(Self.label(record)): \(Self.explain(error))")
        }
    }

    /// After the last record: links facts to the later facts that superseded
    /// them, and leaves the filler and full-text indexes to be completed as
    /// every write completes them.
    package func finish() throws {
        let exists = try w.db.cachedStatement(sql: "SELECT 1 FROM fact WHERE id = ?")
        let link = try w.db.cachedStatement(sql: "UPDATE fact SET superseded_by = ? WHERE id = ?")
        for later in laterSupersessions {
            guard try Int64.fetchOne(exists, arguments: [later.by]) != nil else {
                throw MnemoError(.invalid, "line \(later.line): fact f:\(later.fact) is superseded by f:\(later.by), which the file does not hold")
            }
            try link.execute(arguments: [later.by, later.fact])
        }
        if anyEpisode { w.pending.firstNewEpisode = 1 }
        w.cache.forgetAll()
    }

    private func add(_ p: ExportRecord.Predicate) throws {
        let roles = p.roles.map(PredicateRoles.encode)
        try w.db.cachedStatement(
            sql: "INSERT INTO predicate(id, name, roles, functional, declared_at) VALUES (?, ?, ?, ?, ?)"
        ).execute(arguments: [try Self.positive(p.id), p.name, roles, p.functional, p.declaredAt?.microseconds])
    }

    private func add(_ e: ExportRecord.Entity) throws {
        try w.db.cachedStatement(
            sql: "INSERT INTO entity(id, name, norm, kind, created_at, archived) VALUES (?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [try Self.positive(e.id), e.name, Name.normalize(e.name), e.type, e.createdAt.microseconds, e.archived])
        let alias = try w.db.cachedStatement(sql: "INSERT INTO entity_alias(norm, alias, entity_id, created_at) VALUES (?, ?, ?, ?)")
        for a in e.aliases { try alias.execute(arguments: [Name.normalize(a.alias), a.alias, e.id, a.createdAt.microseconds]) }
    }

    private func add(_ s: ExportRecord.Scene) throws {
        try w.db.cachedStatement(
            sql: """
                INSERT INTO scene(id, title, norm, opened_at, closed_at, place_id, summary, automatic, created_at, reflection)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            try Self.positive(s.id), s.title, Name.normalize(s.title), s.openedAt.microseconds, s.closedAt?.microseconds, s.place,
            s.summary, s.automatic, s.createdAt.microseconds, s.reflection,
        ])
        let member = try w.db.cachedStatement(sql: "INSERT INTO scene_member(scene_id, entity_id, role) VALUES (?, ?, ?)")
        for m in s.members { try member.execute(arguments: [s.id, m.entity, m.role]) }
    }

    private func add(_ e: ExportRecord.Episode) throws {
        try w.db.cachedStatement(
            sql: """
                INSERT INTO episode(id, text, speaker_id, at, scene_id, ref, importance, recorded_at, archived)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            try Self.positive(e.id), e.text, e.speaker, e.at.microseconds, e.scene, e.ref, e.importance, e.recordedAt.microseconds, e.archived,
        ])
        let mention = try w.db.cachedStatement(sql: "INSERT INTO episode_entity(episode_id, entity_id, role) VALUES (?, ?, ?)")
        for m in e.entities { try mention.execute(arguments: [e.id, m.entity, m.role]) }
        let time = try w.db.cachedStatement(sql: "INSERT INTO episode_time(episode_id, position, text, from_time, to_time) VALUES (?, ?, ?, ?, ?)")
        for t in e.times { try time.execute(arguments: [e.id, t.position, t.text, t.from.microseconds, t.to.microseconds]) }
        anyEpisode = true
    }

    private func add(_ f: ExportRecord.Fact, line: Int) throws {
        let id = try Self.positive(f.id)
        guard !f.roles.isEmpty else { throw MnemoError(.invalid, "fact f:\(id) has no roles") }
        // The key `assert` gives the same fillers: predicate, then per
        // argument its position, role name and items.
        var key = FactKey()
        key.add(f.predicate)
        var previous: Int64?
        let entityExists = try w.db.cachedStatement(sql: "SELECT 1 FROM entity WHERE id = ?")
        for role in f.roles {
            if role.position != previous {
                key.add(role.position)
                key.add(role.role.utf8)
                previous = role.position
            }
            key.add(role.filler)
            if case .entity(let entity) = role.filler, try Int64.fetchOne(entityExists, arguments: [entity]) == nil {
                throw MnemoError(.invalid, "fact f:\(id): role \"\(role.role)\" names entity n:\(entity), which the file does not define before it")
            }
        }
        var supersededBy = f.supersededBy
        if let by = supersededBy, by >= id {
            laterSupersessions.append((id, by, line))
            supersededBy = nil
        }
        let s = insertFact
        s.bind(1, id)
        s.bind(2, f.predicate)
        s.bind(3, key.value)
        s.bind(4, f.valid.from?.microseconds)
        s.bind(5, f.valid.to?.microseconds)
        s.bind(6, f.recordedAt.microseconds)
        s.bind(7, f.retractedAt?.microseconds)
        s.bind(8, f.confidence)
        s.bind(9, f.origin)
        s.bind(10, f.note)
        s.bind(11, f.scene)
        s.bind(12, supersededBy)
        s.bind(13, Int64(f.archived ? 1 : 0))
        try s.run()
        try w.listPredicateBlock(of: id, predicateID: f.predicate)
        for role in f.roles {
            let r = insertRole
            r.bind(1, id)
            r.bind(2, role.position)
            r.bind(3, role.item)
            r.bind(4, role.role)
            r.bind(5, f.predicate)
            r.bind(6, role.filler.kind.rawValue)
            r.bind(7, role.filler)
            try r.run()
            try w.indexFiller(role.filler, predicateID: f.predicate, position: Int(role.position), factID: id, item: role.item)
        }
        w.cache.addRecentFillers(f.roles.count)
        fillersAdded += f.roles.count
        for source in f.sources {
            insertSource.bind(1, id)
            insertSource.bind(2, source)
            try insertSource.run()
        }
        let belief = try w.db.cachedStatement(
            sql: "INSERT INTO fact_belief(fact_id, valid_from, valid_to, recorded_at, retracted_at) VALUES (?, ?, ?, ?, ?)")
        for b in f.beliefs {
            try belief.execute(arguments: [id, b.valid.from?.microseconds, b.valid.to?.microseconds, b.recordedAt.microseconds, b.retractedAt.microseconds])
        }
        // As ingest does, in bulk: the recent filler entries move over once they are due.
        if fillersAdded >= 4096 {
            fillersAdded = 0
            if try w.fillersDue(limit: nil) { try w.settleFillers() }
        }
    }

    private func add(_ p: ExportRecord.Persona) throws {
        try w.db.cachedStatement(
            sql: """
                INSERT INTO persona_attribute(id, entity_id, name, value, pinned, category, valid_from, valid_to, confidence, first_seen, last_seen, recorded_at, retracted_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            try Self.positive(p.id), p.entity, p.name, p.value, p.pinned, p.category, p.valid.from?.microseconds, p.valid.to?.microseconds,
            p.confidence, p.firstSeen?.microseconds, p.lastSeen?.microseconds, p.recordedAt.microseconds, p.retractedAt?.microseconds,
        ])
        try addSupport(p.support, owner: NodeID(.persona, p.id))
    }

    private func add(_ i: ExportRecord.Insight) throws {
        try w.db.cachedStatement(
            sql: "INSERT INTO insight(id, kind, subject_id, text, data, key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [try Self.positive(i.id), i.type, i.subject, i.text, i.data, i.key, i.createdAt.microseconds])
        try addSupport(i.support, owner: NodeID(.insight, i.id))
    }

    private func addSupport(_ items: [NodeID], owner: NodeID) throws {
        let insert = try w.db.cachedStatement(sql: "INSERT INTO support(owner_kind, owner_id, item_kind, item_id) VALUES (?, ?, ?, ?)")
        let exists = ExportedNodes(db: w.db, derived: true)
        for item in items {
            guard [.episode, .fact, .scene].contains(item.kind), try exists.contains(item) else {
                throw MnemoError(.invalid, "\(owner) is supported by \(item), which the file does not define before it")
            }
            try insert.execute(arguments: [String(owner.kind.rawValue), owner.number, String(item.kind.rawValue), item.number])
        }
    }

    private func add(_ a: ExportRecord.Activation) throws {
        guard try ExportedNodes(db: w.db, derived: true).contains(a.node) else {
            throw MnemoError(.invalid, "the activation log of \(a.node), which the file does not define before it")
        }
        let kind = String(a.node.kind.rawValue)
        let access = try w.db.cachedStatement(sql: "INSERT INTO activation(node_kind, node_id, at, event) VALUES (?, ?, ?, ?)")
        for x in a.accesses { try access.execute(arguments: [kind, a.node.number, x.at.microseconds, x.event]) }
        let folded = try w.db.cachedStatement(
            sql: "INSERT INTO activation_folded(node_kind, node_id, count, first_at, last_at) VALUES (?, ?, ?, ?, ?)")
        for f in a.folded { try folded.execute(arguments: [kind, a.node.number, f.count, f.first.microseconds, f.last.microseconds]) }
    }

    private static func positive(_ id: Int64) throws -> Int64 {
        guard id > 0 else { throw MnemoError(.invalid, "id \(id) is not a positive number") }
        return id
    }

    /// The record's id as the protocol writes it, for messages.
    private static func label(_ record: ExportRecord) -> String {
        switch record {
        case .predicate(let p): "\(p.id) (\(p.name))"
        case .entity(let e): "n:\(e.id)"
        case .scene(let s): "s:\(s.id)"
        case .episode(let e): "e:\(e.id)"
        case .fact(let f): "f:\(f.id)"
        case .persona(let p): "p:\(p.id)"
        case .insight(let i): "i:\(i.id)"
        case .link(let l): "n:\(l.from) -> n:\(l.to)"
        case .activation(let a): "of \(a.node)"
        case .forgotten(let f): "\(f.id)"
        }
    }

    /// What a constraint SQLite enforced means for a record of a file.
    private static func explain(_ error: DatabaseError) -> String {
        let message = error.message ?? "\(error)"
        switch error.extendedResultCode {
        case .SQLITE_CONSTRAINT_FOREIGNKEY:
            return "it names an entity, scene, episode, fact or predicate that the file does not define before it"
        case .SQLITE_CONSTRAINT_PRIMARYKEY, .SQLITE_CONSTRAINT_UNIQUE:
            return "it repeats a record already imported (\(message))"
        default:
            return message
        }
    }
}
