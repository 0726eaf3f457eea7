import CSQLiteConfig
import Foundation
import GRDB
import GRDBSQLite
import Logging
import MnemoModel
import MnemoSchemas
import NIOPosix
import Synchronization

/// One space's memory: a temporal hypergraph in one SQLite file.
///
/// SQLite runs in WAL mode behind a GRDB `DatabasePool`: one writer at a time,
/// many readers at once, and readers always see the last committed state, never
/// a write in progress. Every write goes through `write(_:)`, which hands the
/// caller a `WriteContext` inside a transaction; the transaction commits before
/// `write` returns, so a caller that acknowledges after `write` acknowledges a
/// durable change.
public final class MemoryStore: Sendable {
    /// The SQLite file.
    public let path: String
    /// The connections: the writer and the pool's readers.
    var pool: DatabasePool { connections.pool! }
    /// Holds `pool` until the store closes it (`deinit`), on whichever thread.
    let connections: Connections
    let options: StoreOptions
    let cache = WriterCache()
    let checkpointer: Checkpointer
    /// Merges the full-text index between writes (`FullTextMerger`).
    let merger = FullTextMerger()
    let sizeLimit: SizeLimit
    /// The connections of `readInline`, apart from the pool's.
    let inlineReaders: InlineReaders
    /// A `forget` committed and the WAL could not be truncated yet (readers
    /// outlasted the busy timeout): the next write tries again.
    let walTruncationOwed = Atomic<Bool>(false)
    /// The shared space this file is a replica of (`StoreOptions.replica`);
    /// `nil`: the file is the space.
    public let replica: PostgresReplica?
    /// The last change of the replica's log the file holds.
    let replicaSeq = Atomic<Int64>(0)
    /// The tables whose changes go to the replica's log.
    let replicatedTables: [String]
    /// Changes other daemons made, applied and not yet followed.
    let remote = Mutex(RemoteChangeQueue())
    /// A background catch-up is waiting to run (`catchUpSoon`).
    let backgroundCatchUp = Atomic<Bool>(false)
    static let log = Logger(label: "mnemo.store")

