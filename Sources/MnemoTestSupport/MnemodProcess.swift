import Foundation
import MnemoClient

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real `mnemod` started as a child process, for the tests that need the
/// whole daemon (signals, restarts, the socket's files, its log) and for the
/// benchmarks that measure it.
///
/// It runs in a `TemporaryDirectory` it keeps alive, answers on its socket
/// once `init` returns (unless told not to wait), and is stopped with SIGTERM
/// when released. Statements go through `connect()` (`MnemoConnection`, the
/// client every program uses); `connectRaw()` is for the tests that must
/// send what no client would (bytes that are not UTF-8, a line in pieces, a
/// client that never reads).
public final class MnemodProcess: @unchecked Sendable {
    /// The directory it runs in (data, socket, `daemon.conf` and log, unless
    /// the launch put them elsewhere).
    public let directory: TemporaryDirectory
    public let launch: MnemodLaunch
    public let socketPath: String
    public let dataDirectory: String
    /// Its `daemon.conf` (written only when the launch has a `config`).
    public let configPath: String
    /// The file its standard error goes to; nil when inherited.
    public let logPath: String?
    public private(set) var process = Process()
    /// Seconds from launch until it first answered `ping`; 0 before it has.
    public private(set) var startSeconds = 0.0
    private let launchedAt: Date

    /// Starts `mnemod` as `launch` says, in `directory`.
    /// - Parameter timeout: seconds to wait until it answers `ping`; nil
    ///   returns at once (a test that expects it to refuse to start reads its log).
    /// - Throws: `HarnessError` when it cannot be started, exits, or does not
    ///   answer in time (it is stopped then).
    public init(
        _ launch: MnemodLaunch, in directory: TemporaryDirectory = TemporaryDirectory(),
        waitUntilServing timeout: Double? = 20
    ) throws {
        func inside(_ path: String) -> String { path.hasPrefix("/") ? path : directory.file(path) }
        self.directory = directory
        self.launch = launch
        socketPath = inside(launch.socket)
        dataDirectory = inside(launch.dataDirectory)
        configPath = directory.file("daemon.conf")
        var arguments = ["--data-dir", dataDirectory, "--socket", socketPath]
        if let config = try PostgresTestServer.sharedStorageConfig(for: dataDirectory, over: launch.config) ?? launch.config {
            try config.write(toFile: configPath, atomically: true, encoding: .utf8)
            arguments = ["--config", configPath] + arguments
        }
        if let level = launch.logLevel { arguments += ["--log-level", level] }
        arguments += launch.extraArguments
        switch launch.log {
        case .newFile: logPath = directory.file("mnemod-\(UUID().uuidString.prefix(6)).log")
        case .appended(let file): logPath = inside(file)
        case .inherited: logPath = nil
        }
        launchedAt = Date()
        try spawn(arguments)
        if let timeout { try waitUntilServing(timeout: timeout) }
    }

    /// A test's daemon: in `directory` (a fresh one by default), `config` as its
    /// `daemon.conf`, its socket `socket` inside the directory, its log in a
    /// file of its own; answering when this returns unless `wait` is false.
    public convenience init(
        config: String = "", directory: TemporaryDirectory = TemporaryDirectory(),
        socket: String = "m.sock", wait: Bool = true
    ) throws {
        try self.init(MnemodLaunch(config: config, socket: socket), in: directory, waitUntilServing: wait ? 20 : nil)
    }

    deinit {
        if process.isRunning { stop() }
    }

    /// Foundation's Process can fail to spawn with EBADF when other threads of
    /// the program spawn at the same moment; a fresh Process on the next try works.
    private func spawn(_ arguments: [String]) throws {
        var attempt = 0
        while true {
            process.executableURL = URL(fileURLWithPath: launch.binary)
            process.arguments = arguments
            if launch.runsInDirectory { process.currentDirectoryURL = URL(fileURLWithPath: directory.path) }
            if let logPath {
                if !FileManager.default.fileExists(atPath: logPath) {
                    _ = FileManager.default.createFile(atPath: logPath, contents: nil)
                }
                let log = FileHandle(forWritingAtPath: logPath)
                log?.seekToEndOfFile()
                process.standardError = log
                process.standardOutput = FileHandle.nullDevice
            }
            do {
                try process.run()
                return
            } catch {
                attempt += 1
                if attempt >= 5 { throw HarnessError("cannot start \(launch.binary): \(error)") }
                process = Process()
                usleep(50_000)
            }
        }
    }

    // MARK: Watching it

    /// What the daemon wrote to its log so far ("" when its log is inherited).
    public var log: String {
        guard let logPath else { return "" }
        return (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// Runs `body`; an error it throws (above all a request that got no
    /// answer in time) comes back with what each of `daemons` logged, so
    /// that a failure seen once, under load, can be read from the output.
    public static func reportingLogs<T>(of daemons: [MnemodProcess], _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            let logs = daemons.map { "--- mnemod in \($0.directory.path) (\($0.isRunning ? "running" : "exited")):\n\($0.log.suffix(8_000))" }
            throw HarnessError("\(error)\n" + logs.joined(separator: "\n"))
        }
    }

    public var isRunning: Bool { process.isRunning }

    public var pid: Int32 { process.processIdentifier }

    /// Waits until the daemon answers `ping` (any answer: one refusing this
    /// client is up too), for at most `timeout` seconds.
    /// - Throws: `HarnessError`, with its log, when it exits or does not answer.
    public func waitUntilServing(timeout: Double = 20) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if !process.isRunning { throw HarnessError("mnemod exited with \(process.terminationStatus): \(log)") }
            if let client = try? MnemoConnection(socketPath: socketPath, readTimeout: 20), (try? client.request("ping")) != nil {
                if startSeconds == 0 { startSeconds = Date().timeIntervalSince(launchedAt) }
                return
            }
            usleep(20_000)
        }
        throw HarnessError("mnemod did not answer within \(timeout)s: \(log)")
    }

    /// Waits for the process to exit; its status, or nil on timeout.
    public func waitForExit(timeout: Double = 20) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    // MARK: Talking to it

    /// A client connection, as `mnemo` and every program make them.
    /// - Parameter readTimeout: seconds an answer may take before the read
    ///   throws (nil: no limit), so that a test fails instead of hanging.
    public func connect(readTimeout: Double? = 20) throws -> MnemoConnection {
        try MnemoConnection(socketPath: socketPath, readTimeout: readTimeout)
    }

    /// A connection below the protocol: bytes as given, in pieces, half-closed.
    public func connectRaw(receiveTimeout: Double? = 20) throws -> RawConnection {
        try RawConnection(socketPath: socketPath, receiveTimeout: receiveTimeout)
    }

    /// Replaces its `daemon.conf` (SIGHUP then reloads it).
    public func rewriteConfig(_ text: String) throws { try text.write(toFile: configPath, atomically: true, encoding: .utf8) }

    // MARK: Stopping it

    /// Sends a signal: SIGHUP reloads, SIGTERM stops gracefully, SIGKILL is a crash.
    public func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Stops the daemon with SIGTERM and waits for it; past `grace` seconds
    /// it is killed with SIGKILL, so that a daemon that does not stop cannot
    /// hang the tests (mnemod's own shutdown grace is 10 s). Its exit status,
    /// or nil when it had to be killed.
    @discardableResult
    public func stop(grace: Double = 30) -> Int32? {
        if process.isRunning {
            process.terminate()
            if waitForExit(timeout: grace) == nil {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return nil
            }
        }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
