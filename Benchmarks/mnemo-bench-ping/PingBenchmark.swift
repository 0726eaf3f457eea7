// Does anything block the event loop? `ping` latency with the daemon idle,
// beside `ping` latency while 4 clients run heavy recalls and 1 client ingests
// (issue 16, item 4), on a synthetic memory written straight into a space's
// SQLite file and served by a real mnemod. Measured twice: with recall on the
// network threads (`recall_inline = yes`, the default) and on workers (`no`).
// Then a client that pipelines 1,000 large answers and reads none of them
// (item 2): the daemon's resident memory before and at its largest meanwhile,
// and `ping` latency from another client.
//
//   swift build -c release --product mnemo-bench-ping && swift build -c release --product mnemod
//   .build/release/mnemo-bench-ping [--dir /tmp/mnemo-ping] [--episodes N] [--facts N] [--pings N] [--mnemod PATH]
//
// An existing store in --dir is reused (delete the directory to rebuild it);
// each configuration serves a fresh copy of it.
import ArgumentParser
import BenchmarkSupport
import Foundation
import MnemoClient
import MnemoModel
import MnemoStore
import Synchronization

@main
struct PingBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnemo-bench-ping",
        abstract: "`ping` latency with mnemod idle and under heavy recall and ingest, and beside a client that reads none of its answers.")

    @Option(name: .customLong("dir"), help: "Where the store is built, and reused by later runs (delete it to rebuild).")
    var directory = "/tmp/mnemo-ping"
    @Option(name: .customLong("episodes"), help: "Episodes in the synthetic memory.")
    var episodeCount = 100_000
    @Option(name: .customLong("facts"), help: "Facts in the synthetic memory.")
    var factCount = 300_000
    @Option(help: "Pings timed in each measure.")
    var pings = 5_000
    @Option(help: "The mnemod to measure (default: beside this program).")
    var mnemod: String?

    /// Entities the episodes and facts name.
    var entityCount: Int { 20_000 }

    func validate() throws {
        guard episodeCount >= 1, factCount >= 0, pings >= 1 else {
            throw ValidationError("--episodes and --pings must be at least 1, --facts at least 0")
        }
    }

    func run() throws {
        let syllables = ["ka", "lo", "mi", "ra", "tu", "se", "no", "vi", "da", "pe", "zu", "ho", "ri", "ga", "be", "fo"]
        let vocabulary: [String] = (0..<3000).map { i in (0..<3).map { syllables[(i >> (4 * $0)) % 16] }.joined() + String(i % 7) }

        let storePath = directory + "/spaces/default.sqlite"
        if !FileManager.default.fileExists(atPath: storePath) {
            try FileManager.default.createDirectory(atPath: directory + "/spaces", withIntermediateDirectories: true)
            let store = try MemoryStore(path: storePath)
            var rng = SplitMix64(state: 1)
            var written = 0
            while written < episodeCount {
                try store.write { w in
                    for _ in 0..<1000 where written < episodeCount {
                        let words = (0..<12).map { _ in vocabulary[rng.next(vocabulary.count)] }.joined(separator: " ")
                        _ = try w.createEpisode(EpisodeInput(
                            text: words, speaker: "person \(rng.next(entityCount))",
                            at: Timestamp(year: 2023, month: 1, day: 1).adding(seconds: Int64(written) * 60),
                            scene: "scene \(written / 10)", mentions: ["person \(rng.next(entityCount))"]))
                        written += 1
                    }
                }
            }
            var facts = 0
            while facts < factCount {
                try store.write { w in
                    for _ in 0..<1000 where facts < factCount {
                        try w.assert(FactAssertion("relation_\(rng.next(20))",
                            [Argument(.entity("person \(rng.next(entityCount))")), Argument(.entity("person \(rng.next(entityCount))"))],
                            sources: [Int64(1 + rng.next(episodeCount))]))
                        facts += 1
                    }
                }
            }
            try store.checkpoint()
            print("built \(episodeCount) episodes and \(factCount) facts in \(directory)")
        }

        let binary = mnemod ?? DaemonUnderTest.defaultBinary
        print("ping latency over the socket, \(pings) pings each, \(episodeCount) episodes and \(factCount) facts; \(ProcessInfo.processInfo.activeProcessorCount) cores")
        for inline in [true, false] {
            try measure(inline: inline, storePath: storePath, mnemod: binary, pings: pings,
                    entityCount: entityCount, vocabulary: vocabulary)
        }
        try runNonReader(storePath: storePath, mnemod: binary, pings: pings)
    }
}

