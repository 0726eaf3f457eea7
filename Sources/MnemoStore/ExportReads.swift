import Foundation
import GRDB
import MnemoModel

/// The reads of an export: every record of a space, kind after kind
/// (`ExportRecord.Kind`), each kind in id order, and how many there are.
///
/// Each kind is one pass over its table, walked beside its child tables in
/// the same key order (`RowCursor`): a fact with its roles, sources and
/// beliefs costs no look-up, and nothing is held but the record at hand.
/// Called inside one read transaction, so the records are one consistent
/// state of the space, whatever writers do meanwhile.
extension ReadContext {
    /// How many records of each kind `forEachExportRecord` reads.
    package func exportCounts(_ contents: ExportContents) throws -> [(ExportRecord.Kind, Int64)] {
        func count(_ sql: String) throws -> Int64 { try Int64.fetchOne(db, sql: sql) ?? 0 }
        var counts: [(ExportRecord.Kind, Int64)] = []
        for kind in ExportRecord.Kind.allCases {
            let n: Int64
            switch kind {
            case .predicate: n = try count("SELECT COUNT(*) FROM predicate")
            case .entity: n = try count("SELECT COUNT(*) FROM entity")
            case .scene: n = try count("SELECT COUNT(*) FROM scene")
            case .episode: n = try count("SELECT COUNT(*) FROM episode")
            case .fact: n = try count("SELECT COUNT(*) FROM fact")
            case .persona: n = try count("SELECT COUNT(*) FROM persona_attribute" + (contents.derived ? "" : " WHERE pinned = 1"))
            case .insight: n = contents.derived ? try count("SELECT COUNT(*) FROM insight") : 0
            case .link: n = contents.derived ? try count("SELECT COUNT(*) FROM entity_link") : 0
            case .activation:
                var nodes: Int64 = 0
                if contents.activation { try forEachActivation(contents) { _ in nodes += 1 } }
                n = nodes
            case .forgotten: n = try count("SELECT COUNT(*) FROM forget_journal")
            }
            counts.append((kind, n))
        }
        return counts
    }

    /// Calls `body` with every record of the space in export order.
    package func forEachExportRecord(_ contents: ExportContents, _ body: (ExportRecord) throws -> Void) throws {
        var rows = 0
        func emit(_ record: ExportRecord) throws {
            rows += 1
            if rows % 1024 == 0 { try cancellation.check() }
            try body(record)
        }
        try forEachPredicate { try emit(.predicate($0)) }
        try forEachEntity { try emit(.entity($0)) }
        try forEachScene(derived: contents.derived) { try emit(.scene($0)) }
        try forEachEpisode { try emit(.episode($0)) }
        try forEachFact { try emit(.fact($0)) }
        try forEachPersona(derived: contents.derived) { try emit(.persona($0)) }
        if contents.derived {
            try forEachInsight { try emit(.insight($0)) }
            try forEachLink { try emit(.link($0)) }
        }
        if contents.activation { try forEachActivation(contents) { try emit(.activation($0)) } }
        try forEachForgotten { try emit(.forgotten($0)) }
    }

    private func forEachPredicate(_ body: (ExportRecord.Predicate) throws -> Void) throws {
        let rows = try RowCursor(db, "SELECT id, name, roles, functional, declared_at FROM predicate ORDER BY id")
        while rows.hasRow {
            let roles = try rows.optionalText(2).map(PredicateRoles.decode)
            try body(.init(id: rows.int64(0), name: rows.text(1), roles: roles, functional: rows.bool(3), declaredAt: rows.optionalTime(4)))
            try rows.next()
        }
    }

    private func forEachEntity(_ body: (ExportRecord.Entity) throws -> Void) throws {
        let rows = try RowCursor(db, "SELECT id, name, kind, created_at, archived FROM entity ORDER BY id")
        let aliases = try RowCursor(db, "SELECT entity_id, alias, created_at FROM entity_alias ORDER BY entity_id, norm")
        while rows.hasRow {
            let id = rows.int64(0)
            var entity = ExportRecord.Entity(
                id: id, name: rows.text(1), type: rows.optionalText(2), createdAt: rows.time(3), archived: rows.bool(4), aliases: [])
            try aliases.rows(of: id) { entity.aliases.append(.init(alias: $0.text(1), createdAt: $0.time(2))) }
            try body(entity)
            try rows.next()
        }
    }

    private func forEachScene(derived: Bool, _ body: (ExportRecord.Scene) throws -> Void) throws {
        let rows = try RowCursor(
            db, "SELECT id, title, opened_at, closed_at, place_id, automatic, created_at, summary, reflection FROM scene ORDER BY id")
        let members = try RowCursor(db, "SELECT scene_id, entity_id, role FROM scene_member ORDER BY scene_id, entity_id, role")
        while rows.hasRow {
            let id = rows.int64(0)
            var scene = ExportRecord.Scene(
                id: id, title: rows.text(1), openedAt: rows.time(2), closedAt: rows.optionalTime(3), place: rows.optionalInt64(4),
                automatic: rows.bool(5), createdAt: rows.time(6), members: [],
                summary: derived ? rows.optionalText(7) : nil, reflection: derived ? rows.optionalText(8) : nil)
            try members.rows(of: id) { scene.members.append(.init(entity: $0.int64(1), role: $0.text(2))) }
            try body(scene)
            try rows.next()
        }
    }

