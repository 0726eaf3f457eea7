import BenchmarkSupport
import Foundation
import MnemoTestSupport

/// The `mnemod` under fuzzing: started in a directory of the fuzzer's own (or
/// reached on `--socket`), watched, and restarted after a crash. What was in
/// flight when it died is saved under the crash directory, one file per
/// connection, with the daemon's last log lines, so that `--replay` can find
/// the input that killed it.
///
/// Every connection thread calls in here; one lock keeps them in order.
final class DaemonSupervisor: @unchecked Sendable {
    /// How a lost connection is explained.
    enum Loss { case crashed, dropped }

    let binary: String?
    let externalSocket: String?
    let crashDirectory: String
    /// Lines of `daemon.conf` for the daemon it starts.
    let configuration: String
    /// The directory the current daemon works in (data, socket, log, backups).
    private(set) var directory = ""
    /// The same, kept while its daemons run (the fuzzer removes it, or keeps it with `--keep`).
    private var home: TemporaryDirectory?
    private var daemon: MnemodProcess?
    private let lock = NSLock()
    /// Bumped at each (re)start: a connection knows which daemon it talked to.
    private var generation = 0
    /// Crash records by the generation that crashed.
    private var crashRecords: [Int: String] = [:]
    private(set) var crashes = 0
    private var savedInputs = 0
    /// Whether the external daemon died (nothing to restart then).
    private(set) var externalDead = false

    init(binary: String?, externalSocket: String?, crashDirectory: String, configuration: String) {
        self.binary = binary
        self.externalSocket = externalSocket
        self.crashDirectory = crashDirectory
        self.configuration = configuration
    }

    var socketPath: String { externalSocket ?? directory + "/m.sock" }
    var logPath: String { directory + "/mnemod.log" }
    var pid: Int32? { daemon?.pid }

    // MARK: Starting and stopping

