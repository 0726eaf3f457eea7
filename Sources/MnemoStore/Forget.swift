import Foundation
import GRDB
import MnemoModel

/// What `forget` deleted: the target and everything that only it supported.
public struct ForgetReport: Sendable, Hashable {
    public var target: NodeID
    /// Every deleted thing, the target first.
    public var deleted: [NodeID]
    /// The journal entry's id.
    public var journalID: Int64
}

extension WriteContext {
    /// Deletes a stored thing for good (for privacy), with what only it
    /// supports, and journals the ids deleted (never the content).
    ///
    /// - an entity: its aliases, mentions, scene memberships, persona attributes,
    ///   insights about it, and every fact it fills a role of; episodes it spoke
    ///   stay, without a speaker;
    /// - an episode: its mentions and times, and the facts whose only source it was;
    /// - a fact: its roles, sources and earlier beliefs;
    /// - a scene: its memberships; its episodes and facts stay, without a scene;
    /// - a persona attribute or an insight: itself.
    /// Derived persona attributes and insights left without any support go too.
    public func forget(_ target: NodeID) throws -> ForgetReport {
        guard try reader.exists(target.kind, target.number) else {
            throw MnemoError(.notFound, "\(target) does not exist")
        }
        // The delete trigger takes an episode out of the full-text index: it must be in it.
        try indexNewEpisodes()
        var deleted: [NodeID] = [target]
        switch target.kind {
        case .entity:
            let facts = try Int64.fetchAll(db, sql: "SELECT DISTINCT fact_id FROM fact_filler WHERE kind = 0 AND value = ?", arguments: [target.number])
            for f in facts { try deleteFact(f) }
            deleted += facts.map { NodeID(.fact, $0) }
            let attributes = try Int64.fetchAll(db, sql: "SELECT id FROM persona_attribute WHERE entity_id = ?", arguments: [target.number])
            deleted += attributes.map { NodeID(.persona, $0) }
            let insights = try Int64.fetchAll(db, sql: "SELECT id FROM insight WHERE subject_id = ?", arguments: [target.number])
            deleted += insights.map { NodeID(.insight, $0) }
            try db.execute(sql: "DELETE FROM support WHERE owner_kind = 'p' AND owner_id IN (SELECT id FROM persona_attribute WHERE entity_id = ?1) OR owner_kind = 'i' AND owner_id IN (SELECT id FROM insight WHERE subject_id = ?1)", arguments: [target.number])
            try db.execute(sql: "DELETE FROM entity WHERE id = ?", arguments: [target.number])
            cache.reset()
        case .episode:
            let onlySource = try Int64.fetchAll(db, sql: """
                SELECT fact_id FROM fact_source WHERE episode_id = ?1
                AND fact_id NOT IN (SELECT fact_id FROM fact_source WHERE episode_id != ?1)
                """, arguments: [target.number])
            for f in onlySource { try deleteFact(f) }
            deleted += onlySource.map { NodeID(.fact, $0) }
            try db.execute(sql: "DELETE FROM episode WHERE id = ?", arguments: [target.number])
        case .fact:
            try deleteFact(target.number)
        case .scene:
            try db.execute(sql: "DELETE FROM scene WHERE id = ?", arguments: [target.number])
        case .persona:
            try db.execute(sql: "DELETE FROM persona_attribute WHERE id = ?", arguments: [target.number])
        case .insight:
            try db.execute(sql: "DELETE FROM insight WHERE id = ?", arguments: [target.number])
        }
        var affected: [NodeID] = []
        for node in deleted {
            let letter = String(node.kind.rawValue)
            try db.execute(sql: "DELETE FROM activation WHERE node_kind = ? AND node_id = ?", arguments: [letter, node.number])
            for row in try Row.fetchAll(db, sql: "SELECT owner_kind, owner_id FROM support WHERE item_kind = ? AND item_id = ?",
                                        arguments: [letter, node.number]) {
                let owner: String = row[0]
                if let kind = NodeKind(rawValue: Character(owner)) { affected.append(NodeID(kind, row[1])) }
            }
            try db.execute(sql: "DELETE FROM support WHERE (owner_kind = ?1 AND owner_id = ?2) OR (item_kind = ?1 AND item_id = ?2)",
                           arguments: [letter, node.number])
        }
        deleted += try deleteUnsupported(affected.filter { !deleted.contains($0) })

        var byKind: [String: [String]] = [:]
        for node in deleted { byKind[node.kind.name + "s", default: []].append(node.description) }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: byKind, options: [.sortedKeys]), as: UTF8.self)
        try db.execute(sql: "INSERT INTO forget_journal(at, target, deleted) VALUES (?, ?, ?)",
                       arguments: [now.microseconds, target.description, json])
        return ForgetReport(target: target, deleted: deleted, journalID: db.lastInsertedRowID)
    }

    private func deleteFact(_ id: Int64) throws {
        try db.execute(sql: "DELETE FROM fact_role WHERE fact_id = ?", arguments: [id])
        try db.execute(sql: "DELETE FROM fact WHERE id = ?", arguments: [id])
    }

    /// Derived persona attributes and insights that lost their last support.
    private func deleteUnsupported(_ owners: [NodeID]) throws -> [NodeID] {
        var gone: [NodeID] = []
        for owner in Set(owners).sorted() {
            let letter = String(owner.kind.rawValue)
            let supported = try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM support WHERE owner_kind = ? AND owner_id = ?)",
                                              arguments: [letter, owner.number]) ?? false
            guard !supported else { continue }
            switch owner.kind {
            case .persona: try db.execute(sql: "DELETE FROM persona_attribute WHERE id = ? AND pinned = 0", arguments: [owner.number])
            case .insight: try db.execute(sql: "DELETE FROM insight WHERE id = ?", arguments: [owner.number])
            default: continue
            }
            if db.changesCount > 0 { gone.append(owner) }
        }
        return gone
    }
}
