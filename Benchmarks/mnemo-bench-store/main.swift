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
import BenchmarkSupport
import Foundation
import MnemoModel
import MnemoStore

struct Options {
    var facts = 1_000_000
    var entities = 100_000
    var batch = 1_000
    var lookups = 20_000
    var predicates = 20
    var keep: String?
    var reuse = false
    var mmap = 0

    init(_ arguments: [String]) {
        var i = 1
        func next() -> String { i += 1; return i < arguments.count ? arguments[i] : "" }
        while i < arguments.count {
            switch arguments[i] {
            case "--facts": facts = Int(next()) ?? facts
            case "--entities": entities = Int(next()) ?? entities
            case "--batch": batch = Int(next()) ?? batch
            case "--lookups": lookups = Int(next()) ?? lookups
            case "--keep": keep = next()
            case "--reuse": reuse = true
            case "--mmap": mmap = Int(next()) ?? mmap
            default: print("unknown argument \(arguments[i])"); exit(64)
            }
            i += 1
        }
    }
}




let options = Options(CommandLine.arguments)
let directory = options.keep ?? (NSTemporaryDirectory() + "mnemo-bench-\(getpid())")
let reusing = options.reuse && options.keep != nil && FileManager.default.fileExists(atPath: directory + "/spaces/default.sqlite")
if !reusing { try? FileManager.default.removeItem(atPath: directory) }
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer { if options.keep == nil { try? FileManager.default.removeItem(atPath: directory) } }

var storeOptions = StoreOptions()
storeOptions.cacheSizeKiB = 256 * 1024
storeOptions.mmapSizeBytes = options.mmap
// The layout of a mnemod data directory, so `--keep DIR` leaves a store that
// `mnemod --data-dir DIR` (and mnemo-bench-query) serves as its default space.
try FileManager.default.createDirectory(atPath: directory + "/spaces", withIntermediateDirectories: true)
let store = try MemoryStore(path: directory + "/spaces/default.sqlite", options: storeOptions)
let entityNames = (0..<options.entities).map { "entity \($0)" }
let predicateNames = (0..<options.predicates).map { "relation_\($0)" }

print("mnemo-bench-store: \(options.facts) binary facts, \(options.entities) entities, \(options.predicates) predicates, batches of \(options.batch), mmap_size \(options.mmap)")
var rng = SplitMix64(state: 42)
let ingestStart = monotonicSeconds()
var batchTimes: [Double] = []
var storeSeconds = 0.0   // inside `write` only: without making the random batches
var written = 0
if reusing { print("reusing the store in \(directory): look-ups only") }
while !reusing && written < options.facts {
    let count = min(options.batch, options.facts - written)
    var batch: [FactAssertion] = []
    batch.reserveCapacity(count)
    for _ in 0..<count {
        let p = predicateNames[Int(rng.next() % UInt64(options.predicates))]
        let s = entityNames[Int(rng.next() % UInt64(options.entities))]
        let o = entityNames[Int(rng.next() % UInt64(options.entities))]
        batch.append(FactAssertion(p, [Argument(.entity(s)), Argument(.entity(o))]))
    }
    let t0 = monotonicSeconds()
    try store.write { w in for fact in batch { try w.assert(fact) } }
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
for i in 0..<(options.lookups + 1_000) {
    let p = predicateNames[Int(lookupRNG.next() % UInt64(options.predicates))]
    let s = entityNames[Int(lookupRNG.next() % UInt64(options.entities))]
    let t0 = monotonicSeconds()
    let found = try store.read { try $0.facts(matching: FactPattern(p, entities: s, nil)) }
    let elapsed = monotonicSeconds() - t0
    if i >= 1_000 { latencies.append(elapsed); rows += found.count }   // the first 1,000 warm the caches
}
latencies.sort()
batchTimes.sort()

func ms(_ s: Double) -> String { String(format: "%.3f ms", s * 1000) }
let rate = Double(options.facts) / ingestSeconds
print("")
print("measure                         value            target")
if !reusing {
    print("ingest                          \(String(format: "%-16.0f", rate)) ≥ 100000 facts/s  \(rate >= 100_000 ? "met" : "MISSED")")
    print("ingest total                    \(String(format: "%.2f s", ingestSeconds)) (\(String(format: "%.2f s", storeSeconds)) in the store: \(String(format: "%.0f", Double(options.facts) / storeSeconds)) facts/s without making the batches)")
    print("batch of \(options.batch) p50 / p99       \(ms(percentile(batchTimes, 0.5))) / \(ms(percentile(batchTimes, 0.99)))")
}
print("file size                       \(String(format: "%.1f MiB", Double(size) / 1_048_576))\(reusing ? "" : String(format: " (%.0f bytes/fact)", Double(size) / Double(options.facts)))")
print("lookup p50                      \(ms(percentile(latencies, 0.5)))")
print("lookup p99                      \(ms(percentile(latencies, 0.99)))         ≤ 0.200 ms  \(percentile(latencies, 0.99) <= 0.0002 ? "met" : "MISSED")")
print("lookups                         \(latencies.count), \(String(format: "%.2f", Double(rows) / Double(latencies.count))) facts each on average")
