import GRDB
import MnemoModel

/// What an undo restored.
public struct UndoReport: Sendable {
    public var run: Int64
    /// Changes put back.
    public var restored = 0
    /// Changes skipped: their rows were deleted since (by `forget`).
    public var skipped = 0
    /// Stored things whose rows changed (for in-memory indexes).
    public var touched: [NodeID] = []
}

extension WriteContext {
    /// Reverts consolidation run `id` from its journal: applies the inverse
    /// of each of its passes' changesets, the last pass first, and journals
    /// the run `undone`. Runs are undone newest first: while a later run
    /// that changed something stands, the undo is refused (`CONFLICT`), as it
    /// is when putting a row back would break a constraint of rows written
    /// since. Rows deleted since (by `forget`) are skipped; in a row a client
    /// changed since, the columns the run changed go back to what they were
    /// before it, and the client's other changes stay. What a `forget` took
    /// out of the journal (`redactJournal`) is not undone: an undo never puts
    /// back anything forgotten. Throws the error and changes nothing (the
    /// caller's transaction rolls back) when any pass cannot be reverted.
    package func undoConsolidationRun(_ id: Int64) throws -> UndoReport {
        guard let run = try reader.consolidationRun(id) else {
            throw MnemoError(.notFound, "no consolidation run \(id)")
        }
        if run.dryRun { throw MnemoError(.invalid, "run \(id) was a dry run; it changed nothing") }
        if run.status == "undone" { throw MnemoError(.conflict, "run \(id) is already undone") }
        if let later = try Int64.fetchOne(
            db,
            sql: """
                SELECT r.id FROM consolidation_run r WHERE r.id > ? AND r.dry_run = 0 AND r.status != 'undone'
                AND EXISTS (SELECT 1 FROM consolidation_pass p WHERE p.run_id = r.id AND p.changes > 0) ORDER BY r.id DESC LIMIT 1
                """, arguments: [id])
        {
            throw MnemoError(.conflict, "run \(later) came after run \(id) and changed the memory; runs are undone newest first (undo consolidation \(later))")
        }
        var report = UndoReport(run: id)
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT pass, changeset FROM consolidation_pass WHERE run_id = ? AND changeset IS NOT NULL ORDER BY seq DESC
                """, arguments: [id])
        {
            let changeset = Changeset(data: row[1])
            let inverse = try changeset.inverted()
            let applied = try inverse.apply(to: db)
            if applied.conflicts > 0 {
                throw MnemoError(
                    .conflict,
                    """
                    run \(id) cannot be undone: putting back what its pass \(row[0] as String) changed would break \
                    a constraint of rows written since; nothing was changed
                    """)
            }
            let changes = try changeset.changes()
            report.restored += changes.count - applied.skipped
            report.skipped += applied.skipped
            report.touched += Changeset.touched(by: changes)
        }
        // A `forget` takes a derived row's own changes out of the journal when
        // they name what it forgot, and may leave its support rows there:
        // support put back for a row that is not there goes again.
        try db.execute(
            sql: """
                DELETE FROM support WHERE (owner_kind = 'p' AND owner_id NOT IN (SELECT id FROM persona_attribute))
                OR (owner_kind = 'i' AND owner_id NOT IN (SELECT id FROM insight))
                """)
        // Facts and roles put back by a changeset are not indexed yet.
        try reindexFacts(report.touched.filter { $0.kind == .fact }.map(\.number))
        try db.execute(sql: "UPDATE consolidation_run SET status = 'undone' WHERE id = ?", arguments: [id])
        forgetCachedRows()
        return report
    }
}
