import Foundation
import MnemoClient

/// A real `mnemod` started for a benchmark, connected to, and stopped at the end.
public final class DaemonUnderTest {
    public let process = Process()
    public let connection: MnemoConnection
    /// The socket it listens on.
    public let socket: String
    /// Seconds from launch until the socket answered.
    public let startSeconds: Double
    /// A directory of the daemon's own, removed when it stops.
    private var scratchDirectory: String?

    /// The `mnemod` beside the running benchmark's own executable (found through
    /// /proc/self/exe where there is one, so a benchmark run through a link or the
    /// PATH still finds it).
    public static var defaultBinary: String {
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: own).deletingLastPathComponent().appendingPathComponent("mnemod").path
    }

    public init(binary: String = DaemonUnderTest.defaultBinary, dataDirectory: String, socket: String,
                extraArguments: [String] = [], timeout: Double = 600) throws {
        self.socket = socket
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--data-dir", dataDirectory, "--socket", socket, "--log-level", "warning"] + extraArguments
        let started = monotonicSeconds()
        try process.run()
        var client: MnemoConnection?
        while client == nil && monotonicSeconds() - started < timeout && process.isRunning {
            client = try? MnemoConnection(socketPath: socket)
            if client == nil { usleep(20_000) }
        }
        guard let client else {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
            throw DaemonError(description: "mnemod did not start (\(binary))")
        }
        connection = client
        startSeconds = monotonicSeconds() - started
    }

    /// A daemon in a directory of its own, `/tmp/NAME-PID` (emptied first, removed
    /// when it stops), which is its data directory and holds its socket: with no
    /// spaces, or serving a copy of the space file `space` as its default space;
    /// `configuration` is written there as its daemon.conf.
    public static func inScratchDirectory(_ name: String, serving space: String? = nil, binary: String = defaultBinary,
                                          configuration: String? = nil, extraArguments: [String] = []) throws -> DaemonUnderTest {
        let directory = "/tmp/\(name)-\(getpid())"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        do {
            if let space { try copySpace(space, into: directory) }
            var arguments = extraArguments
            if let configuration {
                try configuration.write(toFile: directory + "/daemon.conf", atomically: true, encoding: .utf8)
                arguments += ["--config", directory + "/daemon.conf"]
            }
            let daemon = try DaemonUnderTest(binary: binary, dataDirectory: directory, socket: directory + "/m.sock",
                                             extraArguments: arguments)
            daemon.scratchDirectory = directory
            return daemon
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    /// Copies the space file `store` (and its WAL, if any) into `dataDirectory` as
    /// its default space, for a daemon to serve: recall reinforces what it returns,
    /// so a store served twice would not be the same store. Private to its owner,
    /// as mnemod wants its files.
    public static func copySpace(_ store: String, into dataDirectory: String) throws {
        try FileManager.default.createDirectory(atPath: dataDirectory + "/spaces", withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: store + suffix) {
            let copy = dataDirectory + "/spaces/default.sqlite" + suffix
            try FileManager.default.copyItem(atPath: store + suffix, toPath: copy)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: copy)
        }
    }

    public func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        if let scratchDirectory {
            try? FileManager.default.removeItem(atPath: scratchDirectory)
            self.scratchDirectory = nil
        }
    }

    deinit { stop() }

    public struct DaemonError: Error, CustomStringConvertible { public var description: String }
}
