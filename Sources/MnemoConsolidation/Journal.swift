import Foundation
import GRDB
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
        JSONText.object([
            "changes": changes, "duration_ms": Self.milliseconds(duration), "failure": failure ?? NSNull(),
            "passes": passes.map { ["pass": $0.name, "counts": $0.counts, "changes": $0.changes, "duration_ms": Self.milliseconds($0.duration)] },
        ])
    }
}

/// What an undo restored.
public struct UndoReport: Sendable {
    public var run: Int64
    public var restored = 0
    public var skipped = 0
    public var touched: [NodeID] = []
}

/// One run as the journal keeps it.
public struct JournalEntry: Sendable {
    public var id: Int64
    public var startedAt: Timestamp
    public var finishedAt: Timestamp?
    public var status: String
    public var dryRun: Bool
    /// The summary JSON (per-pass counts, changes, durations).
    public var summary: String?
}

/// The consolidation journal: `consolidation_run`, `consolidation_pass`, `consolidation_change`.
public enum Journal {
    static func record(_ pass: PassReport, seq: Int, changeset: Changeset, changes: [Changeset.Change],
                       run: Int64, startedAt: Timestamp, in w: WriteContext) throws {
        try w.db.execute(sql: """
            INSERT INTO consolidation_pass(run_id, seq, pass, started_at, duration_us, counts, changes, changeset)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [run, seq, pass.name, startedAt.microseconds, Int64(ConsolidationReport.milliseconds(pass.duration) * 1000),
                             JSONText.object(pass.counts), changes.count, changeset.data.isEmpty ? nil : changeset.data])
        guard !changes.isEmpty else { return }
        let base = try Int64.fetchOne(w.db, sql: "SELECT COALESCE(MAX(seq), 0) FROM consolidation_change WHERE run_id = ?", arguments: [run]) ?? 0
        try w.recordChanges(changes, run: run, pass: pass.name, firstSeq: base + 1)
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
        let running = try store.read { r in
            try Int64.fetchAll(r.db, sql: "SELECT id FROM consolidation_run WHERE status = 'running' ORDER BY id")
        }
        guard !running.isEmpty else { return [] }
        return try store.write { w in
            for id in running {
                guard let started = try Int64.fetchOne(w.db, sql: "SELECT started_at FROM consolidation_run WHERE id = ? AND status = 'running'",
                                                       arguments: [id]) else { continue }
                var report = ConsolidationReport(run: id, dryRun: false, startedAt: Timestamp(microseconds: started))
                report.failure = "the daemon stopped during the run (killed, crashed or the machine went down)"
                for row in try Row.fetchAll(w.db, sql: "SELECT pass, counts, changes, duration_us FROM consolidation_pass WHERE run_id = ? ORDER BY seq",
                                            arguments: [id]) {
                    // The counts are only reported: counts that do not parse are reported empty.
                    let counts = (try? JSONSerialization.jsonObject(with: Data((row[1] as String? ?? "{}").utf8))) as? [String: Int] ?? [:]
                    report.passes.append(PassReport(name: row[0], counts: counts, changes: row[2], duration: .microseconds(row[3] as Int64),
                                                    warnings: [], touched: []))
                }
                report.duration = report.passes.reduce(Duration.zero) { $0 + $1.duration }
                try w.db.execute(sql: "UPDATE consolidation_run SET status = 'interrupted', summary = ? WHERE id = ?",
                                 arguments: [report.summaryJSON, id])
            }
            return running
        }
    }

    /// The newest `limit` runs, newest first.
    public static func runs(_ reader: ReadContext, limit: Int = .max) throws -> [JournalEntry] {
        try Row.fetchAll(reader.db, sql: "SELECT id, started_at, finished_at, status, dry_run, summary FROM consolidation_run ORDER BY id DESC LIMIT ?",
                         arguments: [Int64(clamping: max(0, limit))])
            .map(entry)
    }

    /// The newest run that was not a dry run.
    public static func lastRun(_ reader: ReadContext) throws -> JournalEntry? {
        try Row.fetchOne(reader.db, sql: """
            SELECT id, started_at, finished_at, status, dry_run, summary FROM consolidation_run WHERE dry_run = 0 ORDER BY id DESC LIMIT 1
            """).map(entry)
    }

    private static func entry(_ row: Row) -> JournalEntry {
        JournalEntry(id: row[0], startedAt: Timestamp(microseconds: row[1]), finishedAt: (row[2] as Int64?).map { Timestamp(microseconds: $0) },
                     status: row[3], dryRun: row[4], summary: row[5])
    }
}
