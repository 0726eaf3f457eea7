// Protocol benchmark (issue 3, item 9): `ping` over the Unix socket of a real
// mnemod, side by side with redis-server's `PING` on a Unix socket, in one run.
//
//   swift build -c release --product mnemod
//   swift build -c release --product mnemo-bench-protocol
//   .build/release/mnemo-bench-protocol [--requests N] [--pipelined M] [--batch B]
//       [--connections C] [--mnemod PATH] [--redis PATH]
//
// It starts both servers in a fresh temporary directory, measures
//   - sequential round trips: N pings (default 20,000, after 2,000 warm-up),
//     one at a time; latency p50, p99 and mean in microseconds;
//   - pipelined throughput: M pings (default 200,000) in batches of B (default
//     1,000), written a batch at a time, then its answers read; on one
//     connection, then on C connections (default 4) on C threads;
// and prints a table beside the targets (mnemod p50 ≤ 1.5 × Redis's p50;
// mnemod pipelined ≥ 200,000 requests/s). Redis is only a yardstick: the
// project does not depend on it (`apt-get install -y redis-server`); without
// it the mnemod half still runs. `--mnemod` defaults to the `mnemod` beside
// this executable; `--redis` to `redis-server` on the PATH.
import ArgumentParser
import BenchmarkSupport
import Foundation
import MnemoTestSupport
import Synchronization

#if canImport(Glibc)
import Glibc
private let noSignal = Int32(MSG_NOSIGNAL)
#else
import Darwin
private let noSignal: Int32 = 0 // SIGPIPE is ignored instead
#endif

@main
struct ProtocolBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnemo-bench-protocol",
        abstract: "`ping` over the Unix socket of a real mnemod, beside redis-server's `PING` on a Unix socket, in one run.")

    @Option(help: "Sequential round trips measured on each server (after 2,000 warm-up).", transform: positiveCount)
    var requests = 20_000
    @Option(help: "Pipelined pings sent to each server, on 1 connection and then on --connections.", transform: positiveCount)
    var pipelined = 200_000
    @Option(help: "Pings written before their answers are read.", transform: positiveCount)
    var batch = 1_000
    @Option(help: "Connections of the second pipelined measure, each on its own thread.", transform: positiveCount)
    var connections = 4
    @OptionGroup var mnemod: MnemodOption
    @Option(help: "The redis-server to compare with (default: the one on the PATH; without one, mnemod alone).")
    var redis: String?

    /// Sequential round trips on each server before the measured ones.
    var warmup: Int { 2_000 }

    func run() throws {
        do {
            try measure()
        } catch {
            print("mnemo-bench-protocol: \(error)")
            throw ExitCode(1)
        }
    }
}

/// A count written as digits, `_` allowed between them (`200_000`): at least 1.
@Sendable func positiveCount(_ text: String) throws -> Int {
    guard let n = Int(text.replacingOccurrences(of: "_", with: "")), n > 0 else {
        throw ValidationError("needs a positive number")
    }
    return n
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
    static func system(_ what: String) -> BenchError { BenchError("\(what): \(String(cString: strerror(errno)))") }
}

/// What a server is asked and answers: one request and its exact answer.
struct Dialect: Sendable {
    var name: String
    var request: [UInt8]
    var answer: [UInt8]
    static let mnemod = Dialect(name: "mnemod", request: Array("ping\n".utf8), answer: Array("OK 1\n{\"kind\":\"pong\"}\n".utf8))
    static let redis = Dialect(name: "redis", request: Array("PING\r\n".utf8), answer: Array("+PONG\r\n".utf8))
}

/// One blocking Unix-socket connection, speaking one dialect.
final class Connection {
    private let socket: RawConnection
    let dialect: Dialect
    private var inbox: [UInt8]

    var fd: Int32 { socket.fileDescriptor }

    init(path: String, dialect: Dialect) throws(BenchError) {
        // A server that stops answering fails the run instead of hanging it.
        do {
            socket = try RawConnection(socketPath: path, receiveTimeout: 30)
        } catch {
            throw BenchError("connect \(path): \(error)")
        }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(socket.fileDescriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        self.dialect = dialect
        inbox = [UInt8](repeating: 0, count: 1 << 16)
    }

    func sendAll(_ bytes: [UInt8]) throws(BenchError) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, noSignal) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .system("send to \(dialect.name)")
            }
            sent += n
        }
    }

    /// Reads `count` answers and checks that each is the expected one.
    func receive(answers count: Int) throws(BenchError) {
        let answer = dialect.answer
        var remaining = count * answer.count
        var offset = 0 // position inside `answer` of the next byte
        while remaining > 0 {
            let n = inbox.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, min($0.count, remaining), 0) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .system("receive from \(dialect.name)")
            }
            if n == 0 { throw BenchError("\(dialect.name) closed the connection") }
            for i in 0..<n {
                guard inbox[i] == answer[offset] else {
                    let text = String(decoding: inbox[i..<min(n, i + 80)], as: UTF8.self)
                    throw BenchError("\(dialect.name) answered unexpectedly: \(text.debugDescription)")
                }
                offset = offset + 1 == answer.count ? 0 : offset + 1
            }
            remaining -= n
        }
    }

    func roundTrip() throws(BenchError) {
        try sendAll(dialect.request)
        try receive(answers: 1)
    }
}

