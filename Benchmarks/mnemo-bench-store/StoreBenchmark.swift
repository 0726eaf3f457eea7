// Store benchmark (issue 2): ingest of binary facts in batches, then point
// look-ups by predicate and subject, on a real SQLite file.
//
//   swift run -c release mnemo-bench-store [--facts N] [--entities N] [--batch N] [--lookups N] [--keep DIR [--reuse]] [--mmap BYTES]
//
// With --keep DIR the store stays in DIR/spaces/default.sqlite for mnemo-bench-query;
// --reuse then skips the ingest when that store exists and measures look-ups only.
// --mmap reads that much of the file through a memory map (mnemod never does:
// docs/operations.md, What an OK promises); default 0, as mnemod.
//
// Prints facts/s, the file size, and look-up latency p50/p99 beside the
// targets of the issue (≥ 100,000 facts/s; p99 ≤ 0.2 ms). The rate judged is
// over the whole loop, making the random batches included; the time spent in
// the store alone is printed beside it.
import ArgumentParser
import BenchmarkSupport
import Foundation
import MnemoModel
import MnemoStore

@main
struct StoreBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnemo-bench-store",
        abstract: "Ingest of binary facts in batches, then point look-ups by predicate and subject, on a real SQLite file.")

    @Option(help: "Binary facts to assert.")
    var facts = 1_000_000
    @Option(help: "Entities the facts' arguments are drawn from.")
    var entities = 100_000
    @Option(help: "Facts per transaction.")
    var batch = 1_000
    @Option(help: "Point look-ups measured (after 1,000 that warm the caches).")
    var lookups = 20_000
    @Option(help: "Keep the store in DIR/spaces/default.sqlite (for mnemo-bench-query, or mnemod --data-dir DIR).")
    var keep: String?
    @Flag(help: "With --keep: when DIR already holds a store, skip the ingest and measure look-ups only.")
    var reuse = false
    @Option(help: "Bytes of the file read through a memory map (mnemod: 0).")
    var mmap = 0

    /// The predicates the facts are drawn from.
    var predicates: Int { 20 }

    func validate() throws {
        guard facts >= 1, entities >= 1, batch >= 1, lookups >= 1 else {
            throw ValidationError("--facts, --entities, --batch and --lookups must be at least 1")
        }
        guard mmap >= 0 else { throw ValidationError("--mmap must be 0 or more bytes") }
    }

    func run() throws {
        let directory = keep ?? (NSTemporaryDirectory() + "mnemo-bench-\(getpid())")
        let reusing = reuse && keep != nil && FileManager.default.fileExists(atPath: directory + "/spaces/default.sqlite")
        if !reusing { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { if keep == nil { try? FileManager.default.removeItem(atPath: directory) } }

        var storeOptions = StoreOptions()
        storeOptions.cacheSizeKiB = 256 * 1024
        storeOptions.mmapSizeBytes = mmap
        // The layout of a mnemod data directory, so `--keep DIR` leaves a store that
        // `mnemod --data-dir DIR` (and mnemo-bench-query) serves as its default space.
        try FileManager.default.createDirectory(atPath: directory + "/spaces", withIntermediateDirectories: true)
        let store = try MemoryStore(path: directory + "/spaces/default.sqlite", options: storeOptions)
        let entityNames = (0..<entities).map { "entity \($0)" }
        let predicateNames = (0..<predicates).map { "relation_\($0)" }

        print("mnemo-bench-store: \(facts) binary facts, \(entities) entities, \(predicates) predicates, batches of \(batch), mmap_size \(mmap)")
        var rng = SplitMix64(state: 42)
        let ingestStart = monotonicSeconds()
        var batchTimes: [Double] = []
        var storeSeconds = 0.0 // inside `write` only: without making the random batches
        var written = 0
        if reusing { print("reusing the store in \(directory): look-ups only") }
        while !reusing && written < facts {
            let count = min(batch, facts - written)
            var assertions: [FactAssertion] = []
            assertions.reserveCapacity(count)
            for _ in 0..<count {
                let p = predicateNames[Int(rng.next() % UInt64(predicates))]
                let s = entityNames[Int(rng.next() % UInt64(entities))]
                let o = entityNames[Int(rng.next() % UInt64(entities))]
                assertions.append(FactAssertion(p, [Argument(.entity(s)), Argument(.entity(o))]))
            }
            let t0 = monotonicSeconds()
            try store.write { w in for fact in assertions { try w.assert(fact) } }
            storeSeconds += monotonicSeconds() - t0
            batchTimes.append(monotonicSeconds() - t0)
            written += count
        }
        let ingestSeconds = monotonicSeconds() - ingestStart
        try store.checkpoint()
        let size = store.fileSize()

        var lookupRNG = SplitMix64(state: 7)
        var latencies: [Double] = []
        var rows = 0
        for i in 0..<(lookups + 1_000) {
            let p = predicateNames[Int(lookupRNG.next() % UInt64(predicates))]
            let s = entityNames[Int(lookupRNG.next() % UInt64(entities))]
            let t0 = monotonicSeconds()
            let found = try store.read { try $0.facts(matching: FactPattern(p, entities: s, nil)) }
            let elapsed = monotonicSeconds() - t0
            if i >= 1_000 {
                latencies.append(elapsed)
                rows += found.count
            } // the first 1,000 warm the caches
        }
        latencies.sort()
        batchTimes.sort()

        func ms(_ s: Double) -> String { String(format: "%.3f ms", s * 1000) }
        let rate = Double(facts) / ingestSeconds
        print("")
        print("measure                         value            target")
        if !reusing {
            print("ingest                          \(String(format: "%-16.0f", rate)) ≥ 100000 facts/s  \(rate >= 100_000 ? "met" : "MISSED")")
            print(
                "ingest total                    \(String(format: "%.2f s", ingestSeconds)) (\(String(format: "%.2f s", storeSeconds)) in the store: \(String(format: "%.0f", Double(facts) / storeSeconds)) facts/s without making the batches)"
            )
            print("batch of \(batch) p50 / p99       \(ms(percentile(batchTimes, 0.5))) / \(ms(percentile(batchTimes, 0.99)))")
        }
        print(
            "file size                       \(String(format: "%.1f MiB", Double(size) / 1_048_576))\(reusing ? "" : String(format: " (%.0f bytes/fact)", Double(size) / Double(facts)))"
        )
        print("lookup p50                      \(ms(percentile(latencies, 0.5)))")
        print(
            "lookup p99                      \(ms(percentile(latencies, 0.99)))         ≤ 0.200 ms  \(percentile(latencies, 0.99) <= 0.0002 ? "met" : "MISSED")"
        )
        print("lookups                         \(latencies.count), \(String(format: "%.2f", Double(rows) / Double(latencies.count))) facts each on average")
    }
}
