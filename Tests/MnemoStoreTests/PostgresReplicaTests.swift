import Foundation
import GRDB
import MnemoModel
import MnemoSchemas
import MnemoTestSupport
import PostgresNIO
import Synchronization
import Testing

@testable import MnemoStore

/// SQLite files that are replicas of one space shared in PostgreSQL: what
/// one writes, the others apply, in the same order, to the same rows.
@Suite("PostgreSQL: stores that replicate one shared space", .enabled(if: PostgresTestServer.available))
struct PostgresReplicaTests {
    /// A migrated database, and `count` stores following its space `name`,
    /// each in a directory of its own (as on hosts of their own).
    func withReplicas<T>(_ count: Int, space name: String = "team", _ body: (PostgresTarget, [MemoryStore]) throws -> T) throws -> T {
        try PostgresTestServer.withDatabase { target in
            let setup = try PostgresLink(target)
            try PostgresMigrator.migrate(setup)
            setup.close()
            let dirs = (0..<count).map { _ in TemporaryDirectory() }
            let stores = try dirs.map { dir in
                var options = StoreOptions()
                options.replica = try PostgresReplica(name, at: target)
                return try MemoryStore(path: dir.file("space.sqlite"), options: options)
            }
            return try withExtendedLifetime(dirs) { try body(target, stores) }
        }
    }

    /// Every replicated row of the store, table by table, in key order, and
    /// what the full-text index finds for `word`.
    func rows(of store: MemoryStore, word: String = "lighthouse") throws -> [String] {
        try store.read { r in
            var lines: [String] = []
            for table in try MemoryStore.replicatedTables(r.db) {
                let columns = try Int.fetchOne(r.db, sql: "SELECT count(*) FROM pragma_table_info(?)", arguments: [table]) ?? 1
                let order = (1...columns).map(String.init).joined(separator: ", ")
                for row in try Row.fetchAll(r.db, sql: "SELECT * FROM \(table) ORDER BY \(order)") {
                    lines.append("\(table) \(row.description)")
                }
            }
            let found = try Int64.fetchAll(r.db, sql: "SELECT rowid FROM episode_fts WHERE episode_fts MATCH ? ORDER BY rowid", arguments: [word])
            lines.append("fts \(word) \(found)")
            return lines
        }
    }

    func note(_ store: MemoryStore, _ text: String, by speaker: String) throws {
        try store.write { w in
            let episode = try w.createEpisode(EpisodeInput(text: text, speaker: speaker)).episodeID
            _ = try w.assert(FactAssertion("mentions", entities: speaker, "episode \(episode)"))
        }
    }

    @Test("a write on one replica is applied by the other when it catches up: the same rows, ids, and full-text index")
    func writeThenCatchUp() throws {
        try withReplicas(2) { _, stores in
            let (a, b) = (stores[0], stores[1])
            try note(a, "we walked to the lighthouse", by: "ann")
            try a.write { w in _ = try w.assert(FactAssertion("likes", entities: "ann", "sailing")) }
            #expect(a.replicaSequence == 2)
            #expect(b.replicaSequence == 0)
            try b.catchUp(asking: true)
            #expect(b.replicaSequence == 2)
            let facts = try b.read { try Int.fetchOne($0.db, sql: "SELECT count(*) FROM fact") }
            #expect(facts == 2)
            #expect(try rows(of: a) == rows(of: b))
            #expect(try rows(of: b).last == "fts lighthouse [1]")
        }
    }

    @Test("writers on both replicas at once: each write first applies the other's, ids never collide, and the files end the same")
    func interleavedWriters() throws {
        try withReplicas(2) { _, stores in
            let failures = Mutex<[String]>([])
            PostgresTestServer.inThreads(2) { i in
                for n in 0..<25 {
                    do {
                        try note(stores[i], "note \(n) from \(i) about the lighthouse", by: i == 0 ? "ann" : "bob")
                    } catch {
                        failures.withLock { $0.append("\(error)") }
                    }
                }
            }
            #expect(failures.withLock { $0 } == [])
            for store in stores { try store.catchUp(asking: true) }
            #expect(stores[0].replicaSequence == 50 && stores[1].replicaSequence == 50)
            let a = try rows(of: stores[0])
            #expect(a == (try rows(of: stores[1])))
            let episodes = try stores[0].read { try Int.fetchOne($0.db, sql: "SELECT count(DISTINCT id) FROM episode") }
            #expect(episodes == 50)
            #expect(a.last?.hasPrefix("fts lighthouse [1, 2, 3") == true)
        }
    }

    @Test("a write that only touches what is not shared (the activation log) appends nothing to the log")
    func unsharedWriteAppendsNothing() throws {
        try withReplicas(1) { target, stores in
            try note(stores[0], "hello", by: "ann")
            try stores[0].write { w in try w.recordRecalls([(node: NodeID(.episode, 1), at: Timestamp.now().microseconds)]) }
            let link = try PostgresLink(target)
            defer { link.close() }
            let count = try link.query("SELECT count(*)::bigint FROM space_change").first?.decode(Int64.self)
            #expect(count == 1)
            #expect(stores[0].replicaSequence == 1)
        }
    }

