import Foundation
import GRDB
import GRDBSQLite
import MnemoModel

/// One run as the journal keeps it (`consolidation_run`).
public struct JournalEntry: Sendable {
    public var id: Int64
    public var startedAt: Timestamp
    public var finishedAt: Timestamp?
    /// `running`, `done`, `interrupted`, `failed`, `undone` or `dry run`.
    public var status: String
    public var dryRun: Bool
    /// The summary JSON (per-pass counts, changes, durations).
    public var summary: String?
}

/// One pass of a run as the journal keeps it (`consolidation_pass`), without
/// its changeset: enough to report a run whose process died.
package struct JournaledPassSummary: Sendable {
    package var name: String
    /// The pass's counts as JSON text (an object of name → count); nil if none were stored.
    package var counts: String?
    package var changes: Int
    package var durationMicroseconds: Int64
}

/// The consolidation journal: a row of `consolidation_run` per run, of
/// `consolidation_pass` per pass that committed (with its changeset, which
/// `undo consolidation` inverts), and of `consolidation_change` per row a
/// pass changed (the changeset rendered for reading). A pass's rows are
/// written in the pass's own transaction, so the journal holds exactly the
/// passes that stand. How a run's summary and counts read is consolidation's;
/// the store keeps them as the JSON text it is given.
extension WriteContext {
    /// Journals a run starting at `startedAt`, `running`, and returns its id.
    /// A real run first marks `interrupted` any run still `running`: one run
    /// at a time per space, so such a run's process is gone. A dry run's
    /// journal line is written to a scratch copy, whose other runs stay as they are.
    package func startConsolidationRun(at startedAt: Timestamp, dryRun: Bool) throws -> Int64 {
        if !dryRun {
            try db.execute(sql: "UPDATE consolidation_run SET status = 'interrupted' WHERE status = 'running'")
        }
        try db.execute(
            sql: "INSERT INTO consolidation_run(started_at, status, dry_run) VALUES (?, 'running', ?)",
            arguments: [startedAt.microseconds, dryRun])
        return db.lastInsertedRowID
    }

    /// Journals how run `id` ended: its status (`done`, `interrupted`,
    /// `failed`) and summary, and when it finished. Without `finishedAt` the
    /// column is left as it is: when an abandoned run stopped is not known.
    package func endConsolidationRun(_ id: Int64, status: String, summary: String, finishedAt: Timestamp?) throws {
        if let finishedAt {
            try db.execute(
                sql: "UPDATE consolidation_run SET status = ?, finished_at = ?, summary = ? WHERE id = ?",
                arguments: [status, finishedAt.microseconds, summary, id])
        } else {
            try db.execute(sql: "UPDATE consolidation_run SET status = ?, summary = ? WHERE id = ?", arguments: [status, summary, id])
        }
    }