    /// Opens (creating if needed) the database at `path` and upgrades its schema
    /// to the latest version this build knows.
    public init(path: String, options: StoreOptions = StoreOptions()) throws(MnemoError) {
        _ = Self.sqliteMemoryStatisticsOff
        self.path = path
        self.options = options
        self.replica = options.replica
        guard StoreOptions.isValidPageSize(options.pageSize) else {
            throw MnemoError(.invalid, "page size \(options.pageSize) is not a power of two from 512 to 65536")
        }
        let pageSize = options.pageSize
        let checkpointer = Checkpointer(path: path, pages: options.checkpointPages)
        self.checkpointer = checkpointer
        let sizeLimit = SizeLimit(bytes: options.maxSizeBytes)
        self.sizeLimit = sizeLimit
        var config = Configuration()
        config.maximumReaderCount = max(1, options.maximumReaders)
        config.busyMode = .timeout(options.busyTimeout)
        config.readonly = options.readOnly
        let cacheKiB = options.cacheSizeKiB
        let hasReplica = options.replica != nil
        let mmapBytes = options.mmapSizeBytes
        config.prepareDatabase { db in
            // Takes effect only on a file not written yet; any other keeps its size.
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA page_size = \(pageSize)") }
            try db.execute(sql: "PRAGMA cache_size = -\(cacheKiB)")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            try db.execute(sql: "PRAGMA mmap_size = \(mmapBytes)")
            // Deleted rows, and pages freed, are overwritten with zeros: what
            // `forget` deletes leaves no copy in the file's free space.
            try db.execute(sql: "PRAGMA secure_delete = ON")
            if !db.configuration.readonly {
                // The empty tables a replica's snapshot is taken against (`Replication`).
                if hasReplica { try db.execute(sql: "ATTACH DATABASE ':memory:' AS \(MemoryStore.snapshotBase)") }
                try sizeLimit.apply(on: db)
                // Checkpoint every ~64 MiB of WAL rather than SQLite's 4 MiB (a batch of
                // random index inserts dirties thousands of pages), and not inside a
                // commit: the checkpointer does it on a thread of its own.
                checkpointer.install(on: db)
            }
        }
        do {
            let pool = try DatabasePool(path: path, configuration: config)
            connections = Connections(pool)
            if options.synchronousFull && !options.readOnly {
                // GRDB sets NORMAL on the writer when it turns WAL on (after
                // `prepareDatabase`, where setting it would be undone).
                try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            }
            if !options.readOnly {
                try Migrations.migrator(upTo: options.migrateUpTo).migrate(pool)
            }
            let applied = try pool.read { try Migrations.appliedVersion($0) }
            if applied > SchemaMigration.latestVersion {
                throw MnemoError(.conflict, "\(path) has schema version \(applied), newer than this build's \(SchemaMigration.latestVersion); upgrade Mnemo")
            }
            if options.readOnly && options.migrateUpTo == nil && applied < SchemaMigration.latestVersion {
                // Reads would meet tables the file does not have yet (e.g. the filler index of version 5).
                throw MnemoError(
                    .readOnly,
                    "\(path) has schema version \(applied), older than this build's \(SchemaMigration.latestVersion), and is open read-only; open it once for writing to upgrade it"
                )
            }
            if let replica = options.replica, !options.readOnly {
                replicaSeq.store(try Self.attach(replica, to: pool, path: path), ordering: .sequentiallyConsistent)
                replicatedTables = try pool.read { try Self.replicatedTables($0) }
            } else {
                replicatedTables = []
            }
            // After `attach`: a file refused as a replica is left as it was.
            if !options.readOnly {
                try pool.writeWithoutTransaction { try FullTextMerger.takeOver($0) }
            }
            // Opened after the migrations, when first needed (`InlineReaders`).
            var inlineConfig = config
            inlineConfig.readonly = true
            // A network thread never sleeps on a lock: a busy file sends the read to a worker.
            inlineConfig.busyMode = .immediateError
            // Short reads, and the file's pages are in the operating system's cache
            // anyway: a smaller cache than the pool's, so that these connections add
            // little to what a space may take.
            let inlineCacheKiB = min(cacheKiB, 8_192)
            inlineConfig.prepareDatabase { db in try db.execute(sql: "PRAGMA cache_size = -\(inlineCacheKiB)") }
            inlineReaders = InlineReaders(limit: options.inlineReaders, path: path) { [inlineConfig] in
                try DatabaseQueue(path: path, configuration: inlineConfig)
            }
        } catch {
            throw MemoryStore.translate(error, path: path)
        }
        if !options.readOnly { merger.start(pool) }
    }

    deinit {
        // Background checkpoints stop; the pool closes its writer last, which
        // folds the WAL back into the file. (The hook keeps working until then:
        // the configuration holds the checkpointer.) The network threads'
        // connections close first: the last to close folds the WAL back.
        let (checkpointer, merger, inlineReaders, connections) = (self.checkpointer, self.merger, self.inlineReaders, self.connections)
        let close: @Sendable () -> Void = {
            merger.close()
            checkpointer.close()
            inlineReaders.closeAll()
            // The pool's last reference goes here, not where the store's does;
            // it closes its readers, then its writer.
            connections.empty()
        }
        // Closing waits for a background checkpoint and copies the WAL back: on
        // an event loop's thread (the last reference to a space went in a
        // channel's teardown) that would hold every connection of the loop, so
        // it is done on another thread.
        if MultiThreadedEventLoopGroup.currentEventLoop != nil {
            DispatchQueue.global(qos: .utility).async(execute: close)
        } else {
            close()
        }
    }

    /// Whether SQLite's memory statistics are off in this process (see
    /// `CSQLiteConfig`): they would take a global mutex on every allocation.
    public static let sqliteMemoryStatisticsOff = mnemo_sqlite_memstatus_off_result() == 0

    /// WAL pages past which a background checkpoint starts: `StoreOptions.checkpointPages`,
    /// or as many of the file's pages as make 64 MiB.
    public var checkpointThresholdPages: Int { Int(checkpointer.softFrames) }

    /// How many times the WAL was folded back into the file in the background
    /// (see `StoreOptions.checkpointPages`), for tests and benchmarks.
    public var backgroundCheckpoints: Int { checkpointer.completedRuns }
    /// How many times a commit copied the short tail a background checkpoint
    /// left, so that the WAL could start over.
    public var tailCheckpoints: Int { checkpointer.tailRuns }

