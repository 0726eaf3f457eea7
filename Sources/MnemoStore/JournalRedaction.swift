import Foundation
import GRDB
import MnemoModel

/// The consolidation journal as `forget` leaves it: no change that carries a
/// forgotten row or a forgotten name is kept, neither in a pass's changeset
/// (`consolidation_pass.changeset`) nor in its rendering
/// (`consolidation_change`). Undoing a run afterwards undoes what is left of
/// it: the forgotten rows stay forgotten, since the journal no longer holds
/// anything that could put them back.
///
/// Column numbers below are those of the tables' rows in a changeset, in
/// schema order (ALTER TABLE adds at the end).
extension WriteContext {
    struct SceneMembership: Hashable {
        var scene: Int64
        var entity: Int64
        var role: String
    }

    /// Scene memberships that a run not undone inserted: consolidation
    /// derived them from episodes; no client gave them.
    func derivedMemberships() throws -> Set<SceneMembership> {
        var memberships: Set<SceneMembership> = []
        for pass in try journaledPasses() where pass.status != "undone" {
            _ = try pass.changeset(db).filtered { row in
                if row.table == "scene_member", row.op == 18, let scene = row.integer(0), let entity = row.integer(1), let role = row.text(2) {
                    memberships.insert(SceneMembership(scene: scene, entity: entity, role: role))
                }
                return .drop
            }
        }
        return memberships
    }

    /// Rewrites every journaled pass (of every run, undone ones too) that
    /// carries something of `gone`; returns how many changes were taken out
    /// or redacted. What the journal shows was derived from forgotten rows
    /// (a persona attribute or insight supported by one, the scene a
    /// forgotten episode was placed in) joins `gone` as it is read: a
    /// changeset lists a derived row's support before the row, and the
    /// placing of an episode before its scene's summary.
    func redactJournal(_ gone: inout ForgottenRows) throws -> Int {
        var redacted = 0
        for pass in try journaledPasses() {
            var index = 0
            var dropped: [Int] = []
            var changed: [Int] = []
            let (kept, count) = try pass.changeset(db).filtered { row in
                defer { index += 1 }
                let verdict = Self.verdict(row, &gone)
                switch verdict {
                case .keep: break
                case .drop: dropped.append(index)
                case .redact: changed.append(index)
                }
                return verdict
            }
            guard !dropped.isEmpty || !changed.isEmpty else { continue }
            redacted += dropped.count + changed.count
            try db.execute(
                sql: "UPDATE consolidation_pass SET changeset = ?, changes = ? WHERE run_id = ? AND seq = ?",
                arguments: [kept.data.isEmpty ? nil : kept.data, count, pass.run, pass.seq])
            try rewriteChanges(of: pass, total: index, dropped: dropped, changed: changed, kept: kept, keptCount: count)
        }
        return redacted
    }

    /// Brings a pass's rows of `consolidation_change` in line with its
    /// filtered changeset. They are its changes in the same order, so the
    /// n-th row (by `seq`) is the n-th change: the dropped ones are deleted
    /// and the redacted ones rewritten, the rest left alone. When they do
    /// not line up one for one, the rows are written anew from the kept
    /// changeset: rows an older version wrote differently, or a redacted
    /// update that changed nothing but the redacted columns, which the
    /// filter drops although it was only to be redacted.
    /// `keptCount` is how many changes `kept` holds (the filter counts them:
    /// rendering a large changeset only to count it costs seconds).
    private func rewriteChanges(
        of pass: JournaledPass, total: Int, dropped: [Int], changed: [Int], kept: Changeset,
        keptCount: Int
    ) throws {
        let seqs = try Int64.fetchAll(
            db, sql: "SELECT seq FROM consolidation_change WHERE run_id = ? AND pass = ? ORDER BY seq",
            arguments: [pass.run, pass.name])
        guard seqs.count == total, keptCount == total - dropped.count else {
            try db.execute(sql: "DELETE FROM consolidation_change WHERE run_id = ? AND pass = ?", arguments: [pass.run, pass.name])
            // Renumbered within the pass's own range when it has room, else after the run's last row.
            let first =
                try seqs.count >= keptCount
                ? seqs.first ?? 1
                : (Int64.fetchOne(
                    db, sql: "SELECT COALESCE(MAX(seq), 0) + 1 FROM consolidation_change WHERE run_id = ?",
                    arguments: [pass.run]) ?? 1)
            try recordChanges(try kept.changes(), run: pass.run, pass: pass.name, firstSeq: first)
            return
        }
        let delete = try db.cachedStatement(sql: "DELETE FROM consolidation_change WHERE run_id = ? AND seq = ?")
        for i in dropped { try delete.execute(arguments: [pass.run, seqs[i]]) }
        guard !changed.isEmpty else { return }
        let rendered = try kept.changes()
        let update = try db.cachedStatement(sql: "UPDATE consolidation_change SET before = ?, after = ? WHERE run_id = ? AND seq = ?")
        let droppedBefore = Set(dropped)
        var shift = 0
        var next = 0
        for i in 0..<total {
            if droppedBefore.contains(i) {
                shift += 1
                continue
            }
            if next < changed.count, changed[next] == i {
                let change = rendered[i - shift]
                try update.execute(arguments: [change.before, change.after, pass.run, seqs[i]])
                next += 1
            }
        }
    }

