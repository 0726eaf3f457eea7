import Foundation
import MnemoTestSupport
import NIOPosix
import Testing

@testable import MnemoStore

/// A link's connection closes wherever the link is closed or let go.
@Suite("PostgreSQL: a link closes its connection from any thread", .enabled(if: PostgresTestServer.available))
struct PostgresLinkTests {
    @Test("a link closed on an event loop's thread, or a storage let go there, closes its connections, and the program goes on")
    func onAnEventLoop() throws {
        let target = try SharedStoreDatabase.target()
        let loop = MultiThreadedEventLoopGroup.singleton.any()
        // Closed there: waiting for the close on that thread would stop the program.
        let closed = try PostgresLink(target)
        let first = try closed.backendProcess()
        try loop.submit { closed.close() }.wait()
        // Let go there, as the daemon's storage is when a channel's teardown
        // drops the last reference to the server's state: it closes its change feed.
        let holder = LetGo(try PostgresStorage(target))
        let second = try #require(try holder.value!.feed.backendProcess())
        try loop.submit { holder.value = nil }.wait()
        // Both server processes end.
        let admin = try PostgresLink(target)
        defer { admin.close() }
        let deadline = Date().addingTimeInterval(10)
        var left = -1
        repeat {
            left = try admin.query("SELECT count(*) FROM pg_stat_activity WHERE pid IN (\(first), \(second))").first!.decode(Int.self)
            if left > 0 { Thread.sleep(forTimeInterval: 0.05) }
        } while left > 0 && Date() < deadline
        #expect(left == 0)
        #expect(closed.isClosed)
    }

    /// postgres-nio checks, in a debug build, that a connection is closed
    /// before it goes: a link let go where the close cannot finish at once
    /// (off its event loop, or on another loop) keeps its connection until
    /// the close has. (The tests run debug builds, where a connection that
    /// went first stops the test program; in a release build this test would
    /// pass either way.)
    @Test("links let go without close, off an event loop or on another one, close their connections first, and the program goes on")
    func letGoElsewhere() throws {
        let target = try SharedStoreDatabase.target()
        let loops = Array(MultiThreadedEventLoopGroup.singleton.makeIterator())
        // Several links, so that some are let go on a loop that is not their connection's.
        let holders = try (0..<(4 * loops.count)).map { _ in LetGo(try PostgresLink(target)) }
        let processes = try holders.map { try $0.value!.backendProcess() }
        for (i, holder) in holders.enumerated() {
            if i % 2 == 0 {
                holder.value = nil
            } else {
                try loops[i % loops.count].submit { holder.value = nil }.wait()
            }
        }
        let admin = try PostgresLink(target)
        defer { admin.close() }
        let deadline = Date().addingTimeInterval(10)
        var left = -1
        repeat {
            left = try admin.query(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(\(processes))"
            ).first!.decode(Int.self)
            if left > 0 { Thread.sleep(forTimeInterval: 0.05) }
        } while left > 0 && Date() < deadline
        #expect(left == 0)
    }
}