    /// Journals a dry run, already over (it ran on a scratch copy, whose
    /// journal went with it), and returns its id.
    package func journalDryRun(startedAt: Timestamp, finishedAt: Timestamp, summary: String) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO consolidation_run(started_at, finished_at, status, dry_run, summary) VALUES (?, ?, 'dry run', 1, ?)
                """, arguments: [startedAt.microseconds, finishedAt.microseconds, summary])
        return db.lastInsertedRowID
    }

    /// Journals pass number `seq` of run `run`: its counts (JSON text), how
    /// long it took, its changeset (kept only when not empty) and the
    /// changes rendered from it, numbered after the run's last change.
    package func journalPass(
        run: Int64, seq: Int, name: String, startedAt: Timestamp, durationMicroseconds: Int64,
        counts: String, changeset: Changeset, changes: [Changeset.Change]
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO consolidation_pass(run_id, seq, pass, started_at, duration_us, counts, changes, changeset)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                run, seq, name, startedAt.microseconds, durationMicroseconds, counts, changes.count,
                changeset.data.isEmpty ? nil : changeset.data,
            ])
        guard !changes.isEmpty else { return }
        let base = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM consolidation_change WHERE run_id = ?", arguments: [run]) ?? 0
        try recordChanges(changes, run: run, pass: name, firstSeq: base + 1)
    }
}

extension ReadContext {
    /// The newest `limit` runs, newest first.
    package func consolidationRuns(limit: Int) throws -> [JournalEntry] {
        var runs: [JournalEntry] = []
        try consolidationRuns(limit: limit) { run, summary in
            var run = run
            run.summary = summary.map { String(decoding: $0, as: UTF8.self) }
            runs.append(run)
        }
        return runs
    }

    /// Calls `body` with each of the newest `limit` runs, newest first, as
    /// it is stepped (through SQLite's C API: `consolidations` answers up
    /// to 100,000 of them), and the bytes of its summary as stored (`nil`
    /// when it has none), valid only during the call; the entry's own
    /// `summary` is `nil`. An answer copies the summary's bytes as they are,
    /// without making a `String` of each. `body` must not read the journal
    /// itself: the statement is cached, and a second use would restart this one.
    package func consolidationRuns(limit: Int, _ body: (JournalEntry, _ summary: UnsafeBufferPointer<UInt8>?) throws -> Void) throws {
        let runs = try FastStatement(
            db, "SELECT id, started_at, finished_at, status, dry_run, summary FROM consolidation_run ORDER BY id DESC LIMIT ?")
        runs.bind(1, Self.sqlLimit(limit))
        try runs.forEachRow { row in
            let summary = sqlite3_column_text(row, 5).map { UnsafeBufferPointer(start: $0, count: Int(sqlite3_column_bytes(row, 5))) }
            try body(
                JournalEntry(
                    id: FastStatement.int64(row, 0), startedAt: Timestamp(microseconds: FastStatement.int64(row, 1)),
                    finishedAt: Timestamp(databaseMicroseconds: FastStatement.optionalInt64(row, 2)),
                    status: FastStatement.optionalText(row, 3) ?? "", dryRun: FastStatement.int64(row, 4) != 0,
                    summary: nil),
                summary)
        }
    }

    /// The newest run that was not a dry run.
    package func lastConsolidationRun() throws -> JournalEntry? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT id, started_at, finished_at, status, dry_run, summary FROM consolidation_run WHERE dry_run = 0 ORDER BY id DESC LIMIT 1
                """
        ).map(Self.journalEntry)
    }

    /// How many runs the journal holds, dry runs left out.
    package func consolidationRunCount() throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM consolidation_run WHERE dry_run = 0") ?? 0
    }

    /// Run `id`, if the journal has it.
    package func consolidationRun(_ id: Int64) throws -> JournalEntry? {
        try Row.fetchOne(
            db, sql: "SELECT id, started_at, finished_at, status, dry_run, summary FROM consolidation_run WHERE id = ?",
            arguments: [id]
        ).map(Self.journalEntry)
    }

    /// The ids of the runs journaled `running`, oldest first.
    package func runningConsolidationRuns() throws -> [Int64] {
        try Int64.fetchAll(db, sql: "SELECT id FROM consolidation_run WHERE status = 'running' ORDER BY id")
    }

    /// The passes of run `run` that committed, in the order they ran.
    package func journaledPasses(ofRun run: Int64) throws -> [JournaledPassSummary] {
        try Row.fetchAll(
            db, sql: "SELECT pass, counts, changes, duration_us FROM consolidation_pass WHERE run_id = ? ORDER BY seq",
            arguments: [run]
        )
        .map { JournaledPassSummary(name: $0[0], counts: $0[1], changes: $0[2], durationMicroseconds: $0[3]) }
    }

    private static func journalEntry(_ row: Row) -> JournalEntry {
        JournalEntry(
            id: row[0], startedAt: Timestamp(microseconds: row[1]), finishedAt: Timestamp(databaseMicroseconds: row[2]),
            status: row[3], dryRun: row[4], summary: row[5])
    }
}
