import Foundation
import GRDB
import MnemoModel
import MnemoStore
import Synchronization

/// Runs the reflective passes of SPEC §5 over one space, journals each run,
/// reports dry runs, and undoes runs.
///
/// A real run commits pass by pass, each pass in its own write transaction:
/// readers are never blocked (WAL), and writes from clients wait at most one
/// pass, then interleave. Each pass's changes are recorded as an SQLite
/// changeset in `consolidation_pass`, row by row in `consolidation_change`.
/// A dry run runs every pass in one transaction that is rolled back, so what
/// it reports is exactly what a run would do now.
public struct Consolidator {
    public let store: MemoryStore
    public let settings: ConsolidationSettings
    let lock: RunLock
    /// Asked between passes: when it answers true (the daemon is shutting
    /// down), the run stops there, journaled as `interrupted`.
    let shouldStop: @Sendable () -> Bool
    /// The request's cancellation: asked between passes and inside them (a
    /// pass stopped part way rolls back; the passes before it stay).
    let cancellation: Cancellation

    public init(store: MemoryStore, settings: ConsolidationSettings, lock: RunLock,
                shouldStop: @escaping @Sendable () -> Bool = { false }, cancellation: Cancellation = .never) {
        self.store = store
        self.settings = settings
        self.lock = lock
        self.shouldStop = shouldStop
        self.cancellation = cancellation
    }

    /// The passes, in the order SPEC §5 gives, except that the reflector runs
    /// right after the scenes it reads: the facts it returns then feed the
    /// persona and insight passes of the same run (so a second run has
    /// nothing left to do).
    static func passes() -> [any ConsolidationPass] {
        [EntityResolution(), Supersession(), DecayArchive(), Scenes(), Reflection(), Personas(), Patterns()]
    }

    /// Runs every pass (or reports what they would do). Throws `BUSY` when a
    /// run or an undo is already in progress in this space.
    public func run(dryRun: Bool = false, now: Timestamp = .now()) throws(MnemoError) -> ConsolidationReport {
        try lock.hold { () throws(MnemoError) in
            dryRun ? try self.dryRun(now: now) : try self.realRun(now: now)
        }
    }

    private func realRun(now: Timestamp) throws(MnemoError) -> ConsolidationReport {
        let started = ContinuousClock.now
        let runID = try store.write { w -> Int64 in
            try w.db.execute(sql: "UPDATE consolidation_run SET status = 'interrupted' WHERE status = 'running'")
            try w.db.execute(sql: "INSERT INTO consolidation_run(started_at, status, dry_run) VALUES (?, 'running', 0)", arguments: [now.microseconds])
            return w.db.lastInsertedRowID
        }
        var report = ConsolidationReport(run: runID, dryRun: false, startedAt: now)
        let cache = RunCache()
        for (seq, pass) in Self.passes().enumerated() {
            do {
                try stopIfAsked(before: pass.name)
            } catch {
                report.failure = error.message
                let unjournaled = close(runID, as: "interrupted", report)
                throw MnemoError(error.code, "consolidation run \(runID) \(error.message) (the passes before it are committed and can be undone)\(unjournaled)")
            }
            let clock = ContinuousClock.now
            do {
                let early = try pass.prepare(store, settings: settings)
                let outcome = try store.write { w -> PassReport in
                    let recorder = try ChangeRecorder(w.db)
                    let context = PassContext(write: w, now: now, runID: runID, settings: settings, shared: cache, cancellation: cancellation)
                    context.absorb(warnings: early, counts: [:])
                    try pass.run(context)
                    let changeset = Changeset(data: try recorder.changeset())
                    let changes = try changeset.changes()
                    let passReport = PassReport(name: pass.name, counts: context.counts, changes: changes.count,
                                                duration: ContinuousClock.now - clock, warnings: context.warnings,
                                                touched: Self.touched(changes))
                    try Journal.record(passReport, seq: seq, changeset: changeset, changes: changes, run: runID, startedAt: now, in: w)
                    return passReport
                }
                report.passes.append(outcome)
            } catch {
                let error = (error as? MnemoError) ?? MnemoError(.internalError, "\(error)")
                report.failure = "pass \(pass.name): \(error.message)"
                // Stopped on request (its client left, the daemon shuts down):
                // interrupted, as between passes; anything else failed it.
                let stopped = cancellation.isCancelled || shouldStop()
                let unjournaled = close(runID, as: stopped ? "interrupted" : "failed", report)
                throw MnemoError(error.code, "consolidation run \(runID) stopped in pass \(pass.name): \(error.message) (passes before it are committed and can be undone)\(unjournaled)")
            }
        }
        report.duration = ContinuousClock.now - started
        let summary = report.summaryJSON
        try store.write { w in
            try w.db.execute(sql: "UPDATE consolidation_run SET status = 'done', finished_at = ?, summary = ? WHERE id = ?",
                             arguments: [Timestamp.now().microseconds, summary, runID])
            // Names linked `same_as` now resolve to their canonical entity.
            w.forgetCachedNames()
        }
        return report
    }