    @Test("with the server's connection cut mid-life, no write is lost or doubled: one may be refused BUSY, changing nothing, and the next reconnects")
    func connectionLost() throws {
        try withReplicas(2) { target, stores in
            let a = stores[0]
            try note(a, "first", by: "ann")
            let admin = try PostgresLink(target)
            defer { admin.close() }
            let backend = try #require(a.replica).backendProcess()
            try admin.query("SELECT pg_terminate_backend(\(backend))")
            // The connection may notice only at its next use.
            var refused = 0
            for attempt in 0..<2 {
                do {
                    try note(a, "attempt \(attempt)", by: "ann")
                } catch let error as MnemoError {
                    #expect(error.code == .busy, "\(error)")
                    refused += 1
                }
            }
            #expect(refused <= 1)
            try stores[1].catchUp(asking: true)
            #expect(try rows(of: a) == rows(of: stores[1]))
            #expect(a.replicaSequence == Int64(3 - refused))
        }
    }

    @Test("a file that follows another space, or holds rows of its own, is refused CONFLICT rather than mixed in")
    func foreignFilesRefused() throws {
        try PostgresTestServer.withDatabase { target in
            let setup = try PostgresLink(target)
            try PostgresMigrator.migrate(setup)
            setup.close()
            let dir = TemporaryDirectory()
            var options = StoreOptions()
            options.replica = try PostgresReplica("one", at: target)
            _ = try MemoryStore(path: dir.file("one.sqlite"), options: options)
            options.replica = try PostgresReplica("two", at: target)
            #expect(throws: MnemoError.self) { _ = try MemoryStore(path: dir.file("one.sqlite"), options: options) }
            let own = try MemoryStore(path: dir.file("own.sqlite"))
            try own.write { w in _ = try w.assert(FactAssertion("likes", entities: "ann", "tea")) }
            do {
                _ = try MemoryStore(path: dir.file("own.sqlite"), options: options)
                Issue.record("a space of its own was taken for a replica")
            } catch let error as MnemoError {
                #expect(error.code == .conflict)
                #expect(error.message.contains("holds a space of its own"))
            }
        }
    }

    @Test("a change written in another schema version is refused CONFLICT, and the replica stays where it was")
    func otherSchemaVersionRefused() throws {
        try withReplicas(2) { target, stores in
            try note(stores[0], "hello", by: "ann")
            let admin = try PostgresLink(target)
            defer { admin.close() }
            try admin.query("UPDATE space_change SET schema_version = \(Int32(SchemaMigration.latestVersion + 1))")
            do {
                try stores[1].catchUp(asking: true)
                Issue.record("a change of a newer schema was applied")
            } catch let error as MnemoError {
                #expect(error.code == .conflict)
                #expect(error.message.contains("schema version"))
            }
            #expect(stores[1].replicaSequence == 0)
        }
    }

    @Test(
        "forget in a shared space: the log is replaced by a snapshot that holds nothing of what was forgotten, and the other replica, catching up, holds the same rows and no trace of it in its files"
    )
    func forgetReplacesTheLog() throws {
        try withReplicas(2) { target, stores in
            let (a, b) = (stores[0], stores[1])
            try note(a, "the lighthouse keeper's secret is Zanzibar", by: "ann")
            try note(a, "we walked to the lighthouse", by: "bob")
            try b.catchUp(asking: true)
            #expect(try b.read { try Int.fetchOne($0.db, sql: "SELECT count(*) FROM episode") } == 2)
            try a.write { w in _ = try w.forget(NodeID(.episode, 1)) }
            let link = try PostgresLink(target)
            defer { link.close() }
            let log = try link.query("SELECT seq, snapshot, changeset FROM space_change ORDER BY seq").map {
                try $0.decode((Int64, Bool, Data).self)
            }
            #expect(log.map(\.0) == [3] && log.map(\.1) == [true])
            #expect(log.allSatisfy { !$0.2.contains(Data("Zanzibar".utf8)) && !$0.2.contains(Data("zanzibar".utf8)) })
            #expect(b.merger.waitUntilIdle())
            let passes = b.merger.completedPasses
            try b.catchUp(asking: true)
            #expect(b.replicaSequence == 3)
            // The snapshot rebuilt b's full-text index, segment after segment: a merge pass follows.
            #expect(b.merger.waitUntilIdle())
            #expect(b.merger.completedPasses > passes)
            #expect(try rows(of: a) == rows(of: b))
            #expect(try rows(of: b).last == "fts lighthouse [2]")
            for file in [b.path, b.path + "-wal"] {
                let bytes = FileManager.default.contents(atPath: file) ?? Data()
                for spelling in ["Zanzibar", "zanzibar"] {
                    #expect(!bytes.contains(Data(spelling.utf8)), "\(file) still holds the forgotten text")
                }
            }
            // Writes go on from the snapshot, on both.
            try note(b, "after the forget", by: "bob")
            try a.catchUp(asking: true)
            #expect(try rows(of: a) == rows(of: b))
        }
    }