/// What the measuring threads share.
final class Load: Sendable {
    let stop = Atomic<Bool>(false)
    let recalls = Atomic<Int>(0)
    let remembers = Atomic<Int>(0)
    let failures = Atomic<Int>(0)
}

struct Failure: Error, CustomStringConvertible { var description: String }

struct Latencies {
    var sorted: [Double]
    init(_ values: [Double]) { sorted = values.sorted() }
    func ms(_ p: Double) -> String { String(format: "%.3f", percentile(sorted, p) * 1000) }
    var summary: String { "p50 \(ms(0.5)) ms, p99 \(ms(0.99)) ms, p99.9 \(ms(0.999)) ms, max \(ms(1)) ms" }
}

/// `pings` pings, one at a time, each timed.
func measurePings(_ connection: MnemoConnection, count pings: Int) throws -> Latencies {
    var values: [Double] = []
    values.reserveCapacity(pings)
    for _ in 0..<pings {
        let t0 = monotonicSeconds()
        let response = try connection.request("ping")
        values.append(monotonicSeconds() - t0)
        guard response.isOK else { throw Failure(description: "ping: \(response.headerLine)") }
        usleep(200)
    }
    return Latencies(values)
}

func measure(inline: Bool, storePath: String, mnemod: String, pings: Int, entityCount: Int, vocabulary: [String]) throws {
    let work = "/tmp/mnemo-ping-run-\(getpid())"
    try? FileManager.default.removeItem(atPath: work)
    try FileManager.default.createDirectory(atPath: work + "/spaces", withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: storePath, toPath: work + "/spaces/default.sqlite")
    let config = work + "/daemon.conf"
    try "recall_inline = \(inline ? "yes" : "no")\n".write(toFile: config, atomically: true, encoding: .utf8)
    let socket = "/tmp/mnemo-ping-\(getpid()).sock"
    let daemon = try DaemonUnderTest(binary: mnemod, dataDirectory: work, socket: socket,
                                     extraArguments: ["--config", config])
    defer {
        daemon.stop()
        try? FileManager.default.removeItem(atPath: work)
    }
    // Warm: the graph and text index are built, and some answers cached.
    for i in 0..<200 { _ = try daemon.connection.request("recall \"\(vocabulary[i]) \(vocabulary[i + 1])\" limit 10") }
    let idle = try measurePings(daemon.connection, count: pings)

    let load = Load()
    var threads: [Thread] = []
    for k in 0..<4 {
        threads.append(Thread {
            guard let connection = try? MnemoConnection(socketPath: socket) else {
                load.failures.add(1, ordering: .relaxed)
                return
            }
            var rng = SplitMix64(state: UInt64(100 + k))
            while !load.stop.load(ordering: .relaxed) {
                let words = (0..<4).map { _ in vocabulary[rng.next(vocabulary.count)] }.joined(separator: " ")
                let statement = "recall \"\(words) person \(rng.next(entityCount))\" depth 3 limit 50"
                if (try? connection.request(statement))?.isOK == true {
                    load.recalls.add(1, ordering: .relaxed)
                } else {
                    load.failures.add(1, ordering: .relaxed)
                }
            }
        })
    }
    threads.append(Thread {
        guard let ingest = try? MnemoConnection(socketPath: socket) else {
                load.failures.add(1, ordering: .relaxed)
                return
            }
        var rng = SplitMix64(state: 7)
        var n = 0
        while !load.stop.load(ordering: .relaxed) {
            let batch = (0..<100).map { _ -> String in
                n += 1
                let words = (0..<12).map { _ in vocabulary[rng.next(vocabulary.count)] }.joined(separator: " ")
                return "remember \"\(words)\" by \"person \(rng.next(entityCount))\" in scene \"live \(n / 20)\""
            }
            do {
                try ingest.pipeline(batch, batch: 100) { _, response in
                    if response.isOK { load.remembers.add(1, ordering: .relaxed) } else { load.failures.add(1, ordering: .relaxed) }
                }
            } catch {
                load.failures.add(1, ordering: .relaxed)
            }
        }
    })
    for thread in threads { thread.start() }
    usleep(500_000)
    let t0 = monotonicSeconds()
    let loaded = try measurePings(daemon.connection, count: pings)
    let seconds = monotonicSeconds() - t0
    load.stop.store(true, ordering: .relaxed)
    usleep(300_000)
    print("recall_inline = \(inline ? "yes" : "no ")  idle ping:   \(idle.summary)")
    print("                    loaded ping: \(loaded.summary)")
    print(String(format: "                    meanwhile: %.0f recalls/s (4 clients, depth 3), %.0f remembers/s (1 client), %d failures",
                 Double(load.recalls.load(ordering: .relaxed)) / seconds, Double(load.remembers.load(ordering: .relaxed)) / seconds,
                 load.failures.load(ordering: .relaxed)))
}

