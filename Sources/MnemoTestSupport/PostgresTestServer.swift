import Foundation
import MnemoModel
import MnemoStore

/// The throwaway PostgreSQL cluster `scripts/test.sh` starts
/// (`scripts/postgres.sh`): its socket in `MNEMO_TEST_POSTGRESQL`. Without
/// it (a bare `swift test`) the PostgreSQL tests are skipped; the README's
/// test command always runs them.
public enum PostgresTestServer {
    public static let socket = ProcessInfo.processInfo.environment["MNEMO_TEST_POSTGRESQL"]
    public static var available: Bool { socket != nil }

    public static func target(database: String) -> PostgresTarget {
        PostgresTarget(endpoint: .socket(path: socket ?? "/nonexistent"), user: "mnemo", database: database)
    }

    /// A database of its own for one test, dropped when `body` returns.
    public static func withDatabase<T>(_ body: (PostgresTarget) throws -> T) throws -> T {
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = try PostgresLink(target(database: "mnemo"))
        defer { admin.close() }
        try admin.execute("CREATE DATABASE \(name)")
        defer { _ = try? admin.execute("DROP DATABASE \(name) WITH (FORCE)") }
        return try body(target(database: name))
    }

    /// Whether every daemon the tests start keeps its spaces in the test
    /// cluster (`MNEMO_TEST_STORAGE=postgresql`): the end-to-end suites run
    /// again that way (`scripts/test.sh`), to hold `storage = postgresql` to
    /// the answers `storage = sqlite` gives.
    public static var sharesEveryDaemon: Bool {
        available && ProcessInfo.processInfo.environment["MNEMO_TEST_STORAGE"] == "postgresql"
    }

    /// With `sharesEveryDaemon`, the `daemon.conf` of a daemon on
    /// `dataDirectory`: `config` (which does not choose a storage itself) and
    /// a database of that directory's own, made if missing, so that a daemon
    /// started again on the directory finds the spaces it left. `nil` otherwise.
    public static func sharedStorageConfig(for dataDirectory: String, over config: String?) throws -> String? {
        guard sharesEveryDaemon, !(config ?? "").contains("storage") else { return nil }
        var hash: UInt64 = 14_695_981_039_346_656_037
        for byte in dataDirectory.utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        let name = "d_" + String(hash, radix: 16)
        let admin = try PostgresLink(target(database: "mnemo"))
        defer { admin.close() }
        if try admin.query("SELECT 1 FROM pg_database WHERE datname = \(name)").isEmpty {
            // Two daemons of one directory may race to make it: one wins.
            _ = try? admin.execute("CREATE DATABASE \(name)")
        }
        let directory = ((socket ?? "") as NSString).deletingLastPathComponent
        return (config ?? "") + "\nstorage = postgresql\npostgresql_url = 'postgresql://mnemo@/\(name)?host=\(directory)'\n"
    }

    /// Runs `body` on `count` threads of their own at once (the dispatch pool
    /// may run no more blocks at a time than there are cores), and waits.
    public static func inThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let group = DispatchGroup()
        for i in 0..<count {
            group.enter()
            Thread {
                body(i)
                group.leave()
            }.start()
        }
        group.wait()
    }
}
