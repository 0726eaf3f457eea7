import Foundation
import MnemoModel
import MnemoStore
import MnemoTestSupport
import Synchronization

/// A fresh directory under the system's temporary folder, removed when released.
final class TemporaryDirectory: Sendable {
    let path: String

    init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("mnemo-test-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }
}

/// A clock a test sets by hand, to script recorded times.
final class ManualClock: Sendable {
    private let current: Mutex<Timestamp>

    init(_ start: String) { current = Mutex(Timestamp(iso8601: start)!) }

    func set(_ iso: String) { current.withLock { $0 = Timestamp(iso8601: iso)! } }

    func now() -> Timestamp { current.withLock { $0 } }
}

/// A store on a real SQLite file in a temporary directory.
struct TestStore {
    let directory = TemporaryDirectory()
    let clock: ManualClock
    let store: MemoryStore

    init(startingAt start: String = "2020-01-01T00:00:00Z") throws {
        let clock = ManualClock(start)
        var options = StoreOptions()
        options.clock = { clock.now() }
        // The store's suite again, each store a replica of a space of its own
        // in the test cluster (MNEMO_TEST_STORAGE=postgresql, scripts/test.sh).
        if PostgresTestServer.sharesEveryDaemon {
            options.replica = try PostgresReplica("t-" + UUID().uuidString.lowercased(), at: try SharedStoreDatabase.target())
        }
        self.clock = clock
        self.store = try MemoryStore(path: directory.file("test.sqlite"), options: options)
    }
}

/// The database of the test cluster the store tests' replicas share, made
/// and migrated once per run.
enum SharedStoreDatabase {
    private static let made = Mutex<PostgresTarget?>(nil)

    static func target() throws -> PostgresTarget {
        try made.withLock { made in
            if let made { return made }
            let target = PostgresTestServer.target(database: "store_tests")
            let admin = try PostgresLink(PostgresTestServer.target(database: "mnemo"))
            defer { admin.close() }
            if try admin.query("SELECT 1 FROM pg_database WHERE datname = 'store_tests'").isEmpty {
                try admin.execute("CREATE DATABASE store_tests")
            }
            let link = try PostgresLink(target)
            defer { link.close() }
            try PostgresMigrator.migrate(link)
            made = target
            return target
        }
    }
}

func t(_ iso: String) -> Timestamp { Timestamp(iso8601: iso)! }

extension StoreOptions {
    /// Options that stop the migrations at `version`, to make a file as an older Mnemo left it.
    static func upTo(_ version: Int) -> StoreOptions {
        var options = StoreOptions()
        options.migrateUpTo = version
        return options
    }

    /// Options that open a file without writing.
    static var readOnlyOptions: StoreOptions {
        var options = StoreOptions()
        options.readOnly = true
        return options
    }
}

extension Value {
    /// The entity name or literal as plain text, for compact assertions.
    var text: String {
        switch self {
        case .entity(_, let name): name
        case .literal(.text(let s)): s
        case .literal(.number(let d)): "\(d)"
        case .literal(.time(let t)): t.iso8601
        case .list(let items): "[" + items.map(\.text).joined(separator: ", ") + "]"
        }
    }
}

/// The `MnemoError` a body throws, or `nil` if it succeeds (or throws another error).
func mnemoError<T>(_ body: () throws -> T) -> MnemoError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error as? MnemoError
    }
}

/// Runs `body` on a store, which is closed when `body` returns: what a program
/// that wrote a file and exited leaves for the next one that opens it.
@discardableResult
func closed<T>(_ store: @autoclosure () throws -> MemoryStore, _ body: (MemoryStore) throws -> T) throws -> T {
    try body(try store())
}

/// Holds something for a task on another thread (an event loop's) to let go,
/// so that its last reference goes there.
final class LetGo<Value>: @unchecked Sendable {
    var value: Value?
    init(_ value: Value) { self.value = value }
}