    private func forEachEpisode(_ body: (ExportRecord.Episode) throws -> Void) throws {
        let rows = try RowCursor(
            db, "SELECT id, text, speaker_id, at, scene_id, ref, importance, recorded_at, archived FROM episode ORDER BY id")
        let entities = try RowCursor(db, "SELECT episode_id, entity_id, role FROM episode_entity ORDER BY episode_id, entity_id, role")
        let times = try RowCursor(db, "SELECT episode_id, position, text, from_time, to_time FROM episode_time ORDER BY episode_id, position")
        while rows.hasRow {
            let id = rows.int64(0)
            var episode = ExportRecord.Episode(
                id: id, text: rows.text(1), speaker: rows.optionalInt64(2), at: rows.time(3), scene: rows.optionalInt64(4),
                ref: rows.optionalText(5), importance: rows.double(6), recordedAt: rows.time(7), archived: rows.bool(8), entities: [], times: [])
            try entities.rows(of: id) { episode.entities.append(.init(entity: $0.int64(1), role: $0.text(2))) }
            try times.rows(of: id) { episode.times.append(.init(position: $0.int64(1), text: $0.text(2), from: $0.time(3), to: $0.time(4))) }
            try body(episode)
            try rows.next()
        }
    }

    private func forEachFact(_ body: (ExportRecord.Fact) throws -> Void) throws {
        let rows = try RowCursor(
            db,
            """
            SELECT id, predicate_id, valid_from, valid_to, recorded_at, retracted_at, confidence, origin, note, scene_id, superseded_by, archived
            FROM fact ORDER BY id
            """)
        let roles = try RowCursor(db, "SELECT fact_id, position, item, role, kind, value FROM fact_role ORDER BY fact_id, position, item")
        let sources = try RowCursor(db, "SELECT fact_id, episode_id FROM fact_source ORDER BY fact_id, episode_id")
        let beliefs = try RowCursor(
            db, "SELECT fact_id, valid_from, valid_to, recorded_at, retracted_at FROM fact_belief ORDER BY fact_id, recorded_at")
        while rows.hasRow {
            let id = rows.int64(0)
            var fact = ExportRecord.Fact(
                id: id, predicate: rows.int64(1), valid: TimeRange(from: rows.optionalTime(2), to: rows.optionalTime(3)),
                recordedAt: rows.time(4), retractedAt: rows.optionalTime(5), confidence: rows.double(6), origin: rows.text(7),
                note: rows.optionalText(8), scene: rows.optionalInt64(9), supersededBy: rows.optionalInt64(10), archived: rows.bool(11),
                roles: [], sources: [], beliefs: [])
            try roles.rows(of: id) {
                fact.roles.append(.init(position: $0.int64(1), item: $0.int64(2), role: $0.text(3), filler: $0.filler(kindColumn: 4)))
            }
            try sources.rows(of: id) { fact.sources.append($0.int64(1)) }
            try beliefs.rows(of: id) {
                fact.beliefs.append(
                    .init(valid: TimeRange(from: $0.optionalTime(1), to: $0.optionalTime(2)), recordedAt: $0.time(3), retractedAt: $0.time(4)))
            }
            try body(fact)
            try rows.next()
        }
    }

    /// The support rows of one kind of owner (`p` or `i`), by owner id.
    private func supportCursor(_ owner: NodeKind) throws -> RowCursor {
        try RowCursor(db, "SELECT owner_id, item_kind, item_id FROM support WHERE owner_kind = '\(owner.rawValue)' ORDER BY owner_id, item_kind, item_id")
    }

    private static func supportItem(_ row: RowCursor) -> NodeID? {
        guard let letter = row.text(1).first, let kind = NodeKind(rawValue: letter) else { return nil }
        return NodeID(kind, row.int64(2))
    }

    private func forEachPersona(derived: Bool, _ body: (ExportRecord.Persona) throws -> Void) throws {
        let rows = try RowCursor(
            db,
            """
            SELECT id, entity_id, name, value, pinned, category, valid_from, valid_to, confidence, first_seen, last_seen, recorded_at, retracted_at
            FROM persona_attribute \(derived ? "" : "WHERE pinned = 1") ORDER BY id
            """)
        let support = try supportCursor(.persona)
        while rows.hasRow {
            let id = rows.int64(0)
            var persona = ExportRecord.Persona(
                id: id, entity: rows.int64(1), name: rows.text(2), value: rows.text(3), pinned: rows.bool(4), category: rows.text(5),
                valid: TimeRange(from: rows.optionalTime(6), to: rows.optionalTime(7)), confidence: rows.double(8),
                firstSeen: rows.optionalTime(9), lastSeen: rows.optionalTime(10), recordedAt: rows.time(11), retractedAt: rows.optionalTime(12),
                support: [])
            try support.rows(of: id) { if let item = Self.supportItem($0) { persona.support.append(item) } }
            try body(persona)
            try rows.next()
        }
    }

