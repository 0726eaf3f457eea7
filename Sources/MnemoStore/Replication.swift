import Foundation
import GRDB
import MnemoModel
import MnemoSchemas
import Synchronization

/// A store whose file is a replica of a space shared in PostgreSQL
/// (`StoreOptions.replica`): every write goes through the space's log, and
/// what other daemons wrote comes back from it.
///
/// A write takes the space's lock in PostgreSQL, applies the log's changes
/// this file does not have yet (each in order, as another writer committed
/// it), runs with SQLite's session extension recording the rows it changes,
/// and appends them to the log as the next change. PostgreSQL commits first,
/// then SQLite: a write that fails before the log has it changes nothing
/// anywhere, and a daemon that dies between the two commits finds the change
/// in the log and applies it when it next catches up.
///
/// What is not in the log: the full-text index of episodes (each replica
/// indexes the episodes a change inserts, as the writer did), the
/// activation log of recalls (each daemon's own), and the schema
/// bookkeeping. Every change records the schema version it was written in;
/// a replica applies only changes of its own version.
extension MemoryStore {
    /// Tables whose rows go to the log: every table of the schema but
    /// SQLite's own, the full-text index's, the migrations' and the
    /// activation log (which has no key, so that recording could not name
    /// its rows, and which is each daemon's own).
    ///
    /// Children come before the tables they refer to: a changeset lists its
    /// tables in this order, so that a replica applies a change to a row
    /// before the deletion of the row it referred to, whose cascade (ON
    /// DELETE CASCADE, SET NULL) would otherwise change or delete it first.
    static func replicatedTables(_ db: Database) throws -> [String] {
        let names = try String.fetchAll(
            db,
            sql: """
                SELECT name FROM sqlite_master
                 WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'episode_fts%'
                   AND name NOT IN ('grdb_migrations', 'schema_meta', 'activation')
                 ORDER BY name
                """)
        var parents: [String: [String]] = [:]
        for name in names {
            parents[name] = try String.fetchAll(db, sql: "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?)", arguments: [name])
                .filter { $0 != name && names.contains($0) }
        }
        // Depth first: a table after everything that refers to it.
        var children: [String: [String]] = [:]
        for (child, referred) in parents { for parent in referred { children[parent, default: []].append(child) } }
        var ordered: [String] = []
        var placed: Set<String> = []
        func place(_ table: String, visiting: inout Set<String>) {
            guard !placed.contains(table), !visiting.contains(table) else { return }
            visiting.insert(table)
            for child in (children[table] ?? []).sorted() { place(child, visiting: &visiting) }
            visiting.remove(table)
            placed.insert(table)
            ordered.append(table)
        }
        for name in names {
            var visiting: Set<String> = []
            place(name, visiting: &visiting)
        }
        return ordered
    }

    /// What the file records of the space it follows; called once the
    /// migrations ran. A file that follows another space (or none, yet holds
    /// rows) is refused with `CONFLICT`: it is not a replica of this one.
    static func attach(_ replica: PostgresReplica, to pool: DatabasePool, path: String) throws -> Int64 {
        try pool.write { db in
            let token = try String.fetchOne(db, sql: "SELECT value FROM schema_meta WHERE key = 'replica_of'")
            if let token {
                guard token == replica.token else {
                    throw MnemoError(
                        .conflict,
                        "\(path) is a replica of another space than \(replica.description); move it away to make a new replica")
                }
                return Int64(try String.fetchOne(db, sql: "SELECT value FROM schema_meta WHERE key = 'replica_seq'") ?? "0") ?? 0
            }
            let holdsRows =
                try Bool.fetchOne(
                    db,
                    sql: """
                        SELECT EXISTS (SELECT 1 FROM entity) OR EXISTS (SELECT 1 FROM episode)
                            OR EXISTS (SELECT 1 FROM fact) OR EXISTS (SELECT 1 FROM predicate)
                        """) ?? true
            if holdsRows {
                throw MnemoError(
                    .conflict,
                    "\(path) holds a space of its own, not a replica of \(replica.description); export it and import it there instead")
            }
            try setMeta(db, "replica_of", replica.token)
            try setMeta(db, "replica_seq", "0")
            return 0
        }
    }

