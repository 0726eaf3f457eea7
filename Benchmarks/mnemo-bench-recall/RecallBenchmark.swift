// Recall at scale (issue 6): a synthetic memory of 1,000,000 facts over 100,000
// entities and 200,000 episodes in 20,000 scenes, written straight into a
// space's SQLite file, then served by a real mnemod: time from start to
// serving, resident memory, and recall p50/p99 over the socket.
//
//   swift build -c release      (one --product per build: build everything, or run it twice)
//   .build/release/mnemo-bench-recall [--dir /tmp/mnemo-recall] [--facts N] [--episodes N] [--queries N] [--mnemod PATH] [--per-query FILE]
//   .build/release/mnemo-bench-recall --long-recall-words 4000     (meanwhile another connection recalls long texts)
//   .build/release/mnemo-bench-recall --beside 'recall "…" depth 10 limit 10000' --same-network-thread
//
// An existing store in --dir is reused (delete the directory to rebuild it);
// each run serves a fresh copy of it, so runs do not change it.
import ArgumentParser
import BenchmarkSupport
import Foundation
import MnemoClient
import MnemoStore
import MnemoTestSupport
import NIOCore
import Synchronization

@main
struct RecallBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnemo-bench-recall",
        abstract: "Recall over the socket on a synthetic memory of 1,000,000 facts served by a real mnemod: start time, memory, p50/p99.")

    @OptionGroup var store: RecallMemoryOptions
    @Option(help: "Recalls (or with --writes, writes) measured, after 100 that warm up.")
    var queries = 2_000
    @Option(
        help: ArgumentHelp(
            "Write one line per measured recall to this file, tab-separated: latency (ms), answer lines, start (CLOCK_MONOTONIC seconds), statement.",
            discussion: "To find the slow ones, and to line them up with what the daemon did at the time."))
    var perQuery: String?
    @Option(help: "A daemon.conf for the daemon measured (e.g. to try another inline_read_budget or recall_* value).")
    var config: String?
    @Option(
        help: ArgumentHelp(
            "Meanwhile, another connection recalls texts of this many words of the vocabulary, one after another (0: none).",
            discussion:
                "What a long recall costs the other clients of its space. A text over 2 KiB (257 words or more) runs on a worker; a shorter one on the network thread that read it."
        ))
    var longRecallWords = 0
    @Option(
        help: ArgumentHelp(
            "Meanwhile, another connection sends this statement, over and over (instead of --long-recall-words).",
            discussion: "E.g. 'recall \"sekaka5 person 5\" depth 10 limit 10000': what a deep recall costs the others."))
    var beside: String?
    @Flag(
        help: ArgumentHelp(
            "Put the connection beside on the network thread of the measured one.",
            discussion:
                "mnemod's NIO event loop group has one thread per core (System.coreCount, which heeds CPU affinity and cgroup quotas) and hands the connections it accepts to them in turn: as many idle connections as that, less one, are opened between the two. Nothing checks where they landed: a metrics scrape or a PostgreSQL connection opened in between moves the turn on. Without it the two are on different threads (on a machine of more than one core)."
        ))
    var sameNetworkThread = false
    @Flag(
        help: ArgumentHelp(
            "Measure remember (a write of one episode) instead of recall.",
            discussion:
                "Beside another statement (--beside): how long a write waits, for the space's writer (which the activation log's write of large recalls holds) and for the recalls reading the graph (which its refresh waits for)."
        ))
    var writes = false
    @OptionGroup var mnemod: MnemodOption

    func validate() throws {
        guard store.episodes >= 1, store.facts >= 0, queries >= 1, longRecallWords >= 0 else {
            throw ValidationError("--episodes and --queries must be at least 1, --facts and --long-recall-words at least 0")
        }
        if beside != nil && longRecallWords > 0 { throw ValidationError("--beside and --long-recall-words are one or the other") }
        if sameNetworkThread && beside == nil && longRecallWords == 0 {
            throw ValidationError("--same-network-thread needs --beside or --long-recall-words")
        }
    }

    /// What the companion connection sends, and how the output names it.
    private func companionStatements(_ memory: SyntheticMemory) -> (name: String, next: @Sendable (inout SplitMix64) -> String)? {
        if let beside { return ("`\(beside)`", { _ in beside }) }
        guard longRecallWords > 0 else { return nil }
        let (words, vocabulary) = (longRecallWords, memory.vocabulary)
        return ("recalls of \(words) words", { rng in "recall \"\(vocabulary.phrase(words, &rng))\" limit 10" })
    }

    func run() throws {
        let memory = store.memory
        let storePath = try memory.store(in: store.directory)

        let daemon = try MnemodProcess.inScratchDirectory(
            "mnemo-recall-run", serving: storePath, binary: mnemod.binary, extraArguments: config.map { ["--config", $0] } ?? [])
        defer { daemon.stop() }
        let connection = try daemon.connect(readTimeout: nil)
        let resident = residentBytes(daemon.pid).map { "\($0 / 1024) kB" } ?? "?"

        let statements = companionStatements(memory)
        // Connections between the two, so that NIO's turn comes round to the measured one's thread again.
        let between =
            sameNetworkThread && statements != nil
            ? try (1..<System.coreCount).map { _ in try daemon.connect(readTimeout: nil) } : []
        defer { for connection in between { connection.close() } }
        let companion = statements.map { Companion(socket: daemon.socketPath, $0.next) }
        var rng = SplitMix64(state: 99)
        var latencies: [Double] = []
        var results = 0
        var log = ""
        for i in 0..<(queries + 100) {
            let statement = writes ? memory.rememberStatement(&rng) : memory.recallStatement(&rng)
            let t0 = monotonicSeconds()
            let response = try connection.request(statement)
            let elapsed = monotonicSeconds() - t0
            guard response.isOK else {
                print("\(statement): \(response.headerLine)")
                throw ExitCode(1)
            }
            if i >= 100 {
                latencies.append(elapsed)
                results += response.lines.count
                if perQuery != nil { log += String(format: "%.3f\t%d\t%.6f\t", elapsed * 1000, response.lines.count, t0) + statement + "\n" }
            }
        }
        let long = companion?.finish()
        if let failure = long?.failure {
            print("the statement beside failed: \(failure)")
            throw ExitCode(1)
        }
        if let perQuery { try log.write(toFile: perQuery, atomically: true, encoding: .utf8) }
        latencies.sort()
        func ms(_ p: Double) -> String { String(format: "%.3f ms", percentile(latencies, p) * 1000) }
        print(
            String(
                format: "start to serving: %.2f s (graph built before the socket opens); resident memory: %@", daemon.startSeconds,
                resident))
        if writes {
            print("remember over the socket (\(latencies.count) writes): p50 \(ms(0.5)), p99 \(ms(0.99))")
        } else {
            print(
                "recall over the socket (\(latencies.count) queries, \(String(format: "%.1f", Double(results) / Double(latencies.count))) results each): p50 \(ms(0.5)), p99 \(ms(0.99))   targets p50 ≤ 1 ms, p99 ≤ 10 ms"
            )
        }
        if let long, let statements {
            print(String(format: "the slowest of them: %.3f ms", (latencies.last ?? 0) * 1000))
            print(
                String(
                    format: "meanwhile %d %@ on another connection%@: p50 %.1f ms, max %.1f ms", long.latencies.count, statements.name,
                    sameNetworkThread ? " of the same network thread" : "",
                    percentile(long.latencies, 0.5) * 1000, (long.latencies.last ?? 0) * 1000))
        }
    }
}

