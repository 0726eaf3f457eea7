import Foundation
import GRDB
import MnemoModel
import MnemoTestSupport
import NIOPosix
import Testing

@testable import MnemoStore

/// A store closes wherever its last reference goes, without holding the
/// thread it goes on when that thread serves connections.
@Suite("a store let go on an event loop's thread")
struct StoreCloseTests {
    @Test("a store let go on an event loop closes on another thread: the loop goes on while the close waits, and nothing is lost")
    func letGoOnAnEventLoop() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("loop.sqlite")
        let holder = LetGo(try MemoryStore(path: path))
        try holder.value!.write { w in _ = try w.assert(FactAssertion("knows", entities: "ada", "grace")) }
        // Closing waits for the checkpointer's thread, kept busy until `release`,
        // as a background copy of a large WAL keeps it.
        let release = DispatchSemaphore(value: 0)
        holder.value!.checkpointer.occupyThread(until: release)
        let loop = MultiThreadedEventLoopGroup.singleton.any()
        let done = DispatchSemaphore(value: 0)
        loop.submit { holder.value = nil }.whenComplete { _ in done.signal() }
        // Had the close waited on the loop, neither that task nor the next would end.
        let loopWentOn = done.wait(timeout: .now() + 10) == .success
        let next = DispatchSemaphore(value: 0)
        loop.execute { next.signal() }
        let nextRan = next.wait(timeout: .now() + 10) == .success
        release.signal()
        #expect(loopWentOn)
        #expect(nextRan)
        // The close completes on its own thread: the last connection folds the
        // WAL back and SQLite removes it.
        let deadline = Date().addingTimeInterval(10)
        while FileManager.default.fileExists(atPath: path + "-wal") && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        let reopened = try MemoryStore(path: path)
        let facts = try reopened.read { try Int.fetchOne($0.db, sql: "SELECT count(*) FROM fact") }
        #expect(facts == 1)
    }

    @Test("a store let go on an event loop, its checkpointer idle, frees its pool on another thread: no connection closes on the loop")
    func poolFreedOffTheLoop() throws {
        let dir = TemporaryDirectory()
        let loop = MultiThreadedEventLoopGroup.singleton.any()
        for round in 0..<20 {
            let holder = LetGo(try MemoryStore(path: dir.file("pool-\(round).sqlite")))
            try holder.value!.write { w in _ = try w.assert(FactAssertion("knows", entities: "ada", "grace")) }
            // The merger's pass at opening holds the pool for a step: done by now.
            #expect(holder.value!.merger.waitUntilIdle())
            let connections = holder.value!.connections
            weak var pool = connections.pool
            #expect(pool != nil)
            try loop.submit { holder.value = nil }.wait()
            let deadline = Date().addingTimeInterval(10)
            while !connections.emptied.load(ordering: .acquiring) && Date() < deadline { Thread.sleep(forTimeInterval: 0.001) }
            let emptied = connections.emptied.load(ordering: .acquiring)
            let onLoop = connections.emptiedOnEventLoop.load(ordering: .relaxed)
            #expect(emptied, "round \(round)")
            #expect(!onLoop, "round \(round)")
            // Nothing else held it: it was freed (and closed) where it was let go.
            #expect(pool == nil, "round \(round)")
        }
    }
}
