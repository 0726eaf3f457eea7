import Foundation
import MnemoModel
import PostgresNIO
import Synchronization

/// What makes a store's SQLite file a replica of a space shared in
/// PostgreSQL: the space's log of changes (`space_change`), and the lock its
/// writers take turns on (its row of `space_state`).
///
/// A write to the store (`MemoryStore.write`) locks the space here, applies
/// what other daemons appended since the file last caught up, runs, and
/// appends what it changed; PostgreSQL commits before SQLite does, so a write
/// is acknowledged only once it is in the shared log. A daemon that dies
/// between the two commits finds its change in the log when it starts again.
///
/// Calls block (`PostgresLink`): the store's writer queue makes them, never
/// an event loop. One replica has a connection for its writer, used by one
/// write at a time, and one for reads; another space has its own. A
/// connection the server or the network closed is replaced at the next call
/// (`PostgresLinkSlot`).
public final class PostgresReplica: Sendable {
    /// The space's id in the database, and its name.
    public let space: Int64
    public let name: String
    /// Names this space and no other (`space.token`): what a replica file
    /// records of the space it follows.
    public let token: String
    public let target: PostgresTarget
    /// The writer's connection: the lock, the log's changes, appends.
    private let connection: PostgresLinkSlot
    /// Reads' connection (`committedSequence`), apart from the writer's: a
    /// read must neither run inside a write's transaction nor queue behind
    /// its lock.
    private let reading: PostgresLinkSlot
    /// The connection the locked transaction is on (between `lock` and
    /// `commit` or `rollback`): never a fresh one, on which `COMMIT` would
    /// commit nothing and say it did.
    private let writing = Mutex<PostgresLink?>(nil)
    /// What the other daemons committed, as heard (`nil`: nothing heard yet).
    private let feed: PostgresChangeFeed?

    /// One change of the log.
    struct Entry {
        var seq: Int64
        var schemaVersion: Int
        /// Every row of the space, replacing what came before (see `append`).
        var snapshot: Bool
        /// Names the write (see `append`).
        var writeID: String
        var changeset: Changeset
    }

    /// Opens (making it if there is none) the space `name` in the database
    /// `target`, on a connection of its own. A writer waits at most
    /// `lockTimeout` for another daemon's write to the space, then gets `BUSY`.
    public init(
        _ name: String, at target: PostgresTarget, feed: PostgresChangeFeed? = nil, lockTimeout: Duration = .seconds(30)
    ) throws(MnemoError) {
        let link = try PostgresLink(target, lockTimeout: lockTimeout)
        do throws(MnemoError) {
            space = try PostgresSpaces.open(name, on: link)
            guard let row = try link.query("SELECT token FROM space WHERE space_id = \(space)").first else {
                throw MnemoError(.internalError, "\(link.target): space \(name) vanished as it was opened")
            }
            token = try Self.column(link.target) { try row.decode(String.self) }
        } catch {
            link.close()
            throw error
        }
        self.name = name
        self.target = target
        self.connection = PostgresLinkSlot(target, holding: link, lockTimeout: lockTimeout)
        // A read that asks the server waits for it briefly: past that, it answers from the replica.
        self.reading = PostgresLinkSlot(target, answerTimeout: .seconds(3), connectTimeout: .seconds(3))
        self.feed = feed
    }

    /// Where the space is, for messages: `URL space NAME`.
    public var description: String { "\(target) space \(name)" }

    /// The writer's connection, connected again if it was closed.
    private var link: PostgresLink {
        get throws(MnemoError) { try connection.link }
    }

    /// The last change another daemon committed, as the change feed heard it;
    /// `nil` when there is no feed or it heard nothing of this space yet.
    public var latestHeard: Int64? { feed?.latest(space) }

    /// Whether a change feed is listening for this space's commits.
    public var isFeedListening: Bool { feed?.isListening ?? false }

    /// The last change committed, asked of the server (one round trip).
    public func committedSequence() throws(MnemoError) -> Int64 {
        try PostgresSpaces.sequence(of: space, on: try reading.link)
    }

    /// Begins a transaction holding the space's write lock (waiting for it
    /// at most `lockTimeout`, the connection's `lock_timeout`); the last
    /// change committed, and the id of the write that is change `known` (the
    /// last the replica holds), `nil` when the log has no such change.
    /// Another daemon's writer waits until `commit` or `rollback`.
    func lock(knowing known: Int64 = 0) throws(MnemoError) -> (committed: Int64, writeAtKnown: String?) {
        let link = try self.link
        writing.withLock { $0 = link }
        return try locked { link throws(MnemoError) in
            try link.execute("BEGIN")
            guard
                let row = try link.query(
                    """
                    SELECT change_seq, (SELECT write_id FROM space_change WHERE space_id = \(space) AND seq = \(known))
                      FROM space_state WHERE space_id = \(space) FOR UPDATE
                    """
                ).first
            else {
                throw MnemoError(.notFound, "\(description) is not in the database any more")
            }
            let (committed, write) = try Self.column(target) { try row.decode((Int64, String?).self) }
            return (committed, write)
        }
    }

