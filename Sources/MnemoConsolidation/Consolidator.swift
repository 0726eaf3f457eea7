import Foundation
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

    public init(
        store: MemoryStore, settings: ConsolidationSettings, lock: RunLock,
        shouldStop: @escaping @Sendable () -> Bool = { false }, cancellation: Cancellation = .never
    ) {
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
        let runID = try store.write { w in try w.startConsolidationRun(at: now, dryRun: false) }
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
                    let recorder = try ChangeRecorder(w)
                    let context = PassContext(write: w, now: now, runID: runID, settings: settings, shared: cache, cancellation: cancellation)
                    context.absorb(warnings: early, counts: [:])
                    try pass.run(context)
                    let changeset = try recorder.changeset()
                    let changes = try changeset.changes()
                    let passReport = PassReport(
                        name: pass.name, counts: context.counts, changes: changes.count,
                        duration: ContinuousClock.now - clock, warnings: context.warnings,
                        touched: Changeset.touched(by: changes))
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
                throw MnemoError(
                    error.code,
                    "consolidation run \(runID) stopped in pass \(pass.name): \(error.message) (passes before it are committed and can be undone)\(unjournaled)"
                )
            }
        }
        report.duration = ContinuousClock.now - started
        let summary = report.summaryJSON
        try store.write { w in
            try w.endConsolidationRun(runID, status: "done", summary: summary, finishedAt: .now())
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
                try w.endConsolidationRun(runID, status: status, summary: report.summaryJSON, finishedAt: .now())
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
                let runID = try w.startConsolidationRun(at: now, dryRun: true)
                var partial = ConsolidationReport(run: runID, dryRun: true, startedAt: now)
                let cache = RunCache()
                for pass in Self.passes() where !(pass is Reflection) {
                    try stopIfAsked(before: pass.name)
                    let clock = ContinuousClock.now
                    let recorder = try ChangeRecorder(w)
                    let context = PassContext(write: w, now: now, runID: runID, settings: settings, shared: cache, cancellation: cancellation)
                    try pass.run(context)
                    let changes = try recorder.changeset().changes()
                    partial.passes.append(
                        PassReport(
                            name: pass.name, counts: context.counts, changes: changes.count,
                            duration: ContinuousClock.now - clock, warnings: context.warnings, touched: []))
                }
                return partial
            }
        }
        report.duration = ContinuousClock.now - started
        let summary = report.summaryJSON
        report.run = try store.write { w in try w.journalDryRun(startedAt: now, finishedAt: .now(), summary: summary) }
        return report
    }

    /// Throws when the run should stop before a pass: the daemon is shutting
    /// down, or the run's request was cancelled (its client left).
    private func stopIfAsked(before pass: String) throws(MnemoError) {
        if shouldStop() { throw MnemoError(.busy, "stopped before pass \(pass): the daemon is shutting down") }
        if cancellation.isCancelled { throw MnemoError(cancellation.error.code, "stopped before pass \(pass): \(cancellation.error.message)") }
    }

    /// Reverts run `id` from its journal, in one transaction
    /// (`WriteContext.undoConsolidationRun` says what it puts back and when
    /// it refuses). Throws `BUSY` when a run or an undo is already in
    /// progress in this space.
    public func undo(_ id: Int64) throws(MnemoError) -> UndoReport {
        try lock.hold { () throws(MnemoError) in
            try store.write { w in try w.undoConsolidationRun(id) }
        }
    }
}