    private func forEachInsight(_ body: (ExportRecord.Insight) throws -> Void) throws {
        let rows = try RowCursor(db, "SELECT id, kind, subject_id, text, data, key, created_at FROM insight ORDER BY id")
        let support = try supportCursor(.insight)
        while rows.hasRow {
            let id = rows.int64(0)
            var insight = ExportRecord.Insight(
                id: id, type: rows.text(1), subject: rows.optionalInt64(2), text: rows.text(3), data: rows.optionalText(4),
                key: rows.optionalText(5), createdAt: rows.time(6), support: [])
            try support.rows(of: id) { if let item = Self.supportItem($0) { insight.support.append(item) } }
            try body(insight)
            try rows.next()
        }
    }

    private func forEachLink(_ body: (ExportRecord.Link) throws -> Void) throws {
        let rows = try RowCursor(db, "SELECT from_id, to_id, kind, evidence, created_at FROM entity_link ORDER BY from_id, to_id, kind")
        while rows.hasRow {
            try body(.init(from: rows.int64(0), to: rows.int64(1), type: rows.text(2), evidence: rows.optionalText(3), createdAt: rows.time(4)))
            try rows.next()
        }
    }

    /// Every node's activation log (rows and folded segments), by node, for
    /// the nodes the export holds: a log left by a node that no longer
    /// exists (schema versions before 9 could leave some) is not exported.
    private func forEachActivation(_ contents: ExportContents, _ body: (ExportRecord.Activation) throws -> Void) throws {
        let accesses = try RowCursor(db, "SELECT node_kind, node_id, at, event FROM activation ORDER BY node_kind, node_id, at, rowid")
        let folded = try RowCursor(db, "SELECT node_kind, node_id, count, first_at, last_at FROM activation_folded ORDER BY node_kind, node_id, first_at")
        let exists = ExportedNodes(db: db, derived: contents.derived)
        func key(_ rows: RowCursor) -> (String, Int64) { (rows.text(0), rows.int64(1)) }
        while accesses.hasRow || folded.hasRow {
            let node: (String, Int64) =
                switch (accesses.hasRow, folded.hasRow) {
                case (true, true): key(accesses) < key(folded) ? key(accesses) : key(folded)
                case (true, false): key(accesses)
                default: key(folded)
                }
            var record = ExportRecord.Activation(node: NodeID(.entity, node.1), accesses: [], folded: [])
            while accesses.hasRow, key(accesses) == node {
                record.accesses.append(.init(at: accesses.time(2), event: accesses.text(3)))
                try accesses.next()
            }
            while folded.hasRow, key(folded) == node {
                record.folded.append(.init(count: folded.int64(2), first: folded.time(3), last: folded.time(4)))
                try folded.next()
            }
            guard let letter = node.0.first, node.0.count == 1, let kind = NodeKind(rawValue: letter) else { continue }
            record.node = NodeID(kind, node.1)
            if try exists.contains(record.node) { try body(record) }
        }
    }

    private func forEachForgotten(_ body: (ExportRecord.Forgotten) throws -> Void) throws {
        let rows = try RowCursor(db, "SELECT id, at, target, deleted FROM forget_journal ORDER BY id")
        while rows.hasRow {
            try body(.init(id: rows.int64(0), at: rows.time(1), target: rows.text(2), deleted: rows.text(3)))
            try rows.next()
        }
    }
}

/// Whether a node is among what an export holds: it exists, and it is not
/// a derived persona attribute or insight left out (without `derived`).
struct ExportedNodes {
    let db: Database
    let derived: Bool

    func contains(_ node: NodeID) throws -> Bool {
        let sql: String
        switch node.kind {
        case .entity: sql = "SELECT 1 FROM entity WHERE id = ?"
        case .episode: sql = "SELECT 1 FROM episode WHERE id = ?"
        case .fact: sql = "SELECT 1 FROM fact WHERE id = ?"
        case .scene: sql = "SELECT 1 FROM scene WHERE id = ?"
        case .persona: sql = "SELECT 1 FROM persona_attribute WHERE id = ?" + (derived ? "" : " AND pinned = 1")
        case .insight:
            guard derived else { return false }
            sql = "SELECT 1 FROM insight WHERE id = ?"
        }
        return try Int64.fetchOne(db.cachedStatement(sql: sql), arguments: [node.number]) != nil
    }
}
