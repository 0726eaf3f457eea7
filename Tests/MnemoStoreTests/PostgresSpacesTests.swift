import Foundation
import MnemoModel
import MnemoTestSupport
import PostgresNIO
import Synchronization
import Testing

@testable import MnemoStore

/// Many daemons on one PostgreSQL database: spaces found or made by name,
/// writes to a space serialised across connections, a writer that dies
/// leaving no lock behind, and the change feed that tells the others.
@Suite("PostgreSQL: spaces, their writers and the change feed", .enabled(if: PostgresTestServer.available))
struct PostgresSpacesTests {
    /// What happened when, from several threads.
    final class Events: Sendable {
        private let clock = ContinuousClock()
        private let start = ContinuousClock().now
        private let seen = Mutex<[(String, Duration)]>([])
        func note(_ what: String) { seen.withLock { $0.append((what, clock.now - start)) } }
        var all: [(String, Duration)] { seen.withLock { $0 } }
    }

    /// A migrated database for one test.
    func withSchema<T>(_ body: (PostgresTarget) throws -> T) throws -> T {
        try PostgresTestServer.withDatabase { target in
            let link = try PostgresLink(target)
            defer { link.close() }
            try PostgresMigrator.migrate(link)
            return try body(target)
        }
    }

    @Test("a space opened by name from four connections at once has one id; another name, another id")
    func openByName() throws {
        try withSchema { target in
            let ids = Mutex<[Int64]>([])
            PostgresTestServer.inThreads(4) { _ in
                guard let link = try? PostgresLink(target) else { return }
                defer { link.close() }
                if let id = try? PostgresSpaces.open("team", on: link) { ids.withLock { $0.append(id) } }
            }
            let seen = ids.withLock { $0 }
            #expect(seen.count == 4 && Set(seen).count == 1)
            let link = try PostgresLink(target)
            defer { link.close() }
            #expect(try PostgresSpaces.open("team", on: link) == seen[0])
            #expect(try PostgresSpaces.open("other", on: link) != seen[0])
        }
    }

    @Test("a second writer of a space waits for the first to commit, on any connection; a writer of another space does not")
    func writersTakeTurns() throws {
        try withSchema { target in
            let setup = try PostgresLink(target)
            defer { setup.close() }
            let space = try PostgresSpaces.open("shared", on: setup)
            let elsewhere = try PostgresSpaces.open("elsewhere", on: setup)
            let first = try PostgresLink(target)
            let second = try PostgresLink(target)
            let third = try PostgresLink(target)
            defer {
                for link in [first, second, third] { link.close() }
            }
            let events = Events()
            let holding = DispatchSemaphore(value: 0)
            let otherDone = DispatchSemaphore(value: 0)
            // The first writer holds the space's lock until the writer of another space got in and out.
            PostgresTestServer.inThreads(3) { i in
                switch i {
                case 0:
                    _ = try? PostgresSpaces.write(space: space, on: first, lockTimeout: .seconds(20)) { _ in
                        events.note("first in")
                        holding.signal()
                        holding.signal()
                        _ = otherDone.wait(timeout: .now() + 20)
                        usleep(200_000)
                        events.note("first out")
                    }
                case 1:
                    holding.wait()
                    _ = try? PostgresSpaces.write(space: space, on: second, lockTimeout: .seconds(20)) { _ in events.note("second in") }
                default:
                    holding.wait()
                    _ = try? PostgresSpaces.write(space: elsewhere, on: third, lockTimeout: .seconds(20)) { _ in
                        events.note("other space in")
                    }
                    otherDone.signal()
                }
            }
            let order = events.all.map(\.0)
            #expect(order == ["first in", "other space in", "first out", "second in"], "\(order)")
            #expect(try PostgresSpaces.sequence(of: space, on: setup) == 2)
            #expect(try PostgresSpaces.sequence(of: elsewhere, on: setup) == 1)
        }
    }

    @Test("a writer kept waiting past its lock timeout is refused BUSY, and changes nothing")
    func lockTimeout() throws {
        try withSchema { target in
            let holder = try PostgresLink(target)
            defer { holder.close() }
            let space = try PostgresSpaces.open("shared", on: holder)
            try holder.execute("BEGIN")
            try holder.query("UPDATE space_state SET change_seq = change_seq + 1 WHERE space_id = \(space)")
            let waiter = try PostgresLink(target)
            defer { waiter.close() }
            let clock = ContinuousClock()
            let began = clock.now
            do throws(MnemoError) {
                _ = try PostgresSpaces.write(space: space, on: waiter, lockTimeout: .milliseconds(300)) { _ in () }
                Issue.record("a write went in while another held the space")
            } catch {
                #expect(error.code == .busy)
            }
            #expect(clock.now - began < .seconds(10))
            try holder.execute("ROLLBACK")
            #expect(try PostgresSpaces.write(space: space, on: waiter) { _ in () }.sequence == 1)
        }
    }

