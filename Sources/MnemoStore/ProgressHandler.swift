import GRDB
import GRDBSQLite
import MnemoModel

/// SQLite's progress handler, asking a `Cancellation` while a statement runs.
///
/// A read of millions of rows, or one statement that scans a large table,
/// spends its time inside `sqlite3_step`, where no Swift check can run.
/// SQLite calls the handler every `steps` virtual-machine instructions (a few
/// microseconds of work); when it answers non-zero, the statement stops with
/// `SQLITE_INTERRUPT`, which `MemoryStore.read` turns into the
/// cancellation's error. Installed only on read connections, for the length
/// of one read: an interrupted write would roll back its whole transaction
/// behind the writer's back, so writes check their cancellation between
/// statements instead.
enum ProgressHandler {
    /// Virtual-machine instructions between two questions.
    static let steps: Int32 = 4096

    static func installed<T>(on db: Database, asking cancellation: Cancellation, _ body: () throws -> T) rethrows -> T {
        guard cancellation !== Cancellation.never, let connection = db.sqliteConnection else { return try body() }
        // Unretained: `cancellation` outlives the read (the caller holds it), and
        // the handler is removed before this function returns.
        let context = Unmanaged.passUnretained(cancellation).toOpaque()
        sqlite3_progress_handler(
            connection, steps,
            { context in
                guard let context else { return 0 }
                return Unmanaged<Cancellation>.fromOpaque(context).takeUnretainedValue().isCancelled ? 1 : 0
            }, context)
        defer { sqlite3_progress_handler(connection, 0, nil, nil) }
        return try body()
    }
}