/// Statements sent one after another on a connection of their own, from a
/// thread of their own, until `finish`.
final class Companion: Sendable {
    private let stop = Atomic<Bool>(false)
    private let done = Mutex<(latencies: [Double], failure: String?)?>(nil)
    private let finished = DispatchSemaphore(value: 0)

    init(socket: String, _ next: @escaping @Sendable (inout SplitMix64) -> String) {
        Thread { [self] in
            var rng = SplitMix64(state: 5)
            var latencies: [Double] = []
            var failure: String?
            do {
                let connection = try MnemoConnection(socketPath: socket, readTimeout: nil)
                while !stop.load(ordering: .relaxed) {
                    let statement = next(&rng)
                    let t0 = monotonicSeconds()
                    let response = try connection.request(statement)
                    guard response.isOK else {
                        failure = "\(statement.prefix(200)): \(response.headerLine)"
                        break
                    }
                    latencies.append(monotonicSeconds() - t0)
                }
            } catch {
                failure = "\(error)"
            }
            done.withLock { $0 = (latencies.sorted(), failure) }
            finished.signal()
        }.start()
    }

    /// Stops after the statement in flight: the latencies of all, sorted, and
    /// the failure that stopped them early, if one did.
    func finish() -> (latencies: [Double], failure: String?) {
        stop.store(true, ordering: .relaxed)
        finished.wait()
        return done.withLock { $0 ?? ([], nil) }
    }
}
