import ArgumentParser
import BenchmarkSupport
import Foundation
import MnemoClient
import MnemoTestSupport

/// `mnemo-bench-query match-latency`, the default: p50/p99 over the socket of a
/// bound single-atom match and of two two-atom joins on the 1,000,000-fact store
/// `mnemo-bench-store --keep DIR` leaves, beside the targets of issue 4 (p99 ≤ 1 ms
/// and ≤ 10 ms).
struct MatchLatency: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match-latency",
        abstract: "`match` over the socket on the store mnemo-bench-store --keep DIR leaves, served by a real mnemod.")

    @Option(name: .customLong("data-dir"), help: "The data directory of `mnemo-bench-store --keep DIR`.")
    var dataDirectory: String?
    @Option(help: "Queries measured of each shape (after 500 that warm up).")
    var queries = 5_000
    @OptionGroup var mnemod: MnemodOption
    @Option(help: "Entities of that store (mnemo-bench-store --entities).")
    var entities = 100_000

    /// The predicates of that store.
    var predicates: Int { 20 }

    func validate() throws {
        guard queries >= 1, entities >= 1 else { throw ValidationError("--queries and --entities must be at least 1") }
    }

    func run() throws {
        guard let dataDirectory, FileManager.default.fileExists(atPath: dataDirectory + "/spaces/default.sqlite") else {
            print("mnemo-bench-query needs a store: run `mnemo-bench-store --keep DIR` first, then pass --data-dir DIR")
            throw ExitCode(66)
        }
        // The store is the one given; the socket is in a temporary directory of the daemon's.
        let launch = MnemodLaunch(
            binary: mnemod.binary, config: nil, dataDirectory: dataDirectory, logLevel: "warning",
            log: .inherited)
        let daemon = try MnemodProcess(launch, waitUntilServing: 600)
        defer { daemon.stop() }
        let client = try daemon.connect(readTimeout: nil)
        print(String(format: "mnemod serving %@ after %.2f s", dataDirectory, daemon.startSeconds))

        func measure(_ make: (inout SplitMix64) -> String) throws -> (p50: Double, p99: Double, rows: Double) {
            var rng = SplitMix64(state: 11)
            var latencies: [Double] = []
            var rows = 0
            for i in 0..<(queries + 500) {
                let statement = make(&rng)
                let t0 = monotonicSeconds()
                let response = try client.request(statement)
                let elapsed = monotonicSeconds() - t0
                guard response.isOK else {
                    print("\(statement): \(response.headerLine)")
                    throw ExitCode(1)
                }
                if i >= 500 {
                    latencies.append(elapsed)
                    rows += response.lines.count
                }
            }
            latencies.sort()
            return (percentile(latencies, 0.5), percentile(latencies, 0.99), Double(rows) / Double(latencies.count))
        }

        let entities = UInt64(entities)
        let predicates = UInt64(predicates)
        func entity(_ rng: inout SplitMix64) -> String { "entity \(rng.next() % entities)" }
        func predicate(_ rng: inout SplitMix64) -> String { "relation_\(rng.next() % predicates)" }

        let single = try measure { rng in "match \(predicate(&rng))(\(entity(&rng)), ?x)" }
        let join = try measure { rng in
            "match \(predicate(&rng))(\(entity(&rng)), ?x), \(predicate(&rng))(?x, ?y) limit 100"
        }
        let wide = try measure { rng in
            "match \(predicate(&rng))(\(entity(&rng)), ?x), ?(?x, ?y) limit 100".replacingOccurrences(of: "?(?x, ?y)", with: "\(predicate(&rng))(?y, ?x)")
        }

        func ms(_ s: Double) -> String { String(format: "%.3f", s * 1000) }
        print("")
        print("query (\(queries) each, over the socket)         p50 ms    p99 ms   rows   target")
        print(
            "match P(e, ?x)                                \(ms(single.p50))    \(ms(single.p99))   \(String(format: "%.2f", single.rows))   p99 ≤ 1 ms: \(single.p99 <= 0.001 ? "met" : "MISSED")"
        )
        print(
            "match P(e, ?x), Q(?x, ?y)                     \(ms(join.p50))    \(ms(join.p99))   \(String(format: "%.2f", join.rows))   p99 ≤ 10 ms: \(join.p99 <= 0.010 ? "met" : "MISSED")"
        )
        print(
            "match P(e, ?x), Q(?y, ?x)                     \(ms(wide.p50))    \(ms(wide.p99))   \(String(format: "%.2f", wide.rows))   p99 ≤ 10 ms: \(wide.p99 <= 0.010 ? "met" : "MISSED")"
        )
    }
}