    @Test("a writer whose connection dies mid-write leaves no lock and no change: the next writer goes on at once")
    func deadWriter() throws {
        try withSchema { target in
            let setup = try PostgresLink(target)
            defer { setup.close() }
            let space = try PostgresSpaces.open("shared", on: setup)
            let doomed = try PostgresLink(target)
            // Mid-write, holding the space's lock, the connection goes: as when its daemon is killed.
            try doomed.execute("BEGIN")
            try doomed.query("UPDATE space_state SET change_seq = change_seq + 1 WHERE space_id = \(space)")
            try doomed.query(
                "INSERT INTO space_change(space_id, seq, schema_version, written_at, changeset) VALUES (\(space), 1, 1, 0, '\\x00')")
            doomed.close()
            let next = try PostgresLink(target)
            defer { next.close() }
            let clock = ContinuousClock()
            let began = clock.now
            let (_, sequence) = try PostgresSpaces.write(space: space, on: next, lockTimeout: .seconds(10)) { _ in () }
            #expect(clock.now - began < .seconds(5))
            #expect(sequence == 1)
            #expect(try next.query("SELECT count(*)::bigint FROM space_change WHERE space_id = \(space)").first?.decode(Int64.self) == 0)
        }
    }

    @Test("a statement the server does not answer in time is refused BUSY, and its connection closed (the server stops it)")
    func answerTimeout() throws {
        try withSchema { target in
            let link = try PostgresLink(target, answerTimeout: .milliseconds(500))
            let started = ContinuousClock.now
            do {
                try link.query("SELECT pg_sleep(30)")
                Issue.record("pg_sleep(30) answered within half a second")
            } catch let error as MnemoError {
                #expect(error.code == .busy)
                #expect(error.message.contains("did not answer within"))
            }
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(link.isClosed)
        }
    }

    @Test("the change feed hears each committed write of every space, and nothing of a write rolled back")
    func changeFeed() throws {
        try withSchema { target in
            let feed = try PostgresChangeFeed(target)
            defer { feed.close() }
            let writer = try PostgresLink(target)
            defer { writer.close() }
            let space = try PostgresSpaces.open("shared", on: writer)
            #expect(feed.latest(space) == nil)
            for _ in 0..<3 { _ = try PostgresSpaces.write(space: space, on: writer) { _ in () } }
            #expect(throws: (any Error).self) {
                try PostgresSpaces.write(space: space, on: writer) { _ in throw MnemoError(.invalid, "refused") }
            }
            func heard(_ wanted: Int64) -> Bool { eventually { feed.latest(space) == wanted } }
            #expect(heard(3))
            // The rolled-back write took no number and sent nothing.
            usleep(200_000)
            #expect(feed.latest(space) == 3)
            #expect(try PostgresSpaces.sequence(of: space, on: writer) == 3)
            _ = try PostgresSpaces.write(space: space, on: writer) { _ in () }
            #expect(heard(4))
        }
    }

    /// Whether `condition` holds within 5 s.
    func eventually(_ condition: () throws -> Bool) rethrows -> Bool {
        for _ in 0..<500 {
            if try condition() { return true }
            usleep(10_000)
        }
        return false
    }

    @Test("a change feed whose connection is cut connects again and catches up with what was committed meanwhile")
    func feedReconnects() throws {
        try withSchema { target in
            let feed = try PostgresChangeFeed(target)
            defer { feed.close() }
            let writer = try PostgresLink(target)
            defer { writer.close() }
            let space = try PostgresSpaces.open("shared", on: writer)
            _ = try PostgresSpaces.write(space: space, on: writer) { _ in () }
            #expect(eventually { feed.latest(space) == 1 })
            let cut = try #require(try feed.backendProcess())
            try writer.query("SELECT pg_terminate_backend(\(cut))")
            // Committed while the feed is not listening (it waits 100 ms before it
            // connects again): no notification of these reaches it.
            _ = try PostgresSpaces.write(space: space, on: writer) { _ in () }
            _ = try PostgresSpaces.write(space: space, on: writer) { _ in () }
            // (Until the feed notices, asking its cut connection fails: not yet.)
            let reconnected = eventually { feed.isListening && ((try? feed.backendProcess()).map { $0 != cut } ?? false) }
            #expect(reconnected)
            #expect(eventually { feed.latest(space) == 3 })
            _ = try PostgresSpaces.write(space: space, on: writer) { _ in () }
            #expect(eventually { feed.latest(space) == 4 })
        }
    }
}
