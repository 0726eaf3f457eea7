import Foundation
import GRDB
import MnemoModel

/// What `forget` deleted: the target and everything that only it supported.
public struct ForgetReport: Sendable, Hashable {
    public var target: NodeID
    /// Every deleted thing, the target first.
    public var deleted: [NodeID]
    /// Scenes kept whose summaries were cleared (written from forgotten text
    /// or naming a forgotten entity) or whose automatic title was replaced.
    public var redactedScenes: [Int64]
    /// Changes taken out of the consolidation journal or redacted in it.
    public var journalChanges: Int
    /// The journal entry's id.
    public var journalID: Int64
}

extension WriteContext {
    /// Deletes a stored thing for good (for privacy), with what only it
    /// supports and everything derived from it, and journals the ids deleted
    /// (never the content).
    ///
    /// - an entity: its aliases, mentions, scene memberships, persona attributes,
    ///   insights about it, and every fact it fills a role of; episodes it spoke
    ///   stay, without a speaker;
    /// - an episode: its mentions and times, and the facts whose only source it was;
    /// - a fact: its roles, sources and earlier beliefs;
    /// - a scene: its memberships; its episodes and facts stay, without a scene;
    /// - a persona attribute or an insight: itself.
    ///
    /// Then, so that nothing forgotten stays in the file: entities and
    /// undeclared predicates that only the deleted things named; derived
    /// persona attributes and insights that any deleted thing supported, or
    /// that name a deleted entity; automatic scenes left empty; the summaries
    /// of scenes that held a deleted episode or name a deleted entity (the next
    /// consolidation writes them again from what remains); automatic titles
    /// that name a deleted entity; every change of the consolidation journal
    /// that carries any of it (`redactJournal`); the episode's terms in the
    /// full-text index. The pages that held it are zeroed (`secure_delete`),
    /// and `MemoryStore.write` truncates the WAL once the transaction commits.
    public func forget(_ target: NodeID) throws -> ForgetReport {
        guard try reader.exists(target.kind, target.number) else {
            throw MnemoError(.notFound, "\(target) does not exist")
        }
        // The delete trigger takes an episode out of the full-text index: it must be in it.
        try indexNewEpisodes()
        var cascade = Cascade(target)
        try deleteTarget(&cascade)
        try deleteEmptyAutomaticScenes(&cascade)
        try deleteUnnamedEntities(&cascade)
        for predicate in cascade.predicates.sorted() where try deleteUnusedPredicate(predicate) {
            cascade.gone.predicates.insert(predicate)
        }
        try deleteDerivedRows(&cascade, supportedByDeleted: true)
        var redacted = try redactScenes(&cascade)
        let journalChanges = try redactJournal(&cascade.gone)
        // What the journal showed was derived from the deleted rows, and is still here.
        try deleteDerivedRows(&cascade, supportedByDeleted: false)
        redacted.formUnion(try clearSummaries(cascade.gone.summaries))
        for node in cascade.deleted {
            let letter = String(node.kind.rawValue)
            try deleteActivation(node)
            try db.execute(
                sql: "DELETE FROM support WHERE (owner_kind = ?1 AND owner_id = ?2) OR (item_kind = ?1 AND item_id = ?2)",
                arguments: [letter, node.number])
        }
        if !cascade.gone.episodes.isEmpty {
            // A deleted row leaves its terms in the index's older segments until
            // a merge drops them: merge them all now.
            try db.execute(sql: "INSERT INTO episode_fts(episode_fts) VALUES ('optimize')")
        }
        cache.reset()
        afterCommit.truncateWAL = true

        var byKind: [String: [String]] = [:]
        for node in cascade.deleted { byKind[node.kind.name + "s", default: []].append(node.description) }
        let json = JSONValue.object(byKind.sorted { $0.key < $1.key }.map { ($0.key, .array($0.value.map { .string($0) })) }).serialized
        try db.execute(
            sql: "INSERT INTO forget_journal(at, target, deleted) VALUES (?, ?, ?)",
            arguments: [now.microseconds, target.description, json])
        return ForgetReport(
            target: target, deleted: cascade.deleted, redactedScenes: redacted.sorted(),
            journalChanges: journalChanges, journalID: db.lastInsertedRowID)
    }