    private static func setMeta(_ db: Database, _ key: String, _ value: String) throws {
        try db.execute(
            sql: "INSERT INTO schema_meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            arguments: [key, value])
    }

    /// Runs `body` in one transaction on the writer `db`; with a replica, as
    /// a change of the shared space (see above). The client's answer waits
    /// for it: when this returns, the change is in the log.
    ///
    /// `body` answers whether the log must forget what came before (a
    /// `forget` ran): the change appended is then a snapshot of every row
    /// of the space, and the changes before it are deleted from the log.
    func transaction(_ db: Database, _ body: () throws -> Bool) throws {
        guard let replica else {
            try db.inTransaction {
                _ = try body()
                return .commit
            }
            return
        }
        let (committed, writeAtKnown) = try replica.lock(knowing: replicaSeq.load(ordering: .sequentiallyConsistent))
        var locked = true
        defer { if locked { replica.rollback() } }
        try refuseIfAhead(of: committed)
        try refuseIfDiverged(db, theirs: writeAtKnown)
        try applyLog(db, through: committed)
        var appended: Int64?
        try db.inTransaction {
            let recorder = try ChangeRecorder(db: db, tables: replicatedTables)
            let replacing = try body()
            let changes = replacing ? try snapshot(db) : try recorder.changeset()
            // (A snapshot of a space left empty is appended too: it still replaces the log.)
            if !changes.data.isEmpty || replacing {
                let seq = committed + 1
                let id = UUID().uuidString
                try Self.setMeta(db, "replica_seq", String(seq))
                try Self.setMeta(db, "replica_write", id)
                try replica.append(changes, seq: seq, schemaVersion: replicaSchemaVersion, snapshot: replacing, id: id, at: options.clock())
                do {
                    try replica.commit()
                } catch {
                    // No answer to COMMIT: it may have committed all the same. Only
                    // what the log says decides (and if it cannot be asked, the
                    // client hears BUSY, and the change, if committed, comes back
                    // to this file with the next catch-up).
                    guard (try? replica.holds(seq: seq, id: id)) == true else { throw error }
                }
                locked = false
                appended = seq
            }
            return .commit
        }
        if let appended { replicaSeq.store(appended, ordering: .sequentiallyConsistent) }
    }

    /// Applies, on the writer `db`, the log's changes after the last this
    /// file holds, up to `target` (`nil`: all there are), a batch per
    /// transaction. What they changed is kept for `deliverRemoteChanges`.
    func applyLog(_ db: Database, through target: Int64?) throws {
        guard let replica else { return }
        while true {
            let local = replicaSeq.load(ordering: .sequentiallyConsistent)
            if let target, local >= target { return }
            let entries = try replica.entries(after: local)
            guard let first = entries.first, let last = entries.last else { return }
            guard first.seq == local + 1 || first.snapshot else {
                throw MnemoError(.conflict, "\(replica.description): the log has no change \(local + 1) (it begins at \(first.seq))")
            }
            var replaced = false
            try db.inTransaction {
                for entry in entries {
                    guard entry.schemaVersion == replicaSchemaVersion else {
                        throw MnemoError(
                            .conflict,
                            "\(replica.description): change \(entry.seq) was written in schema version \(entry.schemaVersion), this build's is \(replicaSchemaVersion); run one version of Mnemo on a shared space"
                        )
                    }
                    if entry.snapshot {
                        try emptyReplica(db)
                        replaced = true
                    }
                    do {
                        try entry.changeset.applyAsReplica(to: db)
                    } catch let error as MnemoError {
                        throw MnemoError(
                            .conflict,
                            "\(replica.description): change \(entry.seq) cannot be applied to \(path) (\(error.message)); move the file away to make a new replica"
                        )
                    }
                    if entry.snapshot {
                        try db.execute(sql: "INSERT INTO episode_fts(episode_fts) VALUES ('rebuild')")
                        // This daemon's own recalls of rows the snapshot no longer has
                        // (its activation log alone: the folded one is shared, and came in the snapshot).
                        for (letter, table) in [("e", "episode"), ("f", "fact"), ("n", "entity"), ("s", "scene")] {
                            try db.execute(
                                sql: "DELETE FROM activation WHERE node_kind = ? AND node_id NOT IN (SELECT id FROM \(table))", arguments: [letter])
                        }
                    } else {
                        try indexInsertedEpisodes(entry.changeset, on: db)
                    }
                }
                try Self.setMeta(db, "replica_seq", String(last.seq))
                try Self.setMeta(db, "replica_write", last.writeID)
                return .commit
            }
            // Rows were written behind the writer's cache.
            cache.forgetAll()
            replicaSeq.store(last.seq, ordering: .sequentiallyConsistent)
            remote.withLock { queue in
                if replaced {
                    // What follows the last snapshot; memory is rebuilt from the file anyway.
                    queue.changes = RemoteChanges(changes: [], replaced: true)
                } else {
                    queue.changes.changes.append(contentsOf: entries.map(\.changeset))
                }
            }
            // Pages as they were before another daemon's forget stay in no WAL here either.
            if replaced { truncateWAL(db, waiting: true) }
            // The episodes these changes inserted, or a snapshot's whole rebuilt
            // index, are new segments of the full-text index.
            merger.schedule()
        }
    }

    /// Deletes every replicated row before a snapshot is applied. The
    /// episodes' delete trigger keeps the full-text index in step.
    private func emptyReplica(_ db: Database) throws {
        try db.execute(sql: "PRAGMA defer_foreign_keys = ON")
        for table in replicatedTables { try db.execute(sql: "DELETE FROM \(table)") }
    }

    /// Every replicated row of the file, as one changeset of inserts: the
    /// difference from the same tables, made empty for the purpose in the
    /// in-memory database the writer has attached (`snapshotBase`).
    func snapshot(_ db: Database) throws -> Changeset {
        let base = Self.snapshotBase
        var made: [String] = []
        defer { for table in made { try? db.execute(sql: "DROP TABLE IF EXISTS \(base).\(table)") } }
        for table in replicatedTables {
            guard let sql = try String.fetchOne(db, sql: "SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = ?", arguments: [table]),
                let name = sql.range(of: #"^CREATE TABLE\s+("?)[A-Za-z_0-9]+\1"#, options: .regularExpression)
            else { throw MnemoError(.internalError, "\(path): no definition of table \(table) to make a snapshot with") }
            try db.execute(sql: "DROP TABLE IF EXISTS \(base).\(table)")
            try db.execute(sql: "CREATE TABLE \(base).\(table)" + sql[name.upperBound...])
            made.append(table)
        }
        return try Changeset.snapshot(of: db, tables: replicatedTables, against: base)
    }

    /// The name of the empty in-memory database a replica's writer has
    /// attached, against which a snapshot is taken.
    static let snapshotBase = "replica_empty"

    /// Refuses a file that holds changes the log does not (the database was
    /// restored from a backup older than the file, or failed over to a
    /// server that had not received the last commits): writing on would give
    /// the next change's number to a different change than other replicas hold.
    func refuseIfAhead(of committed: Int64) throws(MnemoError) {
        let local = replicaSeq.load(ordering: .sequentiallyConsistent)
        guard local > committed, let replica else { return }
        throw MnemoError(
            .conflict,
            "\(path) holds change \(local) of \(replica.description), whose log ends at change \(committed) (restored or failed over?); move the file away to make a new replica"
        )
    }

    /// Refuses a file whose last change is not the log's change of that
    /// number (the database failed over to a server that had not received
    /// it, and another write took its number): the file holds a history the
    /// log does not, and applying what follows would mix the two.
    ///
    /// `theirs` is the id the log holds for that change (`nil`: it has no
    /// such change, replaced by a snapshot), when the caller has read it already.
    func refuseIfDiverged(_ db: Database, theirs known: String?? = nil) throws {
        guard let replica else { return }
        let local = replicaSeq.load(ordering: .sequentiallyConsistent)
        guard local > 0, let mine = try String.fetchOne(db, sql: "SELECT value FROM schema_meta WHERE key = 'replica_write'"),
            let theirs = try known ?? replica.writeID(at: local), theirs != mine
        else { return }
        throw MnemoError(
            .conflict,
            "\(path) holds a change \(local) that is not the one \(replica.description) holds (failed over?); move the file away to make a new replica")
    }

    /// Puts the episodes `changeset` inserted into the full-text index, as
    /// the write that inserted them did on its own file.
    private func indexInsertedEpisodes(_ changeset: Changeset, on db: Database) throws {
        var inserted: [Int64] = []
        _ = try changeset.filtered { row in
            if row.table == "episode", row.op == 18, let id = row.integer(0) { inserted.append(id) }
            return .drop
        }
        let index = try db.cachedStatement(sql: "INSERT INTO episode_fts(rowid, text) SELECT id, text FROM episode WHERE id = ?")
        for id in inserted { try index.execute(arguments: [id]) }
    }

    /// The schema version changes are written in: the file's.
    var replicaSchemaVersion: Int { options.migrateUpTo ?? SchemaMigration.latestVersion }

    /// Whether the change feed heard of a change this file does not hold
    /// yet, or is not listening (and so cannot tell): a read then catches
    /// up first (`catchUp`).
    public var isBehindReplica: Bool {
        guard let replica else { return false }
        guard replica.isFeedListening, let heard = replica.latestHeard else { return !replica.isFeedListening }
        return heard > replicaSeq.load(ordering: .sequentiallyConsistent)
    }

    /// Whether the replica's change feed is listening.
    public var replicaFeedListening: Bool { replica?.isFeedListening ?? false }

    /// The last change of the shared space's log this file holds (0 without a replica).
    public var replicaSequence: Int64 { replicaSeq.load(ordering: .sequentiallyConsistent) }

    /// Applies what other daemons committed to the shared space since this
    /// file last caught up: up to what the change feed heard, or, with
    /// `asking`, up to what the server says is committed now (one more
    /// round trip, and every commit made before this call is seen).
    public func catchUp(asking: Bool = false) throws(MnemoError) {
        guard let replica, !options.readOnly else { return }
        let target = asking ? try replica.committedSequence() : replica.latestHeard
        guard let target, asking || target > replicaSeq.load(ordering: .sequentiallyConsistent) else { return }
        defer { deliverRemoteChanges() }
        do {
            try pool.writeWithoutTransaction { db in
                if asking && replicaSeq.load(ordering: .sequentiallyConsistent) > target {
                    // This daemon may have written since the server was asked: ask again,
                    // here on the writer, where no write of its own can come between.
                    try refuseIfAhead(of: try replica.committedSequence())
                }
                if target > replicaSeq.load(ordering: .sequentiallyConsistent) {
                    try refuseIfDiverged(db)
                    try applyLog(db, through: target)
                }
                if walTruncationOwed.load(ordering: .relaxed) { truncateWAL(db, waiting: false) }
            }
        } catch {
            throw MemoryStore.translate(error, path: path)
        }
    }

    /// Catches up on a thread of the system's, soon, unless a catch-up is
    /// already waiting to run: what the change feed calls for every replica
    /// open, so that one nobody reads from still applies what others commit
    /// (a `forget` above all) instead of keeping it until its next statement.
    public func catchUpSoon() {
        guard replica != nil, backgroundCatchUp.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return }
        DispatchQueue.global().async { [self] in
            backgroundCatchUp.store(false, ordering: .releasing)
            do throws(MnemoError) {
                try catchUp()
                // Pages as they were before a forget that a reader kept in the WAL: tried again in a second.
                if walTruncationOwed.load(ordering: .relaxed) {
                    DispatchQueue.global().asyncAfter(deadline: .now() + 1) { [self] in catchUpSoon() }
                }
            } catch {
                Self.log.warning("\(path): catching up with \(replica?.description ?? "the shared space") failed: \(error.code.rawValue) \(error.message)")
            }
        }
    }

    /// Calls `observer` with the changes other daemons made, each time some
    /// are applied to the file, after they are (not on the writer): what a
    /// space keeps in memory follows them.
    public func observeRemoteChanges(_ observer: @escaping @Sendable (RemoteChanges) -> Void) {
        remote.withLock { $0.observer = observer }
    }

    /// Hands the changes applied since the last call to the observer.
    func deliverRemoteChanges() {
        let (changes, observer) = remote.withLock { state -> (RemoteChanges, (@Sendable (RemoteChanges) -> Void)?) in
            defer { state.changes = RemoteChanges() }
            return (state.changes, state.observer)
        }
        if !changes.changes.isEmpty || changes.replaced { observer?(changes) }
    }
}

/// Changes other daemons made to a shared space, applied to this daemon's replica.
public struct RemoteChanges: Sendable {
    /// The changes, in order (those after a snapshot, when `replaced`).
    public var changes: [Changeset] = []
    /// A snapshot replaced every row (another daemon's `forget`): what was
    /// kept in memory of the space may hold rows that are gone.
    public var replaced = false
}

/// Changes applied and not yet handed to the observer.
struct RemoteChangeQueue {
    var changes = RemoteChanges()
    var observer: (@Sendable (RemoteChanges) -> Void)?
}