/// A server process in the temporary directory.
final class Server {
    let dialect: Dialect
    let socketPath: String
    let logPath: String
    let process = Process()

    init(dialect: Dialect, executable: String, arguments: [String], socketPath: String, directory: String) throws {
        self.dialect = dialect
        self.socketPath = socketPath
        logPath = "\(directory)/\(dialect.name).log"
        guard FileManager.default.createFile(atPath: logPath, contents: nil) else { throw BenchError("cannot create \(logPath)") }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// Waits until the server answers one request, for at most 15 s.
    func waitUntilReady() throws {
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            guard process.isRunning else {
                throw BenchError("\(dialect.name) exited with status \(process.terminationStatus):\n\(logTail())")
            }
            if let connection = try? Connection(path: socketPath, dialect: dialect), (try? connection.roundTrip()) != nil { return }
            usleep(20_000)
        }
        throw BenchError("\(dialect.name) did not answer on \(socketPath) within 15 s:\n\(logTail())")
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate() // SIGTERM
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// CPU time (user + system) the server has used so far, from /proc; nil elsewhere.
    func cpuSeconds() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ") // fields 3... of proc(5)
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    func logTail() -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(20).joined(separator: "\n")
    }
}

struct Latency {
    var p50: Double
    var p99: Double
    var mean: Double
}

/// N sequential round trips on each server after a warm-up, in microseconds.
/// The servers take turns, 500 round trips at a time, so a change in the load
/// of a shared machine touches both alike.
func measureLatency(_ servers: [Server], requests: Int, warmup: Int) throws -> [Latency] {
    let connections = try servers.map { try Connection(path: $0.socketPath, dialect: $0.dialect) }
    for connection in connections { for _ in 0..<warmup { try connection.roundTrip() } }
    var samples = connections.map { _ in [Double]() } // microseconds
    let slice = 500
    var done = 0
    while done < requests {
        let n = min(slice, requests - done)
        for (k, connection) in connections.enumerated() {
            for _ in 0..<n {
                let start = monotonicNanoseconds()
                try connection.roundTrip()
                samples[k].append(Double(monotonicNanoseconds() - start) / 1000)
            }
        }
        done += n
    }
    return samples.map { values in
        let sorted = values.sorted()
        return Latency(p50: percentile(sorted, 0.50), p99: percentile(sorted, 0.99), mean: sorted.reduce(0, +) / Double(sorted.count))
    }
}

/// `total` pings in batches of `batch` on one connection.
func pipeline(_ connection: Connection, total: Int, batch: Int) throws(BenchError) {
    let full = Array([[UInt8]](repeating: connection.dialect.request, count: batch).joined())
    var left = total
    while left > 0 {
        let n = min(batch, left)
        try connection.sendAll(n == batch ? full : Array(full.prefix(n * connection.dialect.request.count)))
        try connection.receive(answers: n)
        left -= n
    }
}

/// `total` pings spread over `connections` connections, each on its own
/// thread, all started together: requests per second, and the server's CPU
/// seconds spent meanwhile.
func measureThroughput(_ server: Server, total: Int, batch: Int, connections: Int) throws -> (rate: Double, cpu: Double?) {
    let dialect = server.dialect
    let path = server.socketPath
    let ready = DispatchSemaphore(value: 0)
    let start = DispatchSemaphore(value: 0)
    let done = DispatchSemaphore(value: 0)
    let failures = Mutex<[String]>([])
    let share = total / connections
    for index in 0..<connections {
        let count = index == 0 ? total - share * (connections - 1) : share
        let thread = Thread {
            do {
                let connection = try Connection(path: path, dialect: dialect)
                try pipeline(connection, total: min(count, batch), batch: batch) // warm-up batch
                ready.signal()
                start.wait()
                try pipeline(connection, total: count, batch: batch)
            } catch {
                failures.withLock { $0.append("\(error)") }
                ready.signal()
            }
            done.signal()
        }
        thread.start()
    }
    for _ in 0..<connections { ready.wait() }
    let cpuBefore = server.cpuSeconds()
    let began = monotonicNanoseconds()
    for _ in 0..<connections { start.signal() }
    for _ in 0..<connections { done.wait() }
    let seconds = Double(monotonicNanoseconds() - began) / 1e9
    let cpuAfter = server.cpuSeconds()
    if let failure = failures.withLock({ $0.first }) { throw BenchError(failure) }
    return (Double(total) / seconds, cpuBefore.flatMap { before in cpuAfter.map { $0 - before } })
}

func findOnPath(_ name: String) -> String? {
    for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
        let candidate = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}