    @Test("a replica that holds changes the log no longer has (a restored or failed-over database) is refused CONFLICT, not written on")
    func replicaAheadRefused() throws {
        try withReplicas(1) { target, stores in
            try note(stores[0], "one", by: "ann")
            try note(stores[0], "two", by: "ann")
            let admin = try PostgresLink(target)
            defer { admin.close() }
            // The database as a backup taken after the first change would have it.
            try admin.query("DELETE FROM space_change WHERE seq = 2")
            try admin.query("UPDATE space_state SET change_seq = 1")
            do {
                try note(stores[0], "three", by: "ann")
                Issue.record("a replica ahead of the log wrote on")
            } catch let error as MnemoError {
                #expect(error.code == .conflict)
                #expect(error.message.contains("whose log ends at change 1"))
            }
            #expect(try admin.query("SELECT max(seq) FROM space_change").first?.decode(Int64.self) == 1)
        }
    }

    @Test("a write can be found in the log by its id, which is how a writer whose COMMIT went unanswered learns whether it happened")
    func writeFoundByID() throws {
        try withReplicas(1) { _, stores in
            let replica = try #require(stores[0].replica)
            let committed = try replica.lock().committed
            try replica.append(Changeset(data: Data([0])), seq: committed + 1, schemaVersion: 1, id: "w-1", at: .now())
            #expect(try replica.holds(seq: committed + 1, id: "w-1") == false, "seen before its commit")
            try replica.commit()
            #expect(try replica.holds(seq: committed + 1, id: "w-1"))
            #expect(try replica.holds(seq: committed + 1, id: "w-2") == false)
        }
    }

    @Test("a replica whose last change is not the log's change of that number (a failover gave the number to another write) is refused CONFLICT")
    func divergedReplicaRefused() throws {
        try withReplicas(2) { target, stores in
            try note(stores[0], "one", by: "ann")
            try stores[1].catchUp(asking: true)
            let admin = try PostgresLink(target)
            defer { admin.close() }
            // Change 1 as another write, after a failover, would have made it.
            try admin.query("UPDATE space_change SET write_id = 'another write' WHERE seq = 1")
            for store in stores {
                do {
                    try note(store, "two", by: "bob")
                    Issue.record("a diverged replica wrote on")
                } catch let error as MnemoError {
                    #expect(error.code == .conflict)
                    #expect(error.message.contains("is not the one"))
                }
            }
            #expect(try admin.query("SELECT count(*)::bigint FROM space_change").first?.decode(Int64.self) == 1)
        }
    }

    @Test("catching up reads the log in batches bounded in bytes, the first change always")
    func batchesBoundedInBytes() throws {
        try withReplicas(1) { _, stores in
            for i in 0..<3 { try note(stores[0], "note \(i)", by: "ann") }
            let replica = try #require(stores[0].replica)
            #expect(try replica.entries(after: 0, bytes: 1).map(\.seq) == [1])
            #expect(try replica.entries(after: 1, bytes: 1).map(\.seq) == [2])
            #expect(try replica.entries(after: 0).map(\.seq) == [1, 2, 3])
            #expect(try replica.entries(after: 0, limit: 2).map(\.seq) == [1, 2])
        }
    }

    @Test("a forget that leaves the space empty still replaces the log")
    func forgetEverything() throws {
        try withReplicas(2) { target, stores in
            try stores[0].write { w in _ = try w.createEpisode(EpisodeInput(text: "only Zanzibar")) }
            try stores[0].write { w in _ = try w.forget(NodeID(.episode, 1)) }
            let link = try PostgresLink(target)
            defer { link.close() }
            let log = try link.query("SELECT seq, snapshot FROM space_change ORDER BY seq").map { try $0.decode((Int64, Bool).self) }
            #expect(log.count == 1 && log.first?.1 == true, "\(log)")
            try stores[1].catchUp(asking: true)
            #expect(try stores[1].read { try Int.fetchOne($0.db, sql: "SELECT count(*) FROM episode") } == 0)
        }
    }

    @Test(
        "a released consolidation lease is free when release returns: one run right after another on the same daemon is never refused as if another daemon held it"
    )
    func leaseFreeOnRelease() throws {
        try withReplicas(1) { target, _ in
            let replica = try PostgresReplica("team", at: target)
            // Another daemon's connection, already open: it asks the moment the lease is released.
            let other = try PostgresLink(target)
            defer { other.close() }
            let (keyClass, key) = (PostgresLease.keyClass, try #require(Int32(exactly: replica.space)))
            for attempt in 0..<200 {
                let lease = try #require(try replica.takeLease(), "attempt \(attempt)")
                lease.release()
                let free = try other.query("SELECT pg_try_advisory_lock(\(keyClass), \(key))").first?.decode(Bool.self)
                try #require(free == true, "attempt \(attempt): the lease was still held after release")
                _ = try other.query("SELECT pg_advisory_unlock(\(keyClass), \(key))")
            }
        }
    }
}