    /// Journals how a run that did not complete ended. What goes wrong doing
    /// so (the disk that failed the pass is still full) is said in the
    /// caller's error, not dropped: the returned text is empty when journaled.
    /// A run left `running` is closed as `interrupted` when the daemon next
    /// opens the space (`Journal.closeAbandonedRuns`).
    private func close(_ runID: Int64, as status: String, _ report: ConsolidationReport) -> String {
        do {
            try store.write { w in
                try w.db.execute(sql: "UPDATE consolidation_run SET status = ?, finished_at = ?, summary = ? WHERE id = ?",
                                 arguments: [status, Timestamp.now().microseconds, report.summaryJSON, runID])
            }
            return ""
        } catch {
            return "; the journal still says running (\(error.code.rawValue) \(error.message)) until the space is next opened"
        }
    }

    /// Runs the passes (but the reflector) on a scratch copy of the space and
    /// reports what they did there: exactly what a run would do now, while
    /// clients keep writing to the space itself (the copy has a writer of its
    /// own). Only the journal line of the dry run is written to the space.
    private func dryRun(now: Timestamp) throws(MnemoError) -> ConsolidationReport {
        let started = ContinuousClock.now
        var report = try store.withScratchCopy { copy in
            try copy.write { w -> ConsolidationReport in
                try w.db.execute(sql: "INSERT INTO consolidation_run(started_at, status, dry_run) VALUES (?, 'running', 1)", arguments: [now.microseconds])
                let runID = w.db.lastInsertedRowID
                var partial = ConsolidationReport(run: runID, dryRun: true, startedAt: now)
                let cache = RunCache()
                for pass in Self.passes() where !(pass is Reflection) {
                    try stopIfAsked(before: pass.name)
                    let clock = ContinuousClock.now
                    let recorder = try ChangeRecorder(w.db)
                    let context = PassContext(write: w, now: now, runID: runID, settings: settings, shared: cache, cancellation: cancellation)
                    try pass.run(context)
                    let changes = try Changeset(data: try recorder.changeset()).changes()
                    partial.passes.append(PassReport(name: pass.name, counts: context.counts, changes: changes.count,
                                                     duration: ContinuousClock.now - clock, warnings: context.warnings, touched: []))
                }
                return partial
            }
        }
        report.duration = ContinuousClock.now - started
        let summary = report.summaryJSON
        report.run = try store.write { w -> Int64 in
            try w.db.execute(sql: """
                INSERT INTO consolidation_run(started_at, finished_at, status, dry_run, summary) VALUES (?, ?, 'dry run', 1, ?)
                """, arguments: [now.microseconds, Timestamp.now().microseconds, summary])
            return w.db.lastInsertedRowID
        }
        return report
    }

    /// Throws when the run should stop before a pass: the daemon is shutting
    /// down, or the run's request was cancelled (its client left).
    private func stopIfAsked(before pass: String) throws(MnemoError) {
        if shouldStop() { throw MnemoError(.busy, "stopped before pass \(pass): the daemon is shutting down") }
        if cancellation.isCancelled { throw MnemoError(cancellation.error.code, "stopped before pass \(pass): \(cancellation.error.message)") }
    }

