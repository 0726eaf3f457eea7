// Recall at scale (issue 6): a synthetic memory of 1,000,000 facts over 100,000
// entities and 200,000 episodes in 20,000 scenes, written straight into a
// space's SQLite file, then served by a real mnemod: time from start to
// serving, resident memory, and recall p50/p99 over the socket.
//
//   swift build -c release      (one --product per build: build everything, or run it twice)
//   .build/release/mnemo-bench-recall [--dir /tmp/mnemo-recall] [--facts N] [--episodes N] [--queries N] [--mnemod PATH] [--per-query FILE]
//
// An existing store in --dir is reused (delete the directory to rebuild it);
// each run serves a fresh copy of it, so runs do not change it.
import ArgumentParser
import BenchmarkSupport
import Foundation
import MnemoClient
import MnemoStore
import MnemoTestSupport

@main
struct RecallBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnemo-bench-recall",
        abstract: "Recall over the socket on a synthetic memory of 1,000,000 facts served by a real mnemod: start time, memory, p50/p99.")

    @OptionGroup var store: RecallMemoryOptions
    @Option(help: "Recalls measured (after 100 that warm up).")
    var queries = 2_000
    @Option(
        help: ArgumentHelp(
            "Write one line per measured recall to this file, tab-separated: latency (ms), answer lines, start (CLOCK_MONOTONIC seconds), statement.",
            discussion: "To find the slow ones, and to line them up with what the daemon did at the time."))
    var perQuery: String?
    @Option(help: "A daemon.conf for the daemon measured (e.g. to try another inline_read_budget or recall_* value).")
    var config: String?
    @OptionGroup var mnemod: MnemodOption

    func validate() throws {
        guard store.episodes >= 1, store.facts >= 0, queries >= 1 else {
            throw ValidationError("--episodes and --queries must be at least 1, --facts at least 0")
        }
    }

    func run() throws {
        let memory = store.memory
        let storePath = try memory.store(in: store.directory)

        let daemon = try MnemodProcess.inScratchDirectory(
            "mnemo-recall-run", serving: storePath, binary: mnemod.binary, extraArguments: config.map { ["--config", $0] } ?? [])
        defer { daemon.stop() }
        let connection = try daemon.connect(readTimeout: nil)
        let resident = residentBytes(daemon.pid).map { "\($0 / 1024) kB" } ?? "?"

        var rng = SplitMix64(state: 99)
        var latencies: [Double] = []
        var results = 0
        var log = ""
        for i in 0..<(queries + 100) {
            let statement = memory.recallStatement(&rng)
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
        if let perQuery { try log.write(toFile: perQuery, atomically: true, encoding: .utf8) }
        latencies.sort()
        func ms(_ p: Double) -> String { String(format: "%.3f ms", percentile(latencies, p) * 1000) }
        print(
            String(
                format: "start to serving: %.2f s (graph built before the socket opens); resident memory: %@", daemon.startSeconds,
                resident))
        print(
            "recall over the socket (\(latencies.count) queries, \(String(format: "%.1f", Double(results) / Double(latencies.count))) results each): p50 \(ms(0.5)), p99 \(ms(0.99))   targets p50 ≤ 1 ms, p99 ≤ 10 ms"
        )
    }
}
