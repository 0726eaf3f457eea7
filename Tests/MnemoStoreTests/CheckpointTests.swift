import Foundation
import GRDB
import MnemoModel
import Testing

@testable import MnemoStore

@Suite("checkpoints in the background")
struct CheckpointTests {
    /// Commits of 40 new facts each, then the size of the WAL they left.
    private func ingest(into store: MemoryStore, path: String, batches: Int = 120, offset: Int = 0) throws -> Int {
        for batch in offset..<(offset + batches) {
            try store.write { w in
                for i in 0..<40 {
                    try w.assert(FactAssertion("knows", entities: "person \(batch)", "person \(1_000 + (batch * 37 + i * 101) % 4_000)"))
                }
            }
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: path + "-wal")
        return (attributes[.size] as? NSNumber)?.intValue ?? 0
    }

    @Test("the WAL is folded back into the file by a background connection, stays bounded, and nothing is lost")
    func walStaysBounded() throws {
        let dir = TemporaryDirectory()
        var unbounded = StoreOptions()
        unbounded.checkpointPages = 1 << 28
        let without = try ingest(into: MemoryStore(path: dir.file("plain.sqlite"), options: unbounded), path: dir.file("plain.sqlite"))

        var options = StoreOptions()
        options.checkpointPages = 64
        let path = dir.file("checkpointed.sqlite")
        var store: MemoryStore? = try MemoryStore(path: path, options: options)
        let with = try ingest(into: store!, path: path)
        let deadline = Date().addingTimeInterval(10)
        while store!.backgroundCheckpoints == 0 && Date() < deadline { usleep(10_000) }
        #expect(store!.backgroundCheckpoints > 0)
        // After a background copy, a commit copies the short tail (not the whole WAL).
        try store!.write { w in try w.assert(FactAssertion("knows", entities: "person 0", "person 0")) }
        #expect(store!.tailCheckpoints > 0)
        // Four times the threshold at most, plus the commit that crossed it
        // (a WAL frame is a page and 24 bytes of header).
        let frame = try store!.read { try Int.fetchOne($0.db, sql: "PRAGMA page_size") ?? 0 } + 24
        #expect(with < 64 * 4 * frame + 1_000_000, "WAL of \(with) bytes with checkpoints (\(without) without)")
        #expect(without > 4 * with, "WAL of \(without) bytes without checkpoints, \(with) with")

        store = nil
        let reopened = try MemoryStore(path: path, options: options)
        let facts = try reopened.read { try Int.fetchOne($0.db, sql: "SELECT count(*) FROM fact") }
        #expect(facts == 120 * 40 + 1)
    }

    @Test("a background copy whose thread does not run (a loaded machine) does not let the WAL grow: the writer copies at four times the threshold")
    func walBoundedWhileBackgroundWaits() throws {
        let dir = TemporaryDirectory()
        var options = StoreOptions()
        options.checkpointPages = 64
        let path = dir.file("starved.sqlite")
        let store = try MemoryStore(path: path, options: options)
        let release = DispatchSemaphore(value: 0)
        store.checkpointer.occupyThread(until: release)
        // (Creating the schema may already have crossed the threshold.)
        let before = store.backgroundCheckpoints
        try withExtendedLifetime(store) {
            // (The store must outlive `release`: closing it waits for the thread.)
            let wal = try ingest(into: store, path: path)
            let frame = try store.read { try Int.fetchOne($0.db, sql: "PRAGMA page_size") ?? 0 } + 24
            #expect(store.backgroundCheckpoints == before)
            #expect(wal < 64 * 4 * frame + 1_000_000, "WAL of \(wal) bytes while the background copy waited")
            release.signal()
        }
    }

    @Test(
        "a background copy that is slow (a loaded machine, a slow disk) does not let the WAL grow past four times the threshold: the writer waits for it, then copies"
    )
    func walBoundedWhileBackgroundIsSlow() throws {
        let dir = TemporaryDirectory()
        var options = StoreOptions()
        options.checkpointPages = 64
        let path = dir.file("slow.sqlite")
        let store = try MemoryStore(path: path, options: options)
        store.checkpointer.slowCopies(by: 300_000)
        let wal = try ingest(into: store, path: path)
        let frame = try store.read { try Int.fetchOne($0.db, sql: "PRAGMA page_size") ?? 0 } + 24
        #expect(store.backgroundCheckpoints > 0)
        #expect(wal < 64 * 4 * frame + 1_000_000, "WAL of \(wal) bytes while each background copy took 0.3 s")
        let facts = try store.read { try Int.fetchOne($0.db, sql: "SELECT count(*) FROM fact") }
        #expect(facts == 120 * 40)
    }

    @Test("an explicit checkpoint waits for a background one instead of failing BUSY, and empties the WAL")
    func explicitCheckpointDuringBackground() throws {
        let dir = TemporaryDirectory()
        var options = StoreOptions()
        options.checkpointPages = 16
        let path = dir.file("explicit.sqlite")
        let store = try MemoryStore(path: path, options: options)
        for round in 0..<20 {
            _ = try ingest(into: store, path: path, batches: 6, offset: round * 6)
            try store.checkpoint() // background runs are likely in progress
            let wal = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? NSNumber
            #expect(wal?.intValue == 0)
        }
    }

    @Test("synchronous = FULL reaches the writer (GRDB sets NORMAL when it turns WAL on)")
    func synchronousFull() throws {
        let dir = TemporaryDirectory()
        var options = StoreOptions()
        options.synchronousFull = true
        let full = try MemoryStore(path: dir.file("full.sqlite"), options: options)
        #expect(try full.write { try Int.fetchOne($0.db, sql: "PRAGMA synchronous") } == 2)
        let normal = try MemoryStore(path: dir.file("normal.sqlite"))
        #expect(try normal.write { try Int.fetchOne($0.db, sql: "PRAGMA synchronous") } == 1)
    }
}
