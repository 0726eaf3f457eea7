// Consolidation at scale (issue 7): one run over the synthetic memory of
// mnemo-bench-recall (1,000,000 facts, 100,000 entities, 200,000 episodes in
// 20,000 scenes), timed over the socket, while two other connections keep
// reading (`match` and `recall`); read latency before and during the run,
// side by side. Then a second run, which should change nothing.
//
//   swift build -c release
//   .build/release/mnemo-bench-recall --queries 10     # builds /tmp/mnemo-recall once, if missing
//   .build/release/mnemo-bench-consolidate [--source /tmp/mnemo-recall] [--work /tmp/mnemo-consolidate] [--mnemod PATH]
//
// The source store is copied to --work first: consolidation changes what it runs on.
import ArgumentParser
import BenchmarkSupport
import Foundation
import MnemoClient
import MnemoTestSupport
import Synchronization

@main
struct ConsolidationBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnemo-bench-consolidate",
        abstract: "A consolidation run over the 1,000,000-fact store of mnemo-bench-recall, timed, with read latency before and during it.")

    @Option(help: "The data directory mnemo-bench-recall built (its --dir).")
    var source = "/tmp/mnemo-recall"
    @Option(help: "Where the store is copied and consolidated.")
    var work = "/tmp/mnemo-consolidate"
    @OptionGroup var mnemod: MnemodOption

    func run() throws {
        let sourceStore = source + "/spaces/default.sqlite"
        guard FileManager.default.fileExists(atPath: sourceStore) else {
            print("no store at \(sourceStore): run mnemo-bench-recall first (it builds it)")
            throw ExitCode(66)
        }
        let directory = try TemporaryDirectory(emptying: work, removedWhenReleased: false)
        try MnemodProcess.copySpace(sourceStore, into: work)

        let socketPath = "/tmp/mnemo-consolidate-\(getpid()).sock"
        let launch = MnemodLaunch(
            binary: mnemod.binary, config: nil, dataDirectory: work, socket: socketPath, logLevel: "warning",
            log: .inherited)
        let daemon = try MnemodProcess(launch, in: directory, waitUntilServing: 600)
        defer { daemon.stop() }
        let connection = try daemon.connect(readTimeout: nil)
        print(String(format: "mnemod serving the copied store after %.1f s", daemon.startSeconds))

        let readers = Readers(socketPath: socketPath)
        let group = DispatchGroup()
        for seed in [1, 2] as [UInt64] {
            DispatchQueue.global().async(group: group) {
                do { try readers.read(seed: seed) } catch {
                    print("reader: \(error)")
                    Foundation.exit(1)
                }
            }
        }
        sleep(5)
        readers.phase.store(1, ordering: .relaxed)

        try consolidate("first run", connection)
        readers.phase.store(2, ordering: .relaxed)
        readers.stop.store(true, ordering: .relaxed)
        group.wait()

        let (before, during) = readers.samples.withLock { ($0[0].sorted(), $0[1].sorted()) }
        func ms(_ values: [Double], _ p: Double) -> String { values.isEmpty ? "-" : String(format: "%.3f ms", percentile(values, p) * 1000) }
        print("reads (match and recall, 2 connections)   n      p50        p99")
        print("  before the run                      \(String(format: "%6d", before.count))  \(ms(before, 0.5))  \(ms(before, 0.99))")
        print("  during the run                      \(String(format: "%6d", during.count))  \(ms(during, 0.5))  \(ms(during, 0.99))")
        try consolidate("second run", connection)
        print("target: a run over 1,000,000 facts in ≤ 60 s")
    }
}

/// What the readers and the main thread share: the phase (0 before the run,
/// 1 during it, 2 after), the latencies by phase, and when to stop.
final class Readers: Sendable {
    let socketPath: String
    let phase = Atomic<Int>(0)
    let stop = Atomic<Bool>(false)
    let samples = Mutex<[[Double]]>([[], []])

    init(socketPath: String) { self.socketPath = socketPath }

    func read(seed: UInt64) throws {
        let connection = try MnemoConnection(socketPath: socketPath)
        var rng = SplitMix64(state: seed)
        while !stop.load(ordering: .relaxed) {
            let statement =
                rng.next(2) == 0
                ? "match relation_\(rng.next(20))(person \(rng.next(100_000)), ?x)"
                : "recall \"person \(rng.next(100_000))\" limit 10"
            let now = phase.load(ordering: .relaxed)
            let t0 = monotonicSeconds()
            let response = try connection.request(statement)
            let elapsed = monotonicSeconds() - t0
            guard response.isOK else {
                print("\(statement): \(response.headerLine)")
                exit(1)
            }
            if now == phase.load(ordering: .relaxed), now < 2 { samples.withLock { $0[now].append(elapsed) } }
            usleep(2_000)
        }
    }
}

/// One consolidation run over the socket, timed, with its passes.
func consolidate(_ label: String, _ connection: MnemoConnection) throws {
    let t0 = monotonicSeconds()
    let response = try connection.request("consolidate")
    let seconds = monotonicSeconds() - t0
    guard response.isOK else {
        print("consolidate: \(response.headerLine)")
        throw ExitCode(1)
    }
    let objects = response.lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    let passes = objects.dropFirst().map { p in
        String(format: "%@ %.1f s", p["pass"] as? String ?? "?", (p["duration_ms"] as? Double ?? 0) / 1000)
    }
    print(
        String(
            format: "%@: %.1f s over the socket, %d changes (%@)", label, seconds, objects.first?["changes"] as? Int ?? -1,
            passes.joined(separator: ", ")))
}
