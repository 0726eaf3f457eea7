import Foundation
import MnemoModel
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
            @Sendable func note(_ what: String) { events.note(what) }
            // Threads of their own: the dispatch pool may run no more blocks at once than there are cores.
            let group = DispatchGroup()
            func run(_ body: @escaping @Sendable () -> Void) {
                group.enter()
                Thread {
                    body()
                    group.leave()
                }.start()
            }
            run {
                _ = try? PostgresSpaces.write(space: space, on: first) { _ in
                    note("first in")
                    usleep(400_000)
                    note("first out")
                }
            }
            usleep(100_000)
            run { _ = try? PostgresSpaces.write(space: space, on: second) { _ in note("second in") } }
            run { _ = try? PostgresSpaces.write(space: elsewhere, on: third) { _ in note("other space in") } }
            group.wait()
            let order = events.all
            let at = Dictionary(order.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
            #expect(order.map(\.0).last == "second in", "\(order)")
            #expect((at["other space in"] ?? .seconds(9)) < (at["first out"] ?? .zero), "\(order)")
            #expect(try PostgresSpaces.sequence(of: space, on: setup) == 2)
            #expect(try PostgresSpaces.sequence(of: elsewhere, on: setup) == 1)
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
            try doomed.query("UPDATE space SET change_seq = change_seq + 1 WHERE space_id = \(space)")
            try doomed.query("INSERT INTO entity(space_id, id, name, norm, created_at) VALUES (\(space), 1, 'Ann', 'ann', 0)")
            doomed.close()
            let next = try PostgresLink(target)
            defer { next.close() }
            let clock = ContinuousClock()
            let began = clock.now
            let (_, sequence) = try PostgresSpaces.write(space: space, on: next) { _ in () }
            #expect(clock.now - began < .seconds(5))
            #expect(sequence == 1)
            #expect(try next.query("SELECT count(*)::bigint FROM entity WHERE space_id = \(space)").first?.decode(Int64.self) == 0)
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
            struct Refused: Error {}
            #expect(throws: (any Error).self) {
                try PostgresSpaces.write(space: space, on: writer) { _ in throw MnemoError(.invalid, "refused") }
            }
            func heard(_ wanted: Int64) -> Bool {
                for _ in 0..<500 {
                    if feed.latest(space) == wanted { return true }
                    usleep(10_000)
                }
                return false
            }
            #expect(heard(3))
            // The rolled-back write took no number and sent nothing.
            usleep(200_000)
            #expect(feed.latest(space) == 3)
            #expect(try PostgresSpaces.sequence(of: space, on: writer) == 3)
            _ = try PostgresSpaces.write(space: space, on: writer) { _ in () }
            #expect(heard(4))
        }
    }
}
