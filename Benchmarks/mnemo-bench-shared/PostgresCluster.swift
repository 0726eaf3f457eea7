import Foundation
import MnemoStore
import MnemoTestSupport
import PostgresNIO

/// The PostgreSQL server the benchmark's daemons share: one given by its
/// socket file, or a throwaway cluster of `scripts/postgres.sh` (no password,
/// superuser `mnemo`, fsync and synchronous_commit off) started for the run
/// and removed by `stop()`. Each measure gets a database of its own
/// (`makeDatabase`), dropped by `stop()`.
final class PostgresCluster {
    /// The server's socket file, `DIR/.s.PGSQL.5432`.
    let socket: String
    let user: String
    /// The cluster's directory when this run started it (and so removes it).
    let ownDirectory: String?
    private let script: String?
    private var databases: [String] = []

    /// The server at `socket`, as `user`.
    init(socket: String, user: String) {
        self.socket = socket
        self.user = user
        ownDirectory = nil
        script = nil
    }

    /// Starts a cluster with `script` (`scripts/postgres.sh`), which prints its directory.
    init(starting script: String) throws {
        let scratch = TemporaryDirectory(prefix: "mnemo-bench-shared")
        let outputPath = scratch.file("postgres.sh.out")
        let status = try Self.runToEnd(["/bin/bash", script, "start"], output: outputPath)
        let printed = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard status == 0, let directory = printed.split(separator: "\n").last.map(String.init), directory.hasPrefix("/") else {
            throw BenchmarkFailure("\(script) start failed (status \(status)): \(printed)")
        }
        self.script = script
        ownDirectory = directory
        socket = directory + "/.s.PGSQL.5432"
        user = "mnemo"
    }

    /// Runs `arguments` (the program's path first) with standard input empty
    /// and standard output into the file `output`, standard error this
    /// program's, and waits for it: its exit status.
    ///
    /// With posix_spawn and waitpid rather than Foundation's `Process`, whose
    /// `waitUntilExit` on Linux learns of the exit from a descriptor the child
    /// inherits: the server `postgres.sh start` leaves running inherits it
    /// too, and the wait would last as long as the server.
    static func runToEnd(_ arguments: [String], output: String) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = arguments.map { strdup($0) } + [nil]
        let environment = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + environment { free(pointer) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, arguments[0], &actions, nil, argv, environment)
        guard spawned == 0 else { throw BenchmarkFailure("cannot run \(arguments[0]): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw BenchmarkFailure("waitpid: \(String(cString: strerror(errno)))") }
        }
        // WIFEXITED and WEXITSTATUS, which Swift does not import: the low 7 bits
        // are the signal that ended it (0 if none), the next 8 the exit status.
        return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// `scripts/postgres.sh` of the package this program was built in: looked
    /// for above the executable (`.build/<triple>/release/`), then above the
    /// current directory.
    static func findScript() -> String? {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let starts = [
            URL(fileURLWithPath: executable).deletingLastPathComponent(),
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
        ]
        for start in starts {
            var directory = start.standardizedFileURL
            while directory.path != "/" {
                let candidate = directory.appendingPathComponent("scripts/postgres.sh").path
                if FileManager.default.fileExists(atPath: candidate) { return candidate }
                directory.deleteLastPathComponent()
            }
        }
        return nil
    }

    /// The directory of the socket, as `?host=` of a `postgresql_url` names it.
    var socketDirectory: String { (socket as NSString).deletingLastPathComponent }

    func target(_ database: String) -> PostgresTarget {
        PostgresTarget(endpoint: .socket(path: socket), user: user, database: database)
    }

    /// A new empty database, named `bench_<prefix>_<random>`; returns its name.
    func makeDatabase(_ prefix: String) throws -> String {
        let name = "bench_\(prefix)_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        let admin = try PostgresLink(target("postgres"))
        defer { admin.close() }
        try admin.execute("CREATE DATABASE \(name)")
        databases.append(name)
        return name
    }

    /// The changes in the logs of `database`'s spaces, and their bytes.
    func logSize(_ database: String) throws -> (changes: Int64, bytes: Int64) {
        let link = try PostgresLink(target(database))
        defer { link.close() }
        let rows = try link.execute("SELECT count(*), COALESCE(sum(length(changeset)), 0)::bigint FROM space_change")
        guard let row = rows.first else { throw BenchmarkFailure("\(database): no row counting space_change") }
        do {
            return try row.decode((Int64, Int64).self)
        } catch {
            throw BenchmarkFailure("\(database): space_change counted as \(error)")
        }
    }

    /// The `daemon.conf` of a daemon whose spaces are in `database`.
    func daemonConfiguration(_ database: String) -> String {
        """
        storage = postgresql
        postgresql_url = 'postgresql://\(user)@/\(database)?host=\(socketDirectory)'

        """
    }

    /// Drops the databases made, and stops the cluster if this run started it.
    func stop() {
        if let admin = try? PostgresLink(target("postgres")) {
            for name in databases { _ = try? admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
            admin.close()
        }
        databases = []
        if let script, let ownDirectory {
            _ = try? Self.runToEnd(["/bin/bash", script, "stop", ownDirectory], output: "/dev/null")
        }
    }
}
