import Foundation
import MnemoConsolidation
import MnemoModel
import MnemoRecall
import MnemoStore
import Synchronization

extension Executor {
    /// The space's consolidator, with the settings in force; a run stops at
    /// its next pass when the daemon shuts down.
    private var consolidator: Consolidator {
        let settings = space.settings
        return Consolidator(
            store: store, settings: settings.consolidation, lock: space.runLock, shouldStop: { settings.shouldStop },
            cancellation: cancellation)
    }

    /// `consolidate [dry run]`: one line for the run, then one per pass.
    ///
    /// A run commits pass by pass. When it fails (or the daemon stops it)
    /// after some passes committed, what recall keeps in memory no longer
    /// matches the store: it is dropped, to be rebuilt from the store, with a
    /// warning (`markStale`). So is it when bringing it up to date after a
    /// run that completed fails; the run stands and is answered.
    func consolidate(dryRun: Bool, now: Timestamp) throws -> [JSONValue] {
        let report: ConsolidationReport
        if dryRun {
            report = try consolidator.run(dryRun: true, now: now)
        } else {
            let before = try store.read { r in try Journal.lastRun(r)?.id }
            do {
                report = try consolidator.run(now: now)
            } catch {
                // A run that never started (another was in progress) changed
                // nothing; one that cannot be told from the journal may have.
                let started: Bool
                do { started = try store.read { r in try Journal.lastRun(r)?.id } != before } catch { started = true }
                if started { space.follow(.unknown(reason: "a consolidation run stopped part-way (\(error.code.rawValue) \(error.message))")) }
                throw error
            }
        }
        for warning in report.warnings { space.settings.warn("consolidation run \(report.run): \(warning)") }
        if !dryRun { space.follow(.consolidated(run: report.run, touched: report.touched)) }
        let head = JSONValue.object([
            ("kind", "consolidation"), ("run", .int(report.run)), ("dry_run", .bool(report.dryRun)),
            ("changes", .int(Int64(report.changes))), ("duration_ms", .double(ConsolidationReport.milliseconds(report.duration))),
            ("warnings", .array(report.warnings.map { .string($0) })),
        ])
        return [head]
            + report.passes.map { pass in
                .object([
                    ("kind", "pass"), ("pass", .string(pass.name)), ("changes", .int(Int64(pass.changes))),
                    ("counts", .object(pass.counts.sorted { $0.key < $1.key }.map { ($0.key, .int(Int64($0.value))) })),
                    ("duration_ms", .double(ConsolidationReport.milliseconds(pass.duration))),
                ])
            }
    }

    /// `consolidations`: the journal, newest run first, the last `limit`
    /// runs, each line written as its row is read and charged to the answer's budget.
    func consolidations(limit: Int) throws(MnemoError) -> AnswerText {
        try read { r in
            var text = AnswerText()
            try Journal.runs(r, limit: limit) { run, summary in
                try r.budget.charge(text.appendLine { out in Self.write(run, summary: summary, to: &out) })
            }
            return text
        }
    }

    /// A run's line of `consolidations`; its summary, the bytes the journal
    /// holds, is JSON already, written as it is: ASCII byte for byte, other
    /// text through a `String`, which repairs what is not UTF-8.
    static func write(_ run: JournalEntry, summary: UnsafeBufferPointer<UInt8>?, to out: inout JSONBuffer) {
        out.append(#"{"kind":"journal","run":"#)
        out.append(run.id)
        out.append(#","status":"#)
        out.appendQuoted(run.status)
        out.append(run.dryRun ? #","dry_run":true,"started_at":"# : #","dry_run":false,"started_at":"#)
        out.appendQuoted(run.startedAt)
        out.append(#","finished_at":"#, quotedOrNull: run.finishedAt)
        out.append(#","summary":"#)
        // An empty summary (a journal edited by hand) is no JSON: null.
        if let summary, !summary.isEmpty {
            if JSONString.isASCII(summary) { out.append(bytes: summary) } else { out.append(raw: String(decoding: summary, as: UTF8.self)) }
        } else {
            out.append("null")
        }
        out.append("}")
    }

    /// `undo consolidation N`.
    func undoConsolidation(_ run: Int64) throws -> [JSONValue] {
        let report = try consolidator.undo(run)
        space.follow(.undone)
        return [
            .object([
                ("kind", "undo"), ("run", .int(run)), ("restored", .int(Int64(report.restored))),
                ("skipped", .int(Int64(report.skipped))),
            ])
        ]
    }
}
