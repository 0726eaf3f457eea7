import Foundation
import MnemoModel
import MnemoStore

/// What one pass of a run did.
public struct PassReport: Sendable {
    public var name: String
    /// What the pass did, by name ("linked", "archived", ...).
    public var counts: [String: Int]
    /// Rows inserted, updated or deleted.
    public var changes: Int
    public var duration: Duration
    public var warnings: [String]
    /// Stored things whose rows changed (for in-memory indexes).
    public var touched: [NodeID]
}

/// What a run did, pass by pass.
public struct ConsolidationReport: Sendable {
    public var run: Int64
    public var dryRun: Bool
    public var startedAt: Timestamp
    public var passes: [PassReport] = []
    public var duration: Duration = .zero
    public var failure: String?

    public var changes: Int { passes.reduce(0) { $0 + $1.changes } }
    public var touched: [NodeID] { passes.flatMap(\.touched) }
    public var warnings: [String] { passes.flatMap(\.warnings) }

    /// Milliseconds, rounded to a tenth.
    public static func milliseconds(_ d: Duration) -> Double {
        ((Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15) * 10).rounded() / 10
    }

    /// The journal's summary: per-pass counts, changes and durations.
    var summaryJSON: String {
        JSONValue.sortedObject([
            "changes": .int(Int64(changes)), "duration_ms": .double(Self.milliseconds(duration)), "failure": .string(failure),
            "passes": .array(
                passes.map { pass in
                    .sortedObject([
                        "pass": .string(pass.name), "counts": Journal.counts(pass.counts), "changes": .int(Int64(pass.changes)),
                        "duration_ms": .double(Self.milliseconds(pass.duration)),
                    ])
                }),
        ]).serialized
    }
}

/// The consolidation journal (`consolidation_run`, `consolidation_pass`,
/// `consolidation_change`) as consolidation writes and reads it: the store
/// keeps the rows (`ConsolidationJournal.swift` in MnemoStore); how a run's
/// summary and a pass's counts read is decided here.
public enum Journal {
    /// A pass's counts as the journal keeps them: an object in key order.
    static func counts(_ counts: [String: Int]) -> JSONValue {
        .sortedObject(counts.mapValues { .int(Int64($0)) })
    }

    static func record(
        _ pass: PassReport, seq: Int, changeset: Changeset, changes: [Changeset.Change],
        run: Int64, startedAt: Timestamp, in w: WriteContext
    ) throws {
        try w.journalPass(
            run: run, seq: seq, name: pass.name, startedAt: startedAt,
            durationMicroseconds: Int64(ConsolidationReport.milliseconds(pass.duration) * 1000),
            counts: counts(pass.counts).serialized, changeset: changeset, changes: changes)
    }

    /// Closes the runs a process that died left `running` (killed, crashed,
    /// or the machine went down mid-run): they are journaled `interrupted`,
    /// with the passes that committed before the end in their summary and
    /// `finished_at` left empty (when it stopped is not known). Each pass
    /// committed together with its journal rows, so the journal holds exactly
    /// the passes that stand, and `undo` reverts them. Call it when opening a
    /// space that no other process can be consolidating (the daemon holds its
    /// data directory); returns the runs it closed.
    @discardableResult
    public static func closeAbandonedRuns(in store: MemoryStore) throws(MnemoError) -> [Int64] {
        let running = try store.read { r in try r.runningConsolidationRuns() }
        guard !running.isEmpty else { return [] }
        return try store.write { w in
            for id in running {
                guard let run = try w.reader.consolidationRun(id), run.status == "running" else { continue }
                var report = ConsolidationReport(run: id, dryRun: false, startedAt: run.startedAt)
                report.failure = "the daemon stopped during the run (killed, crashed or the machine went down)"
                for pass in try w.reader.journaledPasses(ofRun: id) {
                    // The counts are only reported: counts that do not parse are reported empty.
                    let counts = (try? JSONSerialization.jsonObject(with: Data((pass.counts ?? "{}").utf8))) as? [String: Int] ?? [:]
                    report.passes.append(
                        PassReport(
                            name: pass.name, counts: counts, changes: pass.changes,
                            duration: .microseconds(pass.durationMicroseconds), warnings: [], touched: []))
                }
                report.duration = report.passes.reduce(Duration.zero) { $0 + $1.duration }
                try w.endConsolidationRun(id, status: "interrupted", summary: report.summaryJSON, finishedAt: nil)
            }
            return running
        }
    }

    /// The newest `limit` runs, newest first.
    public static func runs(_ reader: ReadContext, limit: Int = .max) throws -> [JournalEntry] {
        try reader.consolidationRuns(limit: limit)
    }

    /// Calls `body` with each of the newest `limit` runs, newest first, as it
    /// is read, and its summary's bytes as stored, valid only during the
    /// call; the entry's own `summary` is `nil` (`ReadContext.consolidationRuns(limit:_:)`).
    public static func runs(_ reader: ReadContext, limit: Int = .max, _ body: (JournalEntry, _ summary: UnsafeBufferPointer<UInt8>?) throws -> Void)
        throws
    {
        try reader.consolidationRuns(limit: limit, body)
    }

    /// How many runs the journal holds, dry runs left out.
    public static func runCount(_ reader: ReadContext) throws -> Int64 {
        try reader.consolidationRunCount()
    }

    /// The newest run that was not a dry run.
    public static func lastRun(_ reader: ReadContext) throws -> JournalEntry? {
        try reader.lastConsolidationRun()
    }
}