    /// What a `forget` has deleted so far, and what it still has to look at.
    private struct Cascade {
        let target: NodeID
        /// Every deleted thing, the target first.
        var deleted: [NodeID]
        var gone = ForgottenRows()
        /// Entities the deleted things named, which may be named nowhere else.
        var candidates: Set<Int64> = []
        /// Predicates of the deleted facts.
        var predicates: Set<Int64> = []
        /// Scenes that held a deleted episode.
        var scenes: Set<Int64> = []

        init(_ target: NodeID) {
            self.target = target
            deleted = [target]
            gone.insert(target)
        }

        mutating func add(_ nodes: some Sequence<NodeID>) {
            for node in nodes {
                deleted.append(node)
                gone.insert(node)
            }
        }
    }

    /// The target and what only it supports.
    private func deleteTarget(_ cascade: inout Cascade) throws {
        let id = cascade.target.number
        switch cascade.target.kind {
        case .entity:
            try noteNames(of: id, in: &cascade.gone)
            let facts = try Int64.fetchAll(db, sql: "SELECT DISTINCT fact_id FROM fact_filler WHERE kind = 0 AND value = ?", arguments: [id])
            for f in facts { try deleteFact(f, &cascade) }
            cascade.add(facts.map { NodeID(.fact, $0) })
            cascade.add(try deleteEntity(id).dropFirst())
        case .episode:
            cascade.candidates.formUnion(
                try Int64.fetchAll(
                    db,
                    sql: """
                        SELECT entity_id FROM episode_entity WHERE episode_id = ?1
                        UNION SELECT speaker_id FROM episode WHERE id = ?1 AND speaker_id IS NOT NULL
                        """, arguments: [id]))
            cascade.scenes.formUnion(try Int64.fetchAll(db, sql: "SELECT scene_id FROM episode WHERE id = ? AND scene_id IS NOT NULL", arguments: [id]))
            let onlySource = try Int64.fetchAll(
                db,
                sql: """
                    SELECT fact_id FROM fact_source WHERE episode_id = ?1
                    AND fact_id NOT IN (SELECT fact_id FROM fact_source WHERE episode_id != ?1)
                    """, arguments: [id])
            for f in onlySource { try deleteFact(f, &cascade) }
            cascade.add(onlySource.map { NodeID(.fact, $0) })
            try db.execute(sql: "DELETE FROM episode WHERE id = ?", arguments: [id])
        case .fact:
            try deleteFact(id, &cascade)
        case .scene:
            cascade.candidates.formUnion(
                try Int64.fetchAll(
                    db,
                    sql: """
                        SELECT entity_id FROM scene_member WHERE scene_id = ?1
                        UNION SELECT place_id FROM scene WHERE id = ?1 AND place_id IS NOT NULL
                        """, arguments: [id]))
            try db.execute(sql: "DELETE FROM scene WHERE id = ?", arguments: [id])
        case .persona:
            try db.execute(sql: "DELETE FROM persona_attribute WHERE id = ?", arguments: [id])
        case .insight:
            try db.execute(sql: "DELETE FROM insight WHERE id = ?", arguments: [id])
        }
    }

    /// Automatic scenes that held nothing but what was deleted: their title
    /// and span would still tell who spoke when.
    private func deleteEmptyAutomaticScenes(_ cascade: inout Cascade) throws {
        for scene in cascade.scenes.sorted() where try isEmptyAutomaticScene(scene) {
            cascade.candidates.formUnion(try Int64.fetchAll(db, sql: "SELECT entity_id FROM scene_member WHERE scene_id = ?", arguments: [scene]))
            try db.execute(sql: "DELETE FROM scene WHERE id = ?", arguments: [scene])
            cascade.add([NodeID(.scene, scene)])
        }
    }

    /// Entities the deleted things named and nothing else names any more.
    private func deleteUnnamedEntities(_ cascade: inout Cascade) throws {
        var derived: Set<SceneMembership>?
        for entity in cascade.candidates.subtracting(cascade.gone.entities).sorted() {
            guard try !isNamedOutsideScenes(entity) else { continue }
            // Memberships of scenes a client opened count, unless consolidation derived
            // them from episodes (the journal says which: read once, and only if needed).
            let memberships = try Row.fetchAll(
                db,
                sql: """
                    SELECT m.scene_id, m.role FROM scene_member m JOIN scene s ON s.id = m.scene_id WHERE m.entity_id = ? AND s.automatic = 0
                    """, arguments: [entity]
            ).map { SceneMembership(scene: $0[0], entity: entity, role: $0[1]) }
            if !memberships.isEmpty {
                if derived == nil { derived = try derivedMemberships() }
                guard memberships.allSatisfy(derived!.contains) else { continue }
            }
            try noteNames(of: entity, in: &cascade.gone)
            cascade.add(try deleteEntity(entity))
        }
    }

