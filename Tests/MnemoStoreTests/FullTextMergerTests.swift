import Dispatch
import Foundation
import GRDB
import MnemoModel
import Testing

@testable import MnemoStore

@Suite("the full-text index merged between writes")
struct FullTextMergerTests {
    /// Episodes remembered one a write, each with a word of its own.
    private func remember(_ count: Int, into store: MemoryStore, from first: Int = 0) throws {
        for i in first..<(first + count) {
            try store.write { w in _ = try w.createEpisode(EpisodeInput(text: "we talked about zq\(i)word at noon", speaker: "ann")) }
        }
    }

    /// Whether FTS5's `merge` command, as the merger runs it, finds anything
    /// to merge now: run on a copy, so that the store is left as it is.
    private func mergeWouldWork(_ store: MemoryStore, in dir: TemporaryDirectory) throws -> Bool {
        let copy = dir.file("copy-\(UUID().uuidString.prefix(6)).sqlite")
        try store.pool.writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [copy]) }
        let queue = try DatabaseQueue(path: copy)
        return try queue.writeWithoutTransaction { db in
            let before = db.totalChangesCount
            try db.execute(sql: "INSERT INTO episode_fts(episode_fts, rank) VALUES ('merge', 100000)")
            return db.totalChangesCount - before >= 2
        }
    }

    @Test("a commit does no merging of its own (automerge 0), and once the merger is idle FTS5 finds nothing left to merge")
    func mergedBetweenWrites() throws {
        let dir = TemporaryDirectory()
        let store = try MemoryStore(path: dir.file("s.sqlite"))
        let automerge = try store.read { try Int.fetchOne($0.db, sql: "SELECT v FROM episode_fts_config WHERE k = 'automerge'") }
        #expect(automerge == 0)
        // Held: 200 commits, each a segment, and nobody merges them.
        let release = DispatchSemaphore(value: 0)
        var released = false
        defer { if !released { release.signal() } }
        #expect(store.merger.waitUntilIdle())
        store.merger.hold(until: release)
        try remember(200, into: store)
        #expect(try mergeWouldWork(store, in: dir), "200 segments unmerged, yet FTS5 found nothing to merge")
        release.signal()
        released = true
        #expect(store.merger.waitUntilIdle())
        #expect(store.merger.completedSteps > 0)
        #expect(try !mergeWouldWork(store, in: dir), "the merger left segments FTS5 would merge")
        // Every episode is found by its own word, merged or not.
        for i in [0, 57, 123, 199] {
            let hits = try store.read { try Int.fetchOne($0.db, sql: "SELECT count(*) FROM episode_fts WHERE episode_fts MATCH ?", arguments: ["zq\(i)word"]) }
            #expect(hits == 1, "zq\(i)word")
        }
    }

    @Test("a store opened on a file left unmerged merges it at once, with no write")
    func mergesWhatItFinds() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("s.sqlite")
        let release = DispatchSemaphore(value: 0)
        var released = false
        defer { if !released { release.signal() } }
        do {
            let store = try MemoryStore(path: path)
            #expect(store.merger.waitUntilIdle())
            // Held until the store has closed, its index unmerged.
            store.merger.hold(until: release)
            try remember(100, into: store)
        }
        release.signal()
        released = true
        let reopened = try MemoryStore(path: path)
        #expect(reopened.merger.waitUntilIdle())
        #expect(reopened.merger.completedSteps > 0)
        #expect(try !mergeWouldWork(reopened, in: dir))
    }

    @Test("a dry run's scratch copy, closed while its index still has merging owed, closes cleanly: the merger stops, and the store goes on")
    func scratchCopyClosedWhileMerging() throws {
        let dir = TemporaryDirectory()
        let store = try MemoryStore(path: dir.file("s.sqlite"))
        #expect(store.merger.waitUntilIdle())
        // Held: the store, and each copy of it, has 600 segments unmerged.
        let release = DispatchSemaphore(value: 0)
        defer { release.signal() }
        store.merger.hold(until: release)
        try remember(600, into: store)
        for _ in 0..<5 {
            try store.withScratchCopy { copy in
                // The copy's merger queues its first step behind this write; the
                // pool is closed as the write ends, the step still to run.
                try copy.write { w in
                    _ = try w.createEpisode(EpisodeInput(text: "a dry run's note", speaker: "ann"))
                    Thread.sleep(forTimeInterval: 0.2)
                }
            }
        }
        Thread.sleep(forTimeInterval: 0.5)
        try remember(1, into: store, from: 600)
        #expect(try store.read { try Int.fetchOne($0.db, sql: "SELECT count(*) FROM episode") } == 601)
    }

    @Test("a store opened read-only leaves the index's settings alone")
    func readOnlyTouchesNothing() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("s.sqlite")
        do {
            let store = try MemoryStore(path: path)
            try store.read { _ in }
        }
        // As a file made before the merger was: FTS5 merging inside commits.
        let raw = try DatabaseQueue(path: path)
        try raw.write { try $0.execute(sql: "INSERT INTO episode_fts(episode_fts, rank) VALUES ('automerge', 4)") }
        try raw.close()
        var options = StoreOptions()
        options.readOnly = true
        let readOnly = try MemoryStore(path: path, options: options)
        #expect(try readOnly.read { try Int.fetchOne($0.db, sql: "SELECT v FROM episode_fts_config WHERE k = 'automerge'") } == 4)
    }
}
