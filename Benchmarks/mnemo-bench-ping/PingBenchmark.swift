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
import MnemoStore
import MnemoTestSupport
import Synchronization

@main
struct PingBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnemo-bench-ping",
        abstract: "`ping` latency with mnemod idle and under heavy recall and ingest, and beside a client that reads none of its answers.")

    @Option(name: .customLong("dir"), help: "Where the store is built, and reused by later runs (delete it to rebuild).")
    var directory = "/tmp/mnemo-ping"
    @Option(help: "Episodes in the synthetic memory.")
    var episodes = 100_000
    @Option(help: "Facts in the synthetic memory.")
    var facts = 300_000
    @Option(help: "Pings timed in each measure.")
    var pings = 5_000
    @OptionGroup var mnemod: MnemodOption

    /// 20,000 entities, 10 episodes to a scene.
    var memory: SyntheticMemory {
        SyntheticMemory(episodes: episodes, facts: facts, entities: 20_000, vocabulary: .spelled(3000))
    }

    func validate() throws {
        guard episodes >= 1, facts >= 0, pings >= 1 else {
            throw ValidationError("--episodes and --pings must be at least 1, --facts at least 0")
        }
    }

    func run() throws {
        let memory = memory
        let storePath = directory + "/spaces/default.sqlite"
        if !FileManager.default.fileExists(atPath: storePath) {
            try FileManager.default.createDirectory(atPath: directory + "/spaces", withIntermediateDirectories: true)
            let store = try MemoryStore(path: storePath)
            try memory.write(into: store)
            try store.checkpoint()
            print("built \(episodes) episodes and \(facts) facts in \(directory)")
        }

        print(
            "ping latency over the socket, \(pings) pings each, \(episodes) episodes and \(facts) facts; \(ProcessInfo.processInfo.activeProcessorCount) cores")
        for inline in [true, false] {
            try measure(inline: inline, storePath: storePath, mnemod: mnemod.binary, pings: pings, memory: memory)
        }
        try measureNonReader(storePath: storePath, mnemod: mnemod.binary, pings: pings)
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

/// Idle and loaded pings, with recall inline or on workers.
func measure(inline: Bool, storePath: String, mnemod: String, pings: Int, memory: SyntheticMemory) throws {
    let daemon = try MnemodProcess.inScratchDirectory(
        "mnemo-ping-run", serving: storePath, binary: mnemod,
        configuration: "recall_inline = \(inline ? "yes" : "no")\n")
    defer { daemon.stop() }
    let socket = daemon.socketPath
    let connection = try daemon.connect(readTimeout: nil)
    // Warm: the graph and text index are built, and some answers cached.
    let vocabulary = memory.vocabulary
    for i in 0..<200 { _ = try connection.request("recall \"\(vocabulary[i]) \(vocabulary[i + 1])\" limit 10") }
    let idle = try measurePings(connection, count: pings)

    let load = Load()
    var threads: [Thread] = []
    for k in 0..<4 {
        threads.append(
            Thread {
                guard let connection = try? MnemoConnection(socketPath: socket) else {
                    load.failures.add(1, ordering: .relaxed)
                    return
                }
                var rng = SplitMix64(state: UInt64(100 + k))
                while !load.stop.load(ordering: .relaxed) {
                    let words = vocabulary.phrase(4, &rng)
                    let statement = "recall \"\(words) person \(rng.next(memory.entities))\" depth 3 limit 50"
                    if (try? connection.request(statement))?.isOK == true {
                        load.recalls.add(1, ordering: .relaxed)
                    } else {
                        load.failures.add(1, ordering: .relaxed)
                    }
                }
            })
    }
    threads.append(
        Thread {
            guard let ingest = try? MnemoConnection(socketPath: socket) else {
                load.failures.add(1, ordering: .relaxed)
                return
            }
            var rng = SplitMix64(state: 7)
            var n = 0
            while !load.stop.load(ordering: .relaxed) {
                let batch = (0..<100).map { _ -> String in
                    n += 1
                    let words = vocabulary.phrase(12, &rng)
                    return "remember \"\(words)\" by \"person \(rng.next(memory.entities))\" in scene \"live \(n / 20)\""
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
    let loaded = try measurePings(connection, count: pings)
    let seconds = monotonicSeconds() - t0
    load.stop.store(true, ordering: .relaxed)
    usleep(300_000)
    print("recall_inline = \(inline ? "yes" : "no ")  idle ping:   \(idle.summary)")
    print("                    loaded ping: \(loaded.summary)")
    print(
        String(
            format: "                    meanwhile: %.0f recalls/s (4 clients, depth 3), %.0f remembers/s (1 client), %d failures",
            Double(load.recalls.load(ordering: .relaxed)) / seconds, Double(load.remembers.load(ordering: .relaxed)) / seconds,
            load.failures.load(ordering: .relaxed)))
}

/// A client that asks for 1,000 large answers and reads none: the daemon's memory, and pings meanwhile.
func measureNonReader(storePath: String, mnemod: String, pings: Int) throws {
    let daemon = try MnemodProcess.inScratchDirectory("mnemo-ping-run", serving: storePath, binary: mnemod)
    defer { daemon.stop() }
    let connection = try daemon.connect(readTimeout: nil)
    let pid = daemon.pid
    let query = "match relation_0(?a, ?b) limit 10000"
    let one = try connection.request(query)
    guard one.isOK else { throw Failure(description: "\(query): \(one.headerLine)") }
    let answerBytes = one.lines.reduce(0) { $0 + $1.utf8.count + 1 }
    let idle = try measurePings(connection, count: pings)
    let before = residentBytes(pid) ?? 0

    // 1,000 answers asked for, none read: the client only sends.
    guard let nonReader = try? daemon.connectRaw(receiveTimeout: nil) else {
        throw Failure(description: "cannot connect a second client")
    }
    defer { nonReader.shutdown(.both) }
    // Sends until all is sent or the socket fails; blocks while the daemon does not read.
    let sender = Thread {
        try? nonReader.send(String(repeating: query + "\n", count: 1000))
    }
    sender.start()
    let largest = Atomic<Int>(before)
    let sampling = Atomic<Bool>(true)
    let sampler = Thread {
        while sampling.load(ordering: .relaxed) {
            largest.max(residentBytes(pid) ?? 0, ordering: .relaxed)
            usleep(5_000)
        }
    }
    sampler.start()
    usleep(500_000)
    let meanwhile = try measurePings(connection, count: pings)
    sampling.store(false, ordering: .relaxed)
    usleep(20_000)
    print(
        String(
            format: "a client asks for 1,000 answers of %.1f MB (%.1f GB in all) and reads none:", Double(answerBytes) / 1e6,
            Double(answerBytes) * 1000 / 1e9))
    print(
        String(
            format: "                    mnemod resident memory %.1f MiB before, at most %.1f MiB meanwhile (+%.1f MiB)",
            Double(before) / 1_048_576, Double(largest.load(ordering: .relaxed)) / 1_048_576,
            Double(largest.load(ordering: .relaxed) - before) / 1_048_576))
    print("                    idle ping:   \(idle.summary)")
    print("                    ping meanwhile: \(meanwhile.summary)")
}