/// The resident memory of a process, in bytes (`VmRSS` of /proc/PID/status).
func residentBytes(_ pid: Int32) -> Int {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
          let kB = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else { return 0 }
    return kB * 1024
}

func runNonReader(storePath: String, mnemod: String, pings: Int) throws {
    let work = "/tmp/mnemo-ping-run-\(getpid())"
    try? FileManager.default.removeItem(atPath: work)
    try FileManager.default.createDirectory(atPath: work + "/spaces", withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: storePath, toPath: work + "/spaces/default.sqlite")
    let socket = "/tmp/mnemo-ping-\(getpid()).sock"
    let daemon = try DaemonUnderTest(binary: mnemod, dataDirectory: work, socket: socket)
    defer {
        daemon.stop()
        try? FileManager.default.removeItem(atPath: work)
    }
    let pid = daemon.process.processIdentifier
    let query = "match relation_0(?a, ?b) limit 10000"
    let one = try daemon.connection.request(query)
    guard one.isOK else { throw Failure(description: "\(query): \(one.headerLine)") }
    let answerBytes = one.lines.reduce(0) { $0 + $1.utf8.count + 1 }
    let idle = try measurePings(daemon.connection, count: pings)
    let before = residentBytes(pid)

    // 1,000 answers asked for, none read: the client only sends.
    let fd = socket.withCString { path -> Int32 in
        let fd = Foundation.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = UnsafeRawBufferPointer(start: path, count: strlen(path))
            raw.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes.prefix(raw.count - 1)))
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        return connected == 0 ? fd : -1
    }
    guard fd >= 0 else { throw Failure(description: "cannot connect a second client") }
    defer {
        close(fd)
        try? FileManager.default.removeItem(atPath: socket)
    }
    // Sends until all is sent or the socket fails; blocks while the daemon does not read.
    let sender = Thread {
        let lines = Array(String(repeating: query + "\n", count: 1000).utf8)
        var sent = 0
        while sent < lines.count {
            let n = lines[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }
    sender.start()
    let largest = Atomic<Int>(before)
    let sampling = Atomic<Bool>(true)
    let sampler = Thread {
        while sampling.load(ordering: .relaxed) {
            largest.max(residentBytes(pid), ordering: .relaxed)
            usleep(5_000)
        }
    }
    sampler.start()
    usleep(500_000)
    let meanwhile = try measurePings(daemon.connection, count: pings)
    sampling.store(false, ordering: .relaxed)
    usleep(20_000)
    print(String(format: "a client asks for 1,000 answers of %.1f MB (%.1f GB in all) and reads none:", Double(answerBytes) / 1e6,
                 Double(answerBytes) * 1000 / 1e9))
    print(String(format: "                    mnemod resident memory %.1f MiB before, at most %.1f MiB meanwhile (+%.1f MiB)",
                 Double(before) / 1_048_576, Double(largest.load(ordering: .relaxed)) / 1_048_576,
                 Double(largest.load(ordering: .relaxed) - before) / 1_048_576))
    print("                    idle ping:   \(idle.summary)")
    print("                    ping meanwhile: \(meanwhile.summary)")
}