    /// Derived persona attributes and insights that a deleted thing supports
    /// (`supportedByDeleted`), that name a deleted entity, or that the journal
    /// showed were derived from a deleted thing (in `cascade.gone` already).
    /// The next consolidation derives again what the rest supports.
    private func deleteDerivedRows(_ cascade: inout Cascade, supportedByDeleted: Bool) throws {
        var personas = cascade.gone.personas
        var insights = cascade.gone.insights
        if supportedByDeleted {
            for node in cascade.deleted where [.episode, .fact, .scene].contains(node.kind) {
                for row in try Row.fetchAll(
                    db, sql: "SELECT owner_kind, owner_id FROM support WHERE item_kind = ? AND item_id = ?",
                    arguments: [String(node.kind.rawValue), node.number])
                {
                    if row[0] as String == "p" { personas.insert(row[1]) } else { insights.insert(row[1]) }
                }
            }
            let names = cascade.gone.names
            if !names.isEmpty {
                for row in try Row.fetchAll(db, sql: "SELECT id, value FROM persona_attribute WHERE pinned = 0") where names.mentioned(in: row[1]) {
                    personas.insert(row[0])
                }
                for row in try Row.fetchAll(db, sql: "SELECT id, text, COALESCE(data, ''), COALESCE(key, '') FROM insight")
                where [row[1] as String, row[2] as String, row[3] as String].contains(where: names.mentioned) {
                    insights.insert(row[0])
                }
            }
        }
        let already = Set(cascade.deleted)
        for id in personas.sorted() where !already.contains(NodeID(.persona, id)) {
            try db.execute(sql: "DELETE FROM persona_attribute WHERE id = ? AND pinned = 0", arguments: [id])
            if db.changesCount > 0 { cascade.add([NodeID(.persona, id)]) }
        }
        for id in insights.sorted() where !already.contains(NodeID(.insight, id)) {
            try db.execute(sql: "DELETE FROM insight WHERE id = ?", arguments: [id])
            if db.changesCount > 0 { cascade.add([NodeID(.insight, id)]) }
        }
        // For the journal too, where a later run may have deleted them already.
        cascade.gone.personas.formUnion(personas)
        cascade.gone.insights.formUnion(insights)
    }

