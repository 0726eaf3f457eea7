import GRDB
import MnemoModel
import Synchronization

/// Everything a write may do, inside one transaction of `MemoryStore.write`.
///
/// A context lives only as long as its transaction: every change made through
/// it commits together or not at all. `now` is the transaction's recorded time,
/// the same for everything it writes.
public struct WriteContext {
    /// The transaction's connection. Only the store speaks SQL: the layers
    /// above read and write through typed functions.
    let db: Database
    let cache: WriterCache
    /// The recorded time of this transaction.
    public let now: Timestamp
    let pending = PendingIndexing()
    let afterCommit = AfterCommit()
    let hot = HotStatements()

    init(db: Database, cache: WriterCache, now: Timestamp) {
        self.db = db
        self.cache = cache
        self.now = now
    }

    /// Adds the episodes this transaction created so far to the full-text
    /// index (schema version 4 explains why it is not a trigger). `write`
    /// calls it before committing; anything that deletes episodes calls it first.
    func indexNewEpisodes() throws {
        guard let first = pending.firstNewEpisode else { return }
        try db.cachedStatement(sql: "INSERT INTO episode_fts(rowid, text) SELECT id, text FROM episode WHERE id >= ?")
            .execute(arguments: [first])
        pending.firstNewEpisode = nil
        afterCommit.indexed = true
    }

    /// The reads, seeing this transaction's own uncommitted changes.
    public var reader: ReadContext { ReadContext(db: db) }

    /// Drops the names and ids the writer remembers, after what a name
    /// denotes changed (consolidation linked names `same_as`).
    public func forgetCachedNames() { cache.reset() }

    /// Drops everything the writer remembers, fact keys too, after rows were
    /// written behind its back (a consolidation run undone from its changesets).
    public func forgetCachedRows() { cache.forgetAll() }

    /// Runs `body` once, when this write's transaction has ended: as SQLite
    /// commits or rolls it back, or, at the latest, when `MemoryStore.write`
    /// is done with it (a transaction SQLite rolled back by itself, after an
    /// I/O error or a full disk, is not reported as it happens; and with
    /// `storage = postgresql` the SQLite commit comes after the server's).
    public func whenTransactionEnds(_ body: @escaping @Sendable () -> Void) {
        precondition(db.isInsideTransaction, "a write's transaction ends only inside one")
        let once = OnceAction(body)
        db.afterNextTransaction(onCommit: { _ in once.run() }, onRollback: { _ in once.run() })
        afterCommit.transactionEnded.append(once)
    }

    /// Runs `body` in a savepoint: if it throws, its changes alone are rolled
    /// back (and names it cached forgotten) while the transaction goes on.
    ///
    /// Unless the transaction is gone: on some errors (a full disk or file,
    /// out of memory, an I/O error) SQLite rolls back the whole transaction
    /// itself, savepoints and all. Then this throws `TransactionLost`, and the
    /// caller must not go on as if only `body` had failed: what it would write
    /// next would commit on its own, outside any transaction.
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        // Prepared once per connection (GRDB's `inSavepoint` prepares its
        // statements anew each time, which a batch of 256 writes feels).
        try db.cachedStatement(sql: "SAVEPOINT mnemo").execute()
        // Rolling back undoes any indexing done inside, so what was owed stays owed.
        let owed = pending.firstNewEpisode
        let result: T
        do {
            result = try body()
        } catch {
            pending.firstNewEpisode = owed
            cache.rolledBack()
            guard db.isInsideTransaction else { throw TransactionLost(cause: error) }
            do {
                try db.cachedStatement(sql: "ROLLBACK TO SAVEPOINT mnemo").execute()
                try db.cachedStatement(sql: "RELEASE SAVEPOINT mnemo").execute()
            } catch {
                // The savepoint could not be undone: `body`'s changes would
                // commit with the rest, so nothing of the transaction may.
                throw TransactionLost(cause: error)
            }
            throw error
        }
        try db.cachedStatement(sql: "RELEASE SAVEPOINT mnemo").execute()
        return result
    }
}

/// What a transaction still owes the full-text index.
final class PendingIndexing {
    /// The lowest id of an episode created in this transaction and not yet
    /// indexed: ids only grow, so every such episode has an id at least this.
    var firstNewEpisode: Int64?
}

/// An action run at most once, whoever asks first.
final class OnceAction: Sendable {
    private let body: @Sendable () -> Void
    private let done = Atomic(false)

    init(_ body: @escaping @Sendable () -> Void) { self.body = body }

    func run() {
        if !done.exchange(true, ordering: .acquiringAndReleasing) { body() }
    }
}

/// What `MemoryStore.write` does once the transaction committed.
final class AfterCommit {
    /// Run once the transaction is over, however it ended (`WriteContext.whenTransactionEnds`).
    var transactionEnded: [OnceAction] = []

    /// Runs what waits for the end of the transaction (once each, whoever ran it first).
    func transactionHasEnded() {
        for action in transactionEnded { action.run() }
    }

    /// A `forget` ran: the WAL still holds the pages as they were before it,
    /// and is checkpointed and truncated (`MemoryStore.truncateWAL`).
    var truncateWAL = false

    /// Episodes went into the full-text index: its segments are merged once
    /// the transaction has committed (`FullTextMerger`).
    var indexed = false
}

/// Everything a read may do, on a connection that sees one committed state.
public struct ReadContext {
    /// The connection (the store's own; see `WriteContext.db`).
    let db: Database
    /// Asked between the rows of long reads; SQLite asks it too, inside a
    /// statement (`MemoryStore.read(cancellation:_:)`).
    public let cancellation: Cancellation
    /// What the answer being read may hold; reads of rows for an answer charge
    /// each row to it.
    public let budget: AnswerBudget
    /// Entity names and predicates this read has looked up.
    let cache = ReadCache()

    /// Reads on a connection the caller already holds in a read transaction
    /// (a layer that reads the store in bulk, like the graph build).
    init(db: Database, cancellation: Cancellation = .never, budget: AnswerBudget = .unlimited) {
        self.db = db
        self.cancellation = cancellation
        self.budget = budget
    }

    /// Fixes the committed state this read sees, now rather than at its
    /// first statement (SQLite takes a read transaction's snapshot when it
    /// first reads the file): a commit after this is not seen.
    func takeSnapshot() throws {
        _ = try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM (SELECT 1 FROM activation LIMIT 1)"))
    }
}