    /// Writes the rendered changes of one pass to `consolidation_change`,
    /// numbered from `firstSeq`.
    func recordChanges(_ changes: [Changeset.Change], run: Int64, pass: String, firstSeq: Int64) throws {
        guard !changes.isEmpty else { return }
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO consolidation_change(run_id, seq, pass, op, table_name, row_key, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for (i, change) in changes.enumerated() {
            try insert.execute(arguments: [run, firstSeq + Int64(i), pass, change.op, change.table, change.key, change.before, change.after])
        }
    }

    /// What happens to one journaled change; what it shows was derived from
    /// forgotten rows joins `gone`.
    static func verdict(_ row: Changeset.Row, _ gone: inout ForgottenRows) -> Changeset.Verdict {
        let names = gone.names
        func holds(_ column: Int, _ ids: Set<Int64>) -> Bool { row.integer(column, where: ids.contains) }
        func named(_ columns: Int...) -> Bool { !names.isEmpty && columns.contains { row.text($0, where: names.mentioned) } }
        switch row.table {
        case "entity":
            return holds(0, gone.entities) ? .drop : .keep
        case "entity_alias":
            return holds(2, gone.entities) || row.text(0, where: gone.aliases.contains) ? .drop : .keep
        case "entity_link":
            return holds(0, gone.entities) || holds(1, gone.entities) || named(3) ? .drop : .keep
        case "episode":
            guard holds(0, gone.episodes) else { return .keep }
            // Column 4: the scene a run placed it in, whose summary it fed.
            _ = row.integer(4) {
                gone.summaries.insert($0)
                return false
            }
            return .drop
        case "fact", "fact_role", "fact_belief":
            return holds(0, gone.facts) ? .drop : .keep
        case "fact_source":
            return holds(0, gone.facts) || holds(1, gone.episodes) ? .drop : .keep
        case "predicate":
            return holds(0, gone.predicates) ? .drop : .keep
        case "scene":
            if holds(0, gone.scenes) { return .drop }
            // The summary (6) and the reflector's summary (9) go; the rest of the change stays.
            if holds(0, gone.summaries) { return .redact([6, 9]) }
            if named(6, 9) {
                if let id = row.integer(0) { gone.summaries.insert(id) }
                return .redact([6, 9])
            }
            return .keep
        case "scene_member":
            return holds(0, gone.scenes) || holds(1, gone.entities) ? .drop : .keep
        case "persona_attribute":
            if holds(0, gone.personas) || holds(1, gone.entities) { return .drop }
            if named(3) {
                if let id = row.integer(0) { gone.personas.insert(id) }
                return .drop
            }
            return .keep
        case "insight":
            if holds(0, gone.insights) || holds(2, gone.entities) { return .drop }
            if named(3, 4, 7) {
                if let id = row.integer(0) { gone.insights.insert(id) }
                return .drop
            }
            return .keep
        case "support":
            let owner = row.text(0) ?? ""
            let item = row.text(2) ?? ""
            if row.integer(1, where: { gone.contains(owner, $0) }) { return .drop }
            guard row.integer(3, where: { gone.contains(item, $0) }) else { return .keep }
            if let id = row.integer(1) {
                if owner == "p" { gone.personas.insert(id) } else if owner == "i" { gone.insights.insert(id) }
            }
            return .drop
        default:
            return .keep
        }
    }

    /// One journaled pass with a changeset.
    struct JournaledPass {
        var run: Int64
        var seq: Int64
        var name: String
        var status: String

        func changeset(_ db: Database) throws -> Changeset {
            let data = try Data.fetchOne(db, sql: "SELECT changeset FROM consolidation_pass WHERE run_id = ? AND seq = ?", arguments: [run, seq])
            return Changeset(data: data ?? Data())
        }
    }

    /// Every pass whose changeset is kept, of every run (undone ones too:
    /// their changesets still hold what they changed).
    private func journaledPasses() throws -> [JournaledPass] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT p.run_id, p.seq, p.pass, r.status FROM consolidation_pass p JOIN consolidation_run r ON r.id = p.run_id
                WHERE p.changeset IS NOT NULL ORDER BY p.run_id, p.seq
                """
        ).map { JournaledPass(run: $0[0], seq: $0[1], name: $0[2], status: $0[3]) }
    }
}