    /// Clears the summaries written from a deleted episode or naming a deleted
    /// entity, and renames the automatic scenes titled after one; returns the
    /// scenes changed.
    private func redactScenes(_ cascade: inout Cascade) throws -> Set<Int64> {
        cascade.gone.summaries = cascade.scenes.subtracting(cascade.gone.scenes)
        var redacted: Set<Int64> = []
        let names = cascade.gone.names
        if !names.isEmpty {
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT id, COALESCE(summary, ''), COALESCE(reflection, ''), title, automatic, opened_at FROM scene
                    WHERE summary IS NOT NULL OR reflection IS NOT NULL OR automatic = 1
                    """)
            {
                let id: Int64 = row[0]
                if names.mentioned(in: row[1]) || names.mentioned(in: row[2]) { cascade.gone.summaries.insert(id) }
                if row[4] as Bool, names.mentioned(in: row[3]) {
                    let title = try uniqueSceneTitle("scene \(Timestamp(microseconds: row[5]).iso8601)")
                    try db.execute(sql: "UPDATE scene SET title = ?, norm = ? WHERE id = ?", arguments: [title, Name.normalize(title), id])
                    redacted.insert(id)
                }
            }
        }
        return redacted.union(try clearSummaries(cascade.gone.summaries))
    }

    /// Clears the summaries of these scenes; returns those that had one.
    private func clearSummaries(_ scenes: Set<Int64>) throws -> Set<Int64> {
        var cleared: Set<Int64> = []
        for scene in scenes.sorted() {
            try db.execute(
                sql: "UPDATE scene SET summary = NULL, reflection = NULL WHERE id = ? AND (summary IS NOT NULL OR reflection IS NOT NULL)",
                arguments: [scene])
            if db.changesCount > 0 { cleared.insert(scene) }
        }
        return cleared
    }

    /// Deletes a fact; notes the entities it names and its predicate.
    private func deleteFact(_ id: Int64, _ cascade: inout Cascade) throws {
        for row in try Row.fetchAll(db, sql: "SELECT kind, value, predicate_id FROM fact_role WHERE fact_id = ?", arguments: [id]) {
            cascade.predicates.insert(row[2])
            if row[0] as Int64 == 0 { cascade.candidates.insert(row[1]) }
        }
        try db.execute(sql: "DELETE FROM fact_role WHERE fact_id = ?", arguments: [id])
        try db.execute(sql: "DELETE FROM fact WHERE id = ?", arguments: [id])
    }

    /// Deletes an entity (its aliases, memberships, mentions and persona
    /// attributes go with it by cascade); returns it with the persona
    /// attributes and insights about it.
    private func deleteEntity(_ id: Int64) throws -> [NodeID] {
        var removed = [NodeID(.entity, id)]
        removed += try Int64.fetchAll(db, sql: "SELECT id FROM persona_attribute WHERE entity_id = ?", arguments: [id]).map { NodeID(.persona, $0) }
        removed += try Int64.fetchAll(db, sql: "SELECT id FROM insight WHERE subject_id = ?", arguments: [id]).map { NodeID(.insight, $0) }
        try db.execute(sql: "DELETE FROM entity WHERE id = ?", arguments: [id])
        return removed
    }

    /// Adds an entity's name and aliases to what is forgotten.
    private func noteNames(of entity: Int64, in gone: inout ForgottenRows) throws {
        for row in try Row.fetchAll(
            db, sql: "SELECT name, norm FROM entity WHERE id = ?1 UNION ALL SELECT alias, norm FROM entity_alias WHERE entity_id = ?1",
            arguments: [entity])
        {
            gone.names.add(row[0])
            gone.aliases.insert(row[1])
        }
    }

    /// Whether anything a client stored, other than a scene membership, still
    /// names the entity: an episode (as speaker or mention), a fact, an
    /// alias, a pinned persona attribute, a scene's place, or an entity linked
    /// `same_as` to it. (True for an entity gone already.)
    private func isNamedOutsideScenes(_ entity: Int64) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: """
                SELECT NOT EXISTS(SELECT 1 FROM entity WHERE id = ?1)
                    OR EXISTS(SELECT 1 FROM episode_entity WHERE entity_id = ?1)
                    OR EXISTS(SELECT 1 FROM episode WHERE speaker_id = ?1)
                    OR EXISTS(SELECT 1 FROM fact_filler_settled WHERE value = ?1 AND kind = 0)
                    OR EXISTS(SELECT 1 FROM fact_filler_recent WHERE value = ?1 AND kind = 0)
                    OR EXISTS(SELECT 1 FROM entity_alias WHERE entity_id = ?1)
                    OR EXISTS(SELECT 1 FROM persona_attribute WHERE entity_id = ?1 AND pinned = 1)
                    OR EXISTS(SELECT 1 FROM scene WHERE place_id = ?1)
                    OR EXISTS(SELECT 1 FROM entity_link WHERE to_id = ?1)
                """, arguments: [entity]) ?? true
    }

    /// Whether a scene is automatic and holds no episode and no fact.
    private func isEmptyAutomaticScene(_ id: Int64) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: """
                SELECT automatic = 1 AND NOT EXISTS(SELECT 1 FROM episode WHERE scene_id = ?1) AND NOT EXISTS(SELECT 1 FROM fact WHERE scene_id = ?1)
                FROM scene WHERE id = ?1
                """, arguments: [id]) ?? false
    }

    /// Deletes a predicate no client declared and no fact uses any more.
    private func deleteUnusedPredicate(_ id: Int64) throws -> Bool {
        let declared = try Bool.fetchOne(db, sql: "SELECT declared_at IS NOT NULL FROM predicate WHERE id = ?", arguments: [id]) ?? true
        guard !declared else { return false }
        let used =
            try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS(SELECT 1 FROM \(PredicateBlocks.factsOfPredicate) WHERE \(PredicateBlocks.predicateIs))
                    """, arguments: [id]) ?? true
        guard !used else { return false }
        try db.execute(sql: "DELETE FROM fact_predicate_block WHERE predicate_id = ?", arguments: [id])
        try db.execute(sql: "DELETE FROM predicate WHERE id = ?", arguments: [id])
        return true
    }
}