extension ProtocolBenchmark {
    func measure() throws {
        signal(SIGPIPE, SIG_IGN)
        let mnemodPath = self.mnemod.binary
        guard FileManager.default.isExecutableFile(atPath: mnemodPath) else {
            throw BenchError("no mnemod at \(mnemodPath): build it (swift build -c release --product mnemod) or pass --mnemod PATH")
        }
        let redisPath = self.redis ?? findOnPath("redis-server")
        if let redisPath, !FileManager.default.isExecutableFile(atPath: redisPath) { throw BenchError("no redis-server at \(redisPath)") }
        if redisPath == nil {
            print(
                """
                redis-server not found: measuring mnemod alone. For the comparison install it
                (benchmark only; the project does not depend on it): apt-get install -y redis-server

                """)
        }

        var template = Array(URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("mnemo-bench-protocol.XXXXXX").path.utf8CString)
        guard let made = mkdtemp(&template) else { throw BenchError.system("mkdtemp") }
        let directory = String(cString: made)
        var servers: [Server] = []
        defer {
            for server in servers { server.stop() }
            try? FileManager.default.removeItem(atPath: directory)
        }

        try FileManager.default.createDirectory(atPath: "\(directory)/data", withIntermediateDirectories: true)
        let mnemod = try Server(
            dialect: .mnemod, executable: mnemodPath,
            arguments: ["--data-dir", "\(directory)/data", "--socket", "\(directory)/m.sock"],
            socketPath: "\(directory)/m.sock", directory: directory)
        servers.append(mnemod)
        var redis: Server?
        if let redisPath {
            let server = try Server(
                dialect: .redis, executable: redisPath,
                arguments: [
                    "--port", "0", "--unixsocket", "\(directory)/r.sock", "--save", "",
                    "--appendonly", "no", "--daemonize", "no",
                ],
                socketPath: "\(directory)/r.sock", directory: directory)
            servers.append(server)
            redis = server
        }
        for server in servers { try server.waitUntilReady() }

        print("mnemod \(mnemodPath)\nredis  \(redisPath ?? "-")")
        print("\(requests) sequential pings after \(warmup) warm-up; \(pipelined) pipelined in batches of \(batch); 1 and \(connections) connections\n")
        // Each measure runs on both servers before the next, so drift in the load
        // of the machine touches both alike.
        var latency: [Latency] = []
        var single: [Double] = []
        var multi: [Double] = []
        latency = try measureLatency(servers, requests: requests, warmup: warmup)
        // The servers' own CPU time per pipelined request: on a shared machine it
        // says more about the code than requests/s, which also count waiting for a core.
        var cpuSeconds: [Double?] = servers.map { _ in 0 }
        for (i, server) in servers.enumerated() {
            let (rate, seconds) = try measureThroughput(server, total: pipelined, batch: batch, connections: 1)
            single.append(rate)
            cpuSeconds[i] = seconds.flatMap { s in cpuSeconds[i].map { $0 + s } }
        }
        for (i, server) in servers.enumerated() {
            let (rate, seconds) = try measureThroughput(server, total: pipelined, batch: batch, connections: connections)
            multi.append(rate)
            cpuSeconds[i] = seconds.flatMap { s in cpuSeconds[i].map { $0 + s } }
        }
        let cpu = cpuSeconds.map { $0.map { $0 / Double(2 * pipelined) * 1e6 } }

        func number(_ value: Double?, decimals: Int = 1) -> String {
            guard let value else { return "-" }
            if decimals == 0 { return Int(value.rounded()).formatted(.number.grouping(.automatic)) }
            return String(format: "%.\(decimals)f", value)
        }
        func pad(_ s: String, _ width: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, width - s.count))
            return left ? s + fill : fill + s
        }
        func row(_ measure: String, _ m: Double, _ r: Double?, decimals: Int = 1, target: String = "") {
            let ratio = r.map { String(format: "%.2f", m / $0) } ?? "-"
            print(
                pad(measure, 33, left: true) + pad(number(m, decimals: decimals), 12) + pad(number(r, decimals: decimals), 12)
                    + pad(ratio, 9) + "   " + target)
        }
        let hasRedis = redis != nil
        let r = { (values: [Double]) -> Double? in hasRedis ? values[1] : nil }
        let p50Met = hasRedis ? (latency[0].p50 <= 1.5 * latency[1].p50 ? "met" : "MISSED") : "not checked (no redis)"
        let rateMet = multi[0] >= 200_000 ? "met" : "MISSED"
        print(pad("measure", 33, left: true) + pad("mnemod", 12) + pad("redis", 12) + pad("ratio", 9) + "   target")
        row("ping p50 (us)", latency[0].p50, r(latency.map(\.p50)), target: "mnemod p50 ≤ 1.5 × redis: \(p50Met)")
        row("ping p99 (us)", latency[0].p99, r(latency.map(\.p99)))
        row("ping mean (us)", latency[0].mean, r(latency.map(\.mean)))
        row("pipelined 1 conn (req/s)", single[0], r(single), decimals: 0)
        row("pipelined \(connections) conns (req/s)", multi[0], r(multi), decimals: 0, target: "≥ 200,000 req/s: \(rateMet)")
        if let mnemodCPU = cpu[0] { row("server CPU per pipelined req (us)", mnemodCPU, hasRedis ? cpu[1] : nil, decimals: 2) }
        print("\nratio = mnemod ÷ redis (lower is better for latency, higher for req/s)")
    }
}