    /// Appends `changeset` as change `seq` (the one after what `lock`
    /// answered), within the locked transaction. A `snapshot` (every row of
    /// the space) replaces the log: the changes before it are deleted, so
    /// that nothing a `forget` took away stays in the log.
    ///
    /// `id` names the write, so that a writer whose `COMMIT` went unanswered
    /// can ask whether it happened (`holds`).
    func append(
        _ changeset: Changeset, seq: Int64, schemaVersion: Int, snapshot: Bool = false, id: String = UUID().uuidString, at time: Timestamp
    ) throws(MnemoError) {
        try locked { link throws(MnemoError) in
            if snapshot { try link.query("DELETE FROM space_change WHERE space_id = \(space) AND seq < \(seq)") }
            // One round trip: the change, the space's number, the notification (sent at commit).
            try link.query(
                """
                WITH appended AS (
                    INSERT INTO space_change(space_id, seq, schema_version, written_at, write_id, snapshot, changeset)
                    VALUES (\(space), \(seq), \(Int32(clamping: schemaVersion)), \(time.microseconds), \(id), \(snapshot), \(ByteBuffer(bytes: changeset.data)))
                ), numbered AS (
                    UPDATE space_state SET change_seq = \(seq) WHERE space_id = \(space)
                )
                SELECT pg_notify(\(PostgresSpaces.channel), \("\(space) \(seq)"))
                """)
        }
    }

    /// Commits the locked transaction: the change appended is in the log.
    func commit() throws(MnemoError) {
        _ = try locked { link throws(MnemoError) in try link.execute("COMMIT") }
        writing.withLock { $0 = nil }
    }

    /// Whether the log holds the write `id` as change `seq`: asked, on the
    /// reads' connection, when a `COMMIT` got no answer (the connection
    /// failed under it), whose transaction may or may not have committed.
    func holds(seq: Int64, id: String) throws(MnemoError) -> Bool {
        !(try reading.link.query("SELECT 1 FROM space_change WHERE space_id = \(space) AND seq = \(seq) AND write_id = \(id)")).isEmpty
    }

    /// The id of the write that is change `seq` of the log, on the writer's
    /// connection; `nil` when the log has no such change (a snapshot replaced it).
    func writeID(at seq: Int64) throws(MnemoError) -> String? {
        guard let row = try link.query("SELECT write_id FROM space_change WHERE space_id = \(space) AND seq = \(seq)").first else {
            return nil
        }
        return try Self.column(target) { try row.decode(String.self) }
    }

    /// Ends the locked transaction, appending nothing.
    func rollback() {
        let link = writing.withLock { link in
            defer { link = nil }
            return link
        }
        guard let link else { return }
        if (try? link.execute("ROLLBACK")) == nil { link.close() }
    }

    /// Runs `body` on the locked transaction's connection. Should it fail,
    /// the transaction is given up by closing the connection (the server
    /// rolls it back; the next call connects again): a connection that
    /// failed may not answer a `ROLLBACK` either.
    private func locked<T>(_ body: (PostgresLink) throws(MnemoError) -> T) throws(MnemoError) -> T {
        guard let link = writing.withLock({ $0 }) else {
            throw MnemoError(.internalError, "\(description): no write in progress")
        }
        do {
            return try body(link)
        } catch {
            writing.withLock { $0 = nil }
            link.close()
            throw error
        }
    }

    /// The lease of consolidating this space (`PostgresLease`); `nil` when
    /// another daemon holds it.
    public func takeLease() throws(MnemoError) -> PostgresLease? {
        try PostgresLease.take(space: space, target: target)
    }

    /// The server process serving the replica's connection, for tests that cut it.
    func backendProcess() throws(MnemoError) -> Int32 { try link.backendProcess() }

    /// The changes after `seq`, in order: at most `limit`, and no more than
    /// make `bytes` (but always the first, however large), so that catching
    /// up with a long log holds a bounded part of it in memory at once.
    func entries(after seq: Int64, limit: Int = 256, bytes: Int = 32 << 20) throws(MnemoError) -> [Entry] {
        let rows = try self.link.query(
            """
            SELECT seq, schema_version, snapshot, write_id, changeset FROM (
                SELECT seq, schema_version, snapshot, write_id, changeset,
                       sum(octet_length(changeset)) OVER (ORDER BY seq) - octet_length(changeset) AS before
                  FROM (SELECT * FROM space_change WHERE space_id = \(space) AND seq > \(seq) ORDER BY seq LIMIT \(Int64(limit))) AS next
            ) AS batch
             WHERE before < \(Int64(max(1, bytes)))
             ORDER BY seq
            """)
        var entries: [Entry] = []
        entries.reserveCapacity(rows.count)
        for row in rows {
            let (seq, version, snapshot, id, bytes) = try Self.column(target) { try row.decode((Int64, Int32, Bool, String, ByteBuffer).self) }
            entries.append(
                Entry(
                    seq: seq, schemaVersion: Int(version), snapshot: snapshot, writeID: id,
                    changeset: Changeset(data: Data(bytes.readableBytesView))))
        }
        return entries
    }

    /// What `decode` read from a row, or the error a client can act on.
    private static func column<T>(_ target: PostgresTarget, _ decode: () throws -> T) throws(MnemoError) -> T {
        do {
            return try decode()
        } catch {
            throw MnemoError(.internalError, "\(target): an unexpected column: \(error)")
        }
    }
}
