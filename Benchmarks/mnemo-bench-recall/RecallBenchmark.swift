// Recall at scale (issue 6): a synthetic memory of 1,000,000 facts over 100,000
// entities and 200,000 episodes in 20,000 scenes, written straight into a
// space's SQLite file, then served by a real mnemod: time from start to
// serving, resident memory, and recall p50/p99 over the socket.
//
//   swift build -c release      (one --product per build: build everything, or run it twice)
//   .build/release/mnemo-bench-recall [--dir /tmp/mnemo-recall] [--facts N] [--episodes N] [--queries N] [--mnemod PATH]
//
// An existing store in --dir is reused (delete the directory to rebuild it);
// each run serves a fresh copy of it, so runs do not change it.
import ArgumentParser
import BenchmarkSupport
import Foundation
import MnemoClient
import MnemoModel
import MnemoStore

@main
struct RecallBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnemo-bench-recall",
        abstract: "Recall over the socket on a synthetic memory of 1,000,000 facts served by a real mnemod: start time, memory, p50/p99.")

    @Option(name: .customLong("dir"), help: "Where the store is built, and reused by later runs (delete it to rebuild).")
    var directory = "/tmp/mnemo-recall"
    @Option(name: .customLong("facts"), help: "Facts in the synthetic memory.")
    var factCount = 1_000_000
    @Option(name: .customLong("episodes"), help: "Episodes in the synthetic memory.")
    var episodeCount = 200_000
    @Option(help: "Recalls measured (after 100 that warm up).")
    var queries = 2_000
    @Option(help: "The mnemod to measure (default: beside this program).")
    var mnemod: String?

    /// Entities the episodes and facts name, and scenes the episodes are in.
    var entityCount: Int { 100_000 }
    var sceneCount: Int { 20_000 }

    func validate() throws {
        guard factCount >= 1, episodeCount >= 1, queries >= 1 else {
            throw ValidationError("--facts, --episodes and --queries must be at least 1")
        }
    }

    func run() throws {
        /// A vocabulary of pronounceable made-up words, so texts have a realistic spread of terms.
        let syllables = ["ka", "lo", "mi", "ra", "tu", "se", "no", "vi", "da", "pe", "zu", "ho", "ri", "ga", "be", "fo"]
        func word(_ i: Int) -> String {
            var text = ""
            for k in 0..<3 { text += syllables[(i >> (4 * k)) % 16] }
            return text + String(i % 7)
        }
        let vocabulary: [String] = (0..<4000).map(word)

        let storePath = directory + "/spaces/default.sqlite"
        if !FileManager.default.fileExists(atPath: storePath) {
            try FileManager.default.createDirectory(atPath: directory + "/spaces", withIntermediateDirectories: true)
            var options = StoreOptions()
            options.cacheSizeKiB = 256 * 1024
            let store = try MemoryStore(path: storePath, options: options)
            var rng = SplitMix64(state: 1)
            let t0 = monotonicSeconds()
            let perScene = max(1, episodeCount / sceneCount)
            var written = 0
            while written < episodeCount {
                try store.write { w in
                    for _ in 0..<1000 where written < episodeCount {
                        let scene = written / perScene
                        let words = (0..<12).map { _ in vocabulary[rng.next(vocabulary.count)] }.joined(separator: " ")
                        _ = try w.createEpisode(EpisodeInput(
                            text: words, speaker: "person \(rng.next(entityCount))",
                            at: Timestamp(year: 2023, month: 1, day: 1).adding(seconds: Int64(written) * 60),
                            scene: "scene \(scene)", mentions: ["person \(rng.next(entityCount))"]))
                        written += 1
                    }
                }
            }
            let t1 = monotonicSeconds()
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
            print(String(format: "built %d episodes in %.1f s and %d facts in %.1f s (%.0f MiB)", episodeCount, t1 - t0, factCount,
                         monotonicSeconds() - t1, Double(store.fileSize()) / 1_048_576))
        }

        // The daemon serves a copy: recall reinforces what it returns, and a store that
        // kept every run's reinforcements would not measure the same thing twice.
        let work = "/tmp/mnemo-recall-run-\(getpid())"
        try FileManager.default.createDirectory(atPath: work + "/spaces", withIntermediateDirectories: true)
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: storePath + suffix) {
            try FileManager.default.copyItem(atPath: storePath + suffix, toPath: work + "/spaces/default.sqlite" + suffix)
        }
        let socketPath = "/tmp/mnemo-recall-\(getpid()).sock"
        let daemon = try DaemonUnderTest(binary: mnemod ?? DaemonUnderTest.defaultBinary, dataDirectory: work, socket: socketPath)
        defer {
            daemon.stop()
            try? FileManager.default.removeItem(atPath: work)
        }
        let connection = daemon.connection
        let ready = daemon.startSeconds
        let status = (try? String(contentsOfFile: "/proc/\(daemon.process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let rss = status.split(separator: "\n").first { $0.hasPrefix("VmRSS") }.map(String.init) ?? "VmRSS: ?"

        var rng = SplitMix64(state: 99)
        var latencies: [Double] = []
        var results = 0
        for i in 0..<(queries + 100) {
            let words = (0..<3).map { _ in vocabulary[rng.next(vocabulary.count)] }.joined(separator: " ")
            let statement = rng.next(2) == 0 ? "recall \"\(words)\" limit 10" : "recall \"\(words) person \(rng.next(entityCount))\" limit 10"
            let t0 = monotonicSeconds()
            let response = try connection.request(statement)
            let elapsed = monotonicSeconds() - t0
            guard response.isOK else { print("\(statement): \(response.headerLine)"); throw ExitCode(1) }
            if i >= 100 { latencies.append(elapsed); results += response.lines.count }
        }
        let sorted = latencies.sorted()
        func ms(_ values: [Double], _ p: Double) -> String { String(format: "%.3f ms", values[min(values.count - 1, Int(Double(values.count) * p))] * 1000) }
        print(String(format: "start to serving: %.2f s (graph built before the socket opens); resident memory: %@", ready,
                     rss.replacingOccurrences(of: "VmRSS:", with: "").trimmingCharacters(in: .whitespaces)))
        print("recall over the socket (\(latencies.count) queries, \(String(format: "%.1f", Double(results) / Double(latencies.count))) results each): p50 \(ms(sorted, 0.5)), p99 \(ms(sorted, 0.99))   targets p50 ≤ 1 ms, p99 ≤ 10 ms")
    }
}
