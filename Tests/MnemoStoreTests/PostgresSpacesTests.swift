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

    /// One write to `replica`'s space as `MemoryStore.write` makes it: the
    /// space's lock, `during` while it is held, a change appended, commit.
    /// Returns the change's number.
    @discardableResult
    func write(_ replica: PostgresReplica, during: () throws -> Void = {}) throws -> Int64 {
        let committed = try replica.lock().committed
        do {
            try during()
            try replica.append(Changeset(data: Data([0])), seq: committed + 1, schemaVersion: 1, at: .now())
            try replica.commit()
        } catch {
            replica.rollback()
            throw error
        }
        return committed + 1
    }

    @Test("a second writer of a space waits for the first to commit, on any connection; a writer of another space does not")
    func writersTakeTurns() throws {
        try withSchema { target in
            let first = try PostgresReplica("shared", at: target, lockTimeout: .seconds(20))
            let second = try PostgresReplica("shared", at: target, lockTimeout: .seconds(20))
            let third = try PostgresReplica("elsewhere", at: target, lockTimeout: .seconds(20))
            let events = Events()
            let holding = DispatchSemaphore(value: 0)
            let otherDone = DispatchSemaphore(value: 0)
            // The first writer holds the space's lock until the writer of another space got in and out.
            PostgresTestServer.inThreads(3) { i in
                switch i {
                case 0:
                    _ = try? write(first) {
                        events.note("first in")
                        holding.signal()
                        holding.signal()
                        _ = otherDone.wait(timeout: .now() + 20)
                        usleep(200_000)
                        events.note("first out")
                    }
                case 1:
                    holding.wait()
                    _ = try? write(second) { events.note("second in") }
                default:
                    holding.wait()
                    _ = try? write(third) { events.note("other space in") }
                    otherDone.signal()
                }
            }
            let order = events.all.map(\.0)
            #expect(order == ["first in", "other space in", "first out", "second in"], "\(order)")
            #expect(try first.committedSequence() == 2)
            #expect(try third.committedSequence() == 1)
        }
    }

    @Test("a writer kept waiting past its lock timeout is refused BUSY, and changes nothing")
    func lockTimeout() throws {
        try withSchema { target in
            let holder = try PostgresReplica("shared", at: target)
            let waiter = try PostgresReplica("shared", at: target, lockTimeout: .milliseconds(300))
            _ = try holder.lock()
            let clock = ContinuousClock()
            let began = clock.now
            do {
                try write(waiter)
                Issue.record("a write went in while another held the space")
            } catch let error as MnemoError {
                #expect(error.code == .busy)
            }
            #expect(clock.now - began < .seconds(10))
            holder.rollback()
            #expect(try write(waiter) == 1)
        }
    }

    @Test("a writer whose connection dies mid-write leaves no lock and no change: the next writer goes on at once")
    func deadWriter() throws {
        try withSchema { target in
            let doomed = try PostgresReplica("shared", at: target)
            // Mid-write, holding the space's lock, its connection goes: as when its daemon is killed.
            let committed = try doomed.lock().committed
            try doomed.append(Changeset(data: Data([0])), seq: committed + 1, schemaVersion: 1, at: .now())
            let admin = try PostgresLink(target)
            defer { admin.close() }
            try admin.query("SELECT pg_terminate_backend(\(try doomed.backendProcess()))")
            let next = try PostgresReplica("shared", at: target, lockTimeout: .seconds(10))
            let clock = ContinuousClock()
            let began = clock.now
            #expect(try write(next) == 1)
            #expect(clock.now - began < .seconds(5))
            #expect(try admin.query("SELECT count(*)::bigint FROM space_change").first?.decode(Int64.self) == 1)
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
            let writer = try PostgresReplica("shared", at: target)
            let space = writer.space
            #expect(feed.latest(space) == nil)
            for _ in 0..<3 { try write(writer) }
            #expect(throws: (any Error).self) {
                try write(writer) { throw MnemoError(.invalid, "refused") }
            }
            func heard(_ wanted: Int64) -> Bool { eventually { feed.latest(space) == wanted } }
            #expect(heard(3))
            // The rolled-back write took no number and sent nothing.
            usleep(200_000)
            #expect(feed.latest(space) == 3)
            #expect(try writer.committedSequence() == 3)
            try write(writer)
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

    @Test("a change feed whose server stops answering without closing the connection finds out by its heartbeat, connects again and catches up")
    func feedHeartbeat() throws {
        try withSchema { target in
            let feed = try PostgresChangeFeed(target, heartbeatInterval: .milliseconds(200), heartbeatTimeout: .milliseconds(500))
            defer { feed.close() }
            let writer = try PostgresReplica("shared", at: target)
            let space = writer.space
            try write(writer)
            #expect(eventually { feed.latest(space) == 1 })
            // The feed's server process stops (as a partitioned network would): nothing is said, nothing arrives.
            let silent = try #require(try feed.backendProcess())
            kill(silent, SIGSTOP)
            defer {
                kill(silent, SIGCONT)
                kill(silent, SIGTERM)
            }
            try write(writer)
            // The stopped server process delivers nothing: hearing of change 2 takes a new connection.
            #expect(eventually { feed.isListening && feed.latest(space) == 2 })
        }
    }

    @Test("a change feed whose connection is cut connects again and catches up with what was committed meanwhile")
    func feedReconnects() throws {
        try withSchema { target in
            let feed = try PostgresChangeFeed(target)
            defer { feed.close() }
            let writer = try PostgresReplica("shared", at: target)
            let space = writer.space
            try write(writer)
            #expect(eventually { feed.latest(space) == 1 })
            let cut = try #require(try feed.backendProcess())
            let admin = try PostgresLink(target)
            defer { admin.close() }
            try admin.query("SELECT pg_terminate_backend(\(cut))")
            // Committed while the feed is not listening (it waits 100 ms before it
            // connects again): no notification of these reaches it.
            try write(writer)
            try write(writer)
            // (Until the feed notices, asking its cut connection fails: not yet.)
            let reconnected = eventually { feed.isListening && ((try? feed.backendProcess()).map { $0 != cut } ?? false) }
            #expect(reconnected)
            #expect(eventually { feed.latest(space) == 3 })
            try write(writer)
            #expect(eventually { feed.latest(space) == 4 })
        }
    }
}