    /// Reverts run `id`: applies the inverse of each of its passes' changes,
    /// the last pass first, in one transaction. Runs are undone newest first:
    /// while a later run that changed something stands, the undo is refused
    /// (`CONFLICT`). Rows deleted since (by `forget`) are skipped; in a row a
    /// client changed since, the columns the run changed go back to what they
    /// were before it, and the client's other changes stay. What a `forget`
    /// took out of the journal (`WriteContext.redactJournal`) is not undone:
    /// an undo never puts back anything forgotten.
    public func undo(_ id: Int64) throws(MnemoError) -> UndoReport {
        try lock.hold { () throws(MnemoError) in
            try store.write { w -> UndoReport in
                guard let run = try Row.fetchOne(w.db, sql: "SELECT status, dry_run FROM consolidation_run WHERE id = ?", arguments: [id]) else {
                    throw MnemoError(.notFound, "no consolidation run \(id)")
                }
                if run[1] as Bool { throw MnemoError(.invalid, "run \(id) was a dry run; it changed nothing") }
                let status: String = run[0]
                if status == "undone" { throw MnemoError(.conflict, "run \(id) is already undone") }
                if let later = try Int64.fetchOne(w.db, sql: """
                    SELECT r.id FROM consolidation_run r WHERE r.id > ? AND r.dry_run = 0 AND r.status != 'undone'
                    AND EXISTS (SELECT 1 FROM consolidation_pass p WHERE p.run_id = r.id AND p.changes > 0) ORDER BY r.id DESC LIMIT 1
                    """, arguments: [id]) {
                    throw MnemoError(.conflict, "run \(later) came after run \(id) and changed the memory; runs are undone newest first (undo consolidation \(later))")
                }
                var report = UndoReport(run: id)
                for row in try Row.fetchAll(w.db, sql: """
                    SELECT pass, changeset FROM consolidation_pass WHERE run_id = ? AND changeset IS NOT NULL ORDER BY seq DESC
                    """, arguments: [id]) {
                    let changeset = Changeset(data: row[1])
                    let inverse = try changeset.inverted()
                    let applied = try inverse.apply(to: w.db)
                    if applied.conflicts > 0 {
                        throw MnemoError(.conflict, """
                            run \(id) cannot be undone: putting back what its pass \(row[0] as String) changed would break \
                            a constraint of rows written since; nothing was changed
                            """)
                    }
                    let changes = try changeset.changes()
                    report.restored += changes.count - applied.skipped
                    report.skipped += applied.skipped
                    report.touched += Self.touched(changes)
                }
                // A `forget` takes a derived row's own changes out of the journal when
                // they name what it forgot, and may leave its support rows there:
                // support put back for a row that is not there goes again.
                try w.db.execute(sql: """
                    DELETE FROM support WHERE (owner_kind = 'p' AND owner_id NOT IN (SELECT id FROM persona_attribute))
                    OR (owner_kind = 'i' AND owner_id NOT IN (SELECT id FROM insight))
                    """)
                // Facts and roles put back by a changeset are not indexed yet.
                try w.reindexFacts(report.touched.filter { $0.kind == .fact }.map(\.number))
                try w.db.execute(sql: "UPDATE consolidation_run SET status = 'undone' WHERE id = ?", arguments: [id])
                w.forgetCachedRows()
                return report
            }
        }
    }

    /// The stored things a list of changes touched, for refreshing in-memory indexes.
    static func touched(_ changes: [Changeset.Change]) -> [NodeID] {
        var ids: Set<NodeID> = []
        for change in changes {
            // The rows are the JSON arrays `Changeset.changes` wrote from SQLite values.
            guard let text = change.before ?? change.after,
                  let values = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any] else { continue }
            func number(_ i: Int) -> Int64? { i < values.count ? (values[i] as? NSNumber)?.int64Value : nil }
            func add(_ kind: NodeKind, _ i: Int) { if let n = number(i) { ids.insert(NodeID(kind, n)) } }
            switch change.table {
            case "episode": add(.episode, 0)
            case "fact", "fact_role", "fact_source": add(.fact, 0)
            case "scene": add(.scene, 0)
            case "scene_member": add(.scene, 0); add(.entity, 1)
            case "entity_link": add(.entity, 0); add(.entity, 1)
            case "entity": add(.entity, 0)
            default: break
            }
        }
        return ids.sorted { ($0.kind.rawValue, $0.number) < ($1.kind.rawValue, $1.number) }
    }
}