    /// Changes how large the file may grow (`StoreOptions.maxSizeBytes`;
    /// `nil`: no limit), from the next write on.
    public func limitSize(to bytes: Int?) throws(MnemoError) {
        sizeLimit.set(bytes: bytes)
        if options.readOnly { return }
        do {
            try pool.writeWithoutTransaction { db in try sizeLimit.apply(on: db) }
        } catch {
            throw MemoryStore.translate(error, path: path)
        }
    }

    /// The schema version the database is at.
    public func schemaVersion() throws(MnemoError) -> Int {
        try read { try Migrations.appliedVersion($0.db) }
    }

    /// Runs `body` in one write transaction; commits when it returns, rolls back
    /// when it throws. Writes are serialised: one runs at a time.
    @discardableResult
    public func write<T>(_ body: (WriteContext) throws -> T) throws(MnemoError) -> T {
        if options.readOnly { throw MnemoError(.readOnly, "\(path) is open read-only") }
        // Another daemon's changes applied before this write are followed before its own.
        defer { deliverRemoteChanges() }
        do {
            return try pool.writeWithoutTransaction { db in
                var result: T?
                var fillersDue = false
                var truncate = false
                var ended: AfterCommit?
                do {
                    try transaction(db) {
                        let context = try beginWrite(db)
                        ended = context.afterCommit
                        result = try body(context)
                        try context.indexNewEpisodes()
                        fillersDue = try context.fillersDue(limit: options.recentFillerLimit)
                        truncate = context.afterCommit.truncateWAL
                        // After a forget, the shared log keeps nothing of what came before.
                        return truncate
                    }
                } catch {
                    // A rolled-back transaction may have cached rows that no longer exist.
                    // (Here, on the writer's queue: the cache is the writer's alone.)
                    cache.rolledBack()
                    ended?.transactionHasEnded()
                    throw error
                }
                ended?.transactionHasEnded()
                if ended?.indexed == true { merger.schedule() }
                if fillersDue { settleFillers(db) }
                if truncate {
                    truncateWAL(db, waiting: true)
                } else if walTruncationOwed.load(ordering: .relaxed) {
                    truncateWAL(db, waiting: false)
                }
                return result!
            }
        } catch {
            throw translateWriteError(error)
        }
    }

    /// A failed write's error for the client: a full file says which limit it met.
    private func translateWriteError(_ error: any Error) -> MnemoError {
        let translated = MemoryStore.translate(error, path: path)
        guard translated.code == .full, let limit = sizeLimit.bytes else { return translated }
        return MnemoError(.full, "\(path) is full: it reached max_space_size (\(limit) bytes) or the disk is full; nothing was changed")
    }

