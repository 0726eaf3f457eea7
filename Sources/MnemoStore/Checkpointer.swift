import Dispatch
import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// Folds the WAL back into the database file mostly on a connection and a
/// thread of its own, so that a commit seldom waits for a checkpoint.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses
/// `wal_autocheckpoint`: that commit copies the whole WAL into the file and
/// syncs it before it returns (a sixth of bulk ingest, and the slowest batch
/// of every run). Here the writer's WAL hook wakes this checkpointer once the
/// WAL holds `softFrames` pages (64 MiB of the file's pages unless told), and it copies and syncs them in the
/// background (a PASSIVE checkpoint blocks neither the writer nor readers).
/// The writer keeps committing meanwhile, so the copy ends a few commits
/// behind; the first commit after it copies that short tail itself, which
/// lets the next transaction start the WAL over. Should the WAL still reach
/// `hardFrames` (a long read holding old frames, a copy slowed by a loaded
/// machine), the committing writer checkpoints it all, as SQLite would have,
/// after waiting for a background copy in progress: SQLite lets one
/// checkpoint run at a time, and without the wait the WAL would grow for as
/// long as that copy took.
final class Checkpointer: Sendable {
    let path: String
    /// The pages asked for (`StoreOptions.checkpointPages`); `nil`: 64 MiB's worth.
    private let pages: Int?
    private let queue = DispatchQueue(label: "mnemo.checkpoint", qos: .utility)
    private let state = Mutex(State())

    private struct State: ~Copyable {
        /// WAL pages past which a background copy starts, and four times as many.
        var softFrames: Int32 = 0
        var hardFrames: Int32 = 0
        var scheduled = false
        /// The background copy has begun (`scheduled` and its thread got to it).
        var running = false
        /// A background copy finished: the next commit copies what came after it.
        var tailDue = false
        /// `paused` runs: no background copy starts.
        var paused = 0
        var closed = false
        var connection: DatabaseQueue?
        var runs = 0
        var tails = 0
        /// Microseconds each background copy waits once begun (`slowCopies`).
        var copyDelay: UInt32 = 0
    }

    init(path: String, pages: Int?) {
        self.path = path
        self.pages = pages
        setThreshold(pageSize: 4_096) // SQLite's default, until `install` reads the file's

    }

    /// Replaces SQLite's automatic checkpoint on the writer connection `db`
    /// with this checkpointer. The hook holds it unretained: the store's
    /// configuration (the `prepareDatabase` closure that calls this) holds it
    /// for as long as any connection lives.
    func install(on db: Database) {
        // The size of the file's pages, or of those it is about to be created with.
        // Unreadable (it never is on an open connection): the thresholds stay those of 4 KiB pages.
        if let pageSize = try? Int.fetchOne(db, sql: "PRAGMA page_size") { setThreshold(pageSize: pageSize) }
        let context = Unmanaged.passUnretained(self).toOpaque()
        sqlite3_wal_hook(
            db.sqliteConnection,
            { context, connection, _, frames in
                let checkpointer = Unmanaged<Checkpointer>.fromOpaque(context!).takeUnretainedValue()
                return checkpointer.committed(connection: connection, frames: frames)
            }, context)
    }

    /// WAL pages past which a background copy starts.
    var softFrames: Int32 { state.withLock { $0.softFrames } }

    /// Sets the thresholds: `pages`, or as many pages of `pageSize` bytes as make 64 MiB.
    private func setThreshold(pageSize: Int) {
        let soft = max(1, pages ?? StoreOptions.checkpointBytes / max(512, pageSize))
        state.withLock { state in
            state.softFrames = Int32(clamping: soft)
            state.hardFrames = Int32(clamping: soft * 4)
        }
    }

    /// Background checkpoints completed so far, and tails the writer copied after them.
    var completedRuns: Int { state.withLock { $0.runs } }
    var tailRuns: Int { state.withLock { $0.tails } }

    /// Runs `body` with no background checkpoint in progress or starting, for
    /// a checkpoint of the caller's own: SQLite does not wait for the
    /// checkpoint lock, it answers BUSY.
    func paused<T>(_ body: () throws -> T) rethrows -> T {
        state.withLock { $0.paused += 1 }
        defer { state.withLock { $0.paused -= 1 } }
        queue.sync {}
        return try body()
    }

    /// Lets any copy already scheduled finish, then keeps the background
    /// thread busy until `release` is signalled, as a loaded machine may: a
    /// copy scheduled meanwhile waits. For tests.
    func occupyThread(until release: DispatchSemaphore) {
        queue.sync {}
        queue.async { release.wait() }
    }

    /// Makes each background copy wait `microseconds` once begun, as a copy
    /// on a loaded machine or a slow disk may. For tests.
    func slowCopies(by microseconds: UInt32) {
        state.withLock { $0.copyDelay = microseconds }
    }

    /// Stops scheduling checkpoints and waits for one in progress.
    func close() {
        state.withLock { $0.closed = true }
        queue.sync {}
        let connection = state.withLock { state -> DatabaseQueue? in
            defer { state.connection = nil }
            return state.connection
        }
        // Closing a connection that only checkpoints changes nothing on disk.
        try? connection?.close()
    }

    /// Called by SQLite after each commit with the number of pages in the WAL.
    /// Always answers SQLITE_OK: any other answer would fail the statement
    /// that committed, although its commit stands.
    private func committed(connection: OpaquePointer?, frames: Int32) -> Int32 {
        enum Action { case none, inline, afterBackground, background }
        let action = state.withLock { state -> Action in
            // At `hardFrames` the writer copies, whether or not a background
            // copy is scheduled: one on a thread that has not started it yet
            // (a loaded machine) would leave the WAL to grow meanwhile.
            if frames >= state.hardFrames && state.running { return .afterBackground }
            if state.tailDue || frames >= state.hardFrames {
                if state.tailDue { state.tails += 1 }
                state.tailDue = false
                return .inline
            }
            if frames >= state.softFrames && !state.scheduled && !state.closed && state.paused == 0 {
                state.scheduled = true
                return .background
            }
            return .none
        }
        switch action {
        case .none: break
        case .inline: sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        case .afterBackground:
            // The copy under way holds SQLite's checkpoint lock: wait for it
            // (it reads the file, it never waits for this writer), then copy the rest.
            queue.sync {}
            state.withLock { state in
                if state.tailDue { state.tails += 1 }
                state.tailDue = false
            }
            sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        case .background: queue.async { self.run() }
        }
        return SQLITE_OK
    }

    private func run() {
        var (connection, closed, delay) = state.withLock { state in
            state.running = true
            return (state.connection, state.closed, state.copyDelay)
        }
        if delay > 0 { usleep(delay) }
        if connection == nil && !closed {
            // Opened outside the lock: opening may wait on SQLite's busy timeout,
            // and every commit's hook takes that lock.
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            configuration.label = "mnemo.checkpoint"
            // No connection (no descriptor left): no background copy this time;
            // the writer copies the WAL itself at `hardFrames`, as SQLite would.
            connection = try? DatabaseQueue(path: path, configuration: configuration)
            state.withLock { $0.connection = connection }
        }
        // A failed checkpoint (busy, disk full) loses nothing: the pages stay in
        // the WAL, and the next commit past the threshold tries again.
        let done = !closed && (try? connection?.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) }) != nil
        state.withLock { state in
            state.scheduled = false
            state.running = false
            if done {
                state.tailDue = true
                state.runs += 1
            }
        }
    }
}
