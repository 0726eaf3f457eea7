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

    /// Every run, newest first.
    public static func runs(_ reader: ReadContext) throws -> [JournalEntry] {
        try Row.fetchAll(reader.db, sql: "SELECT id, started_at, finished_at, status, dry_run, summary FROM consolidation_run ORDER BY id DESC")
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