    /// The context of a write transaction just begun on the writer `db`.
    private func beginWrite(_ db: Database) throws -> WriteContext {
        cache.beginWrite(dataVersion: try Int64.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) ?? 0)
        return WriteContext(db: db, cache: cache, now: options.clock())
    }

    /// Moves the recent filler entries to the settled table (`FillerIndex`)
    /// in a transaction of its own, after the write that made them due has
    /// committed: that write is safe whatever happens to the move. A move
    /// that fails (a full disk) is undone alone, and a later write tries
    /// again. (Inside the write, a savepoint would have to keep a copy of
    /// every settled page the move changes, a fifth of its cost.)
    private func settleFillers(_ db: Database) {
        do {
            try transaction(db) {
                try beginWrite(db).settleFillers()
                return false
            }
        } catch {
            cache.rolledBack()
        }
    }

    /// Copies the whole WAL into the file and truncates it to zero bytes, on
    /// the writer `db` after a commit, so that no page as it was before a
    /// `forget` stays in it. (A background checkpoint only copies, and a WAL
    /// started over is overwritten from its beginning, keeping its tail.) A
    /// reader still on older pages holds the checkpoint: right after the
    /// forget, the writer waits for it up to the busy timeout; should it
    /// outlast that, each later write tries again without waiting, until one
    /// succeeds.
    func truncateWAL(_ db: Database, waiting: Bool) {
        if !waiting { sqlite3_busy_timeout(db.sqliteConnection, 0) }
        defer { if !waiting { sqlite3_busy_timeout(db.sqliteConnection, Int32(clamping: Int((options.busyTimeout * 1000).rounded()))) } }
        do {
            try checkpointer.paused { _ = try db.checkpoint(.truncate) }
            if !waiting { Self.log.notice("\(path): the WAL owed a truncation since a forget, and is truncated") }
            walTruncationOwed.store(false, ordering: .relaxed)
        } catch {
            if waiting {
                Self.log.warning("\(path): the WAL could not be truncated after a forget (\(error)); later writes try again")
            }
            walTruncationOwed.store(true, ordering: .relaxed)
        }
    }

    /// Runs `body` on a read-only connection that sees the last committed state.
    /// Reads run in parallel with each other and with the writer.
    ///
    /// A cancelled read stops at its next check between rows, or inside a
    /// long SQLite statement (every `progressSteps` virtual-machine steps
    /// SQLite asks the cancellation), and throws the cancellation's error.
    ///
    /// `budget` is what the answer being read may hold (`AnswerBudget`).
    public func read<T>(
        cancellation: Cancellation = .never, budget: AnswerBudget = .unlimited,
        _ body: (ReadContext) throws -> T
    ) throws(MnemoError) -> T {
        do {
            return try pool.read { db in
                try ProgressHandler.installed(on: db, asking: cancellation) {
                    try body(ReadContext(db: db, cancellation: cancellation, budget: budget))
                }
            }
        } catch {
            if cancellation.isCancelled { throw cancellation.error }
            throw MemoryStore.translate(error, path: path)
        }
    }

    /// Runs `body` as `read` does, in a read transaction whose snapshot is
    /// taken between `before` and `after`: `before` runs once a connection
    /// is held (never while waiting for one), `after` once the snapshot is
    /// fixed, or the read failed before it was.
    public func read<T>(
        snapshotBetween before: () -> Void, and after: () -> Void, _ body: (ReadContext) throws -> T
    ) throws(MnemoError) -> T {
        do {
            return try pool.unsafeRead { db in
                before()
                var pending = true
                defer { if pending { after() } }
                var result: T?
                try db.inTransaction(.deferred) {
                    let context = ReadContext(db: db)
                    try context.takeSnapshot()
                    pending = false
                    after()
                    result = try body(context)
                    return .commit
                }
                return result!
            }
        } catch {
            throw MemoryStore.translate(error, path: path)
        }
    }

    /// Runs `body` as `read` does, for a network thread: on a connection of
    /// its own (`StoreOptions.inlineReaders`), never waiting for one. Give it
    /// a `cancellation` with a budget (`Cancellation(budget:)`): past it, when
    /// no connection is free (or none is open yet), or when the file is
    /// busy, it cancels that cancellation with `overBudget` and throws its
    /// error, having changed nothing, and the caller runs the read on a
    /// worker instead.
    ///
    /// What the budget cannot stop is a page SQLite has to read from the
    /// disk rather than the operating system's cache: a network thread
    /// waits for that read like any other.
    public func readInline<T>(
        cancellation: Cancellation, budget: AnswerBudget = .unlimited,
        _ body: (ReadContext) throws -> T
    ) throws(MnemoError) -> T {
        guard let reader = inlineReaders.take() else {
            cancellation.cancel(.overBudget)
            throw cancellation.error
        }
        defer { inlineReaders.give(reader) }
        do {
            return try reader.read { db in
                try ProgressHandler.installed(on: db, asking: cancellation) {
                    try body(ReadContext(db: db, cancellation: cancellation, budget: budget))
                }
            }
        } catch {
            // The reason only, not the clock: an error of the statement's own
            // that comes after the budget is still that error.
            if cancellation.reason != nil { throw cancellation.error }
            if let busy = error as? DatabaseError, busy.resultCode == .SQLITE_BUSY || busy.resultCode == .SQLITE_LOCKED {
                cancellation.cancel(.overBudget)
                throw cancellation.error
            }
            throw MemoryStore.translate(error, path: path)
        }
    }

    /// How many connections `readInline` has open, for tests.
    public var inlineReadersOpen: Int { inlineReaders.openCount }

    /// The size of the database file and its WAL, in bytes.
    public func fileSize() -> Int64 {
        let fm = FileManager.default
        return [path, path + "-wal"].reduce(Int64(0)) { total, p in
            total + ((try? fm.attributesOfItem(atPath: p)[.size] as? NSNumber)?.int64Value ?? 0)
        }
    }

    /// Folds the WAL back into the main file (e.g. before a copy or a size report).
    public func checkpoint() throws(MnemoError) {
        do {
            // A background checkpoint holds SQLite's checkpoint lock (and a
            // checkpoint does not wait for it): let it finish, start none meanwhile.
            try checkpointer.paused {
                try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
            }
        } catch {
            throw MemoryStore.translate(error, path: path)
        }
    }

    /// Runs `body` on a consistent copy of the space, a scratch file
    /// (`<space>.sqlite.dry-run` in `StoreOptions.scratchDirectory`) deleted
    /// when `body` returns: for work that
    /// has to write to see what its writes would do, and whose writes are
    /// thrown away (`consolidate dry run`), without holding this space's
    /// writer meanwhile. The copy is made with SQLite's online backup, which
    /// blocks no writer either.
    public func withScratchCopy<T>(_ body: (MemoryStore) throws -> T) throws(MnemoError) -> T {
        let scratch = scratchPath(".dry-run")
        let files = [scratch, scratch + "-wal", scratch + "-shm", scratch + "-journal"]
        // A copy left by a crash is this store's own: it goes.
        for file in files { unlink(file) }
        defer { for file in files { unlink(file) } }
        do {
            let target = try DatabaseQueue(path: scratch)
            try pool.backup(to: target)
            try target.close()
            var copyOptions = options
            copyOptions.migrateUpTo = nil
            copyOptions.readOnly = false
            copyOptions.inlineReaders = 0
            // What a dry run writes goes nowhere but the scratch file.
            copyOptions.replica = nil
            let copy = try MemoryStore(path: scratch, options: copyOptions)
            // Closed before its files are deleted; a copy that fails to close
            // is deleted all the same (nothing in it is kept).
            defer {
                copy.merger.close()
                try? copy.pool.close()
            }
            return try body(copy)
        } catch {
            throw MemoryStore.translate(error, path: scratch)
        }
    }

    /// Turns any error from SQLite or GRDB into a `MnemoError` a client can act on.
    public static func translate(_ error: any Error, path: String) -> MnemoError {
        if let error = error as? MnemoError { return error }
        if let lost = error as? TransactionLost { return translate(lost.cause, path: path) }
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_FULL: return MnemoError(.full, "disk full writing \(path); nothing was changed")
            case .SQLITE_READONLY: return MnemoError(.readOnly, "\(path) is read-only")
            case .SQLITE_BUSY, .SQLITE_LOCKED: return MnemoError(.busy, "\(path) is locked by another writer; try again")
            case .SQLITE_CORRUPT, .SQLITE_NOTADB: return MnemoError(.internalError, "\(path) is not a valid Mnemo database: \(error.message ?? "corrupt")")
            case .SQLITE_CANTOPEN: return MnemoError(.notFound, "cannot open \(path): \(error.message ?? "no such file")")
            case .SQLITE_IOERR:
                return MnemoError(.internalError, "I/O error on \(path): \(error.message ?? "") (SQLite extended code \(error.extendedResultCode.rawValue))")
            default: return MnemoError(.internalError, "sqlite: \(error.message ?? "\(error)")")
            }
        }
        return MnemoError(.internalError, "\(error)")
    }
}

extension MemoryStore {
    /// The store's `DatabasePool`, in a box its `deinit` empties where it
    /// closes the store: the pool closes where its last reference goes.
    final class Connections: @unchecked Sendable {
        /// Set once, emptied once, by `deinit` (nothing else can reach the
        /// store then).
        private(set) var pool: DatabasePool?
        /// Whether `empty` has run, and whether on an event loop's thread
        /// (for tests).
        let emptied = Atomic<Bool>(false)
        let emptiedOnEventLoop = Atomic<Bool>(false)

        init(_ pool: DatabasePool) { self.pool = pool }

        /// Lets the pool go (it closes here, unless something else holds it).
        func empty() {
            pool = nil
            emptiedOnEventLoop.store(MultiThreadedEventLoopGroup.currentEventLoop != nil, ordering: .relaxed)
            emptied.store(true, ordering: .releasing)
        }
    }
}
