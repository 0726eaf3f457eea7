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