    /// Starts a daemon in a fresh directory (nothing to do with `--socket`),
    /// on a copy of the spaces in `spaces` if given.
    func start(directory: String, spaces: String? = nil) throws {
        lock.lock()
        defer { lock.unlock() }
        self.directory = directory
        let home = try TemporaryDirectory(emptying: directory, removedWhenReleased: false)
        self.home = home
        try FileManager.default.createDirectory(atPath: home.file("backups"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: home.file("data"), withIntermediateDirectories: true)
        if let spaces { try FileManager.default.copyItem(atPath: spaces, toPath: home.file("data/spaces")) }
        try launch()
    }

    /// Starts a daemon (again) in the directory: its data in `data`, its log
    /// appended to `mnemod.log` across restarts; relative `backup to` paths
    /// land in the directory, never in the fuzzer's own.
    private func launch() throws {
        guard let binary, externalSocket == nil, let home else { return }
        let launch = MnemodLaunch(binary: binary, config: configuration, log: .appended(toFile: "mnemod.log"), runsInDirectory: true)
        let daemon = try MnemodProcess(launch, in: home, waitUntilServing: nil)
        self.daemon = daemon
        generation += 1
        do {
            try daemon.waitUntilServing(timeout: 120)
        } catch {
            throw SupervisorError(
                daemon.isRunning
                    ? "mnemod did not answer within 120 s: \(logTail())"
                    : "mnemod exited at start: \(logTail())")
        }
    }

    /// Stops the daemon gracefully (SIGTERM); its exit status, or nil when it
    /// had to be killed.
    func stop() -> Int32? {
        lock.lock()
        defer { lock.unlock() }
        return daemon?.stop(grace: 60)
    }

    /// The daemon's peak resident memory in KiB (Linux), while it runs.
    func peakMemoryKiB() -> Int? {
        guard let pid else { return nil }
        return peakResidentBytes(pid).map { $0 / 1024 }
    }

    // MARK: Connections

    /// A new connection to the daemon, and the generation it belongs to.
    /// Waits (and restarts a dead daemon) until one can be made.
    func connect() throws -> (FuzzConnection, Int) {
        let deadline = Date().addingTimeInterval(180)
        while Date() < deadline {
            lock.lock()
            let current = generation
            lock.unlock()
            if let connection = try? FuzzConnection(socketPath: socketPath) { return (connection, current) }
            if externalSocket != nil {
                _ = connectionLost(generation: current, inFlight: [])
                if externalDead { throw SupervisorError("the daemon on \(socketPath) is gone") }
            } else if daemon?.isRunning == false {
                _ = connectionLost(generation: current, inFlight: [])
            }
            usleep(50_000)
        }
        throw SupervisorError("cannot connect to \(socketPath) for 180 s")
    }

    /// A connection of `generation` failed with `inFlight` unanswered. When the
    /// daemon died, the inputs are saved with the crash and the daemon is
    /// restarted (once, however many connections report it).
    func connectionLost(generation seen: Int, inFlight: [[UInt8]]) -> Loss {
        lock.lock()
        defer { lock.unlock() }
        if seen < generation {
            guard let record = crashRecords[seen] else { return .dropped }
            save(inFlight, in: record)
            return .crashed
        }
        if isAlive() { return .dropped }
        // Dead (or a zombie): let Foundation reap it before asking how it ended.
        daemon?.process.waitUntilExit()
        crashes += 1
        let record = "\(crashDirectory)/crash-\(crashes)-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.createDirectory(atPath: record, withIntermediateDirectories: true)
        let status =
            daemon.map(\.process).map { "exit status \($0.terminationStatus) (\($0.terminationReason == .uncaughtSignal ? "signal" : "exit"))" }
            ?? "the daemon on \(socketPath) stopped answering"
        let summary = "mnemod crashed: \(status)\nlog tail:\n\(logTail())\n"
        try? summary.write(toFile: record + "/summary.txt", atomically: true, encoding: .utf8)
        print("CRASH \(crashes): \(status); in-flight inputs saved to \(record)")
        crashRecords[generation] = record
        save(inFlight, in: record)
        // The spaces as the crash left them, for `--replay` to start from.
        if externalSocket == nil {
            try? FileManager.default.copyItem(atPath: directory + "/data/spaces", toPath: record + "/spaces")
        }
        if externalSocket != nil {
            externalDead = true
            return .crashed
        }
        do {
            try launch()
        } catch {
            print("cannot restart mnemod: \(error)")
        }
        return .crashed
    }

    /// Whether the daemon still runs. A process that just died is a zombie
    /// until Foundation reaps it, and its sockets close a moment before that:
    /// give it a second to show which it is.
    private func isAlive() -> Bool {
        if externalSocket != nil { return (try? FuzzConnection(socketPath: socketPath)) != nil }
        guard let daemon else { return false }
        for _ in 0..<100 {
            if !daemon.isRunning || isZombie(daemon.pid) { return false }
            usleep(10_000)
        }
        return true
    }

    private func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        return stat.contains(") Z ")
    }

    private func save(_ inputs: [[UInt8]], in record: String) {
        guard !inputs.isEmpty else { return }
        savedInputs += 1
        let bytes = inputs.flatMap { $0 }
        _ = FileManager.default.createFile(atPath: "\(record)/in-flight-\(savedInputs).txt", contents: Data(bytes))
    }

    /// Saves one input that made the daemon misbehave without dying
    /// (`ERR INTERNAL`, no answer in time) and returns the file.
    func saveFinding(_ kind: String, _ input: [UInt8], note: String) -> String {
        lock.lock()
        defer { lock.unlock() }
        savedInputs += 1
        try? FileManager.default.createDirectory(atPath: crashDirectory, withIntermediateDirectories: true)
        let path = "\(crashDirectory)/\(kind)-\(savedInputs)-\(ProcessInfo.processInfo.processIdentifier).txt"
        _ = FileManager.default.createFile(atPath: path, contents: Data(input))
        try? (note + "\n").write(toFile: path + ".note", atomically: true, encoding: .utf8)
        return path
    }

    /// The crash records of this run.
    var crashRecordPaths: [String] {
        lock.lock()
        defer { lock.unlock() }
        return crashRecords.sorted { $0.key < $1.key }.map(\.value)
    }

    /// The last lines of the daemon's log.
    func logTail(lines: Int = 30) -> String {
        guard externalSocket == nil, let log = try? String(contentsOfFile: logPath, encoding: .utf8) else { return "" }
        return log.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    struct SupervisorError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
