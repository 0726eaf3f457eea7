// The activation log after heavy read traffic (issue 16, item 7): recall
// latency on a fresh store beside the same store after 1,000,000 recalls,
// with the log folded as this build writes it and unfolded as the previous
// build wrote it, each served by a real mnemod.
//
//   swift build -c release --product mnemod && swift build -c release --product mnemo-bench-activation
//   .build/release/mnemo-bench-activation [--baseline-mnemod PATH] [--recalls 1000000] [--pool 2000] [--queries 2000] [--reuse-logs]
//
// A synthetic memory (episodes, facts, entities in scenes) is written straight
// into a space file at schema version 8, which the previous build also reads.
// The recalls' results come from the daemon itself: a pool of queries is
// recalled once on the fresh store, and the million recalls draw from that pool
// with Zipf popularity (a few questions asked very often, most rarely), each at
// its own time over the last 100 days, so a popular episode is recalled over a
// hundred thousand times. Their activation rows are written as reinforcement
// writes them: through this build's `recordRecalls`, a batch of recalls at a
// time (folded), or as the previous build's plain INSERTs (unfolded, version
// 8). The measured recalls draw from the pool the same way. Every measurement
// serves a fresh copy of its store (this build upgrades its copy to version 9):
// recall reinforces what it returns, so a store measured twice would not be the
// same store.
import ArgumentParser
import BenchmarkSupport
import Foundation
import GRDB
import MnemoClient
import MnemoModel
import MnemoStore
import MnemoTestSupport

@main
struct ActivationLogBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnemo-bench-activation",
        abstract: "Recall latency on a fresh store and after a million recalls, the activation log folded and not.")

    @Option(help: "Where the stores are built and kept between runs.")
    var directory = "/tmp/mnemo-activation"
    @Option(help: "Episodes in the synthetic memory.")
    var episodes = 100_000
    @Option(help: "Facts in the synthetic memory.")
    var facts = 200_000
    @Option(help: "Recalls whose activation rows are added.")
    var recalls = 1_000_000
    @Option(help: "Distinct queries the recalls draw from.")
    var pool = 2_000
    @Option(help: "Recalls measured on each store.")
    var queries = 2_000
    @Option(help: "Recalls written per batch (one reinforcement flush).")
    var batch = 100
    @OptionGroup var mnemod: MnemodOption
    @Option(help: "A previous build's mnemod, measured on the unfolded store beside this one.")
    var baselineMnemod: String?
    @Flag(help: "Measure the stores the last run wrote (same --episodes, --facts, --recalls, --batch, --pool) instead of writing them again.")
    var reuseLogs = false

    func run() throws {
        let binary = mnemod.binary
        let fresh = directory + "/fresh-\(episodes)-\(facts)"
        if !FileManager.default.fileExists(atPath: fresh + "/spaces/default.sqlite") { try buildMemory(at: fresh) }
        let queryPool = try makeQueryPool()
        let popularity = Zipf(count: queryPool.count)
        let results = try recallResults(of: queryPool, store: fresh, binary: binary)
        let events = recallEvents(results, popularity)
        print("\(recalls) recalls drawn from \(queryPool.count) queries: \(events.count) activation rows; the most recalled node \(mostRecalled(events)) times")

        let logs = "\(episodes)-\(facts)-\(recalls)-\(batch)" + (pool == 2_000 ? "" : "-\(pool)")
        let folded = directory + "/folded-" + logs
        let unfolded = directory + "/unfolded-" + logs
        if !reuseLogs || !FileManager.default.fileExists(atPath: folded) || !FileManager.default.fileExists(atPath: unfolded) {
            let tFolded = try writeLog(events, from: fresh, to: folded, fold: true)
            let tUnfolded = try writeLog(events, from: fresh, to: unfolded, fold: false)
            print(String(format: "log written: folded in %.1f s, unfolded in %.1f s", tFolded, tUnfolded))
        }

        print("store                                  mnemod     file MiB  log rows  folded  start s   recall p50   recall p99")
        var runs: [(String, String, String)] = [("fresh", fresh, binary)]
        if let baselineMnemod { runs.append(("fresh", fresh, baselineMnemod)) }
        runs.append(("after \(recalls) recalls, folded", folded, binary))
        if let baselineMnemod { runs.append(("after \(recalls) recalls, unfolded", unfolded, baselineMnemod)) }
        // The upgrade: a previous build's log, served by this build.
        runs.append(("after \(recalls) recalls, unfolded", unfolded, binary))
        for (label, store, daemon) in runs {
            let m = try measure(store: store, binary: daemon, pool: queryPool, popularity: popularity)
            let name =
                label.padding(toLength: 38, withPad: " ", startingAt: 0)
                + (daemon == binary ? "this" : "baseline").padding(toLength: 10, withPad: " ", startingAt: 0)
            print(
                name
                    + String(
                        format: " %8.0f %9d %7d %8.2f %9.3f ms %9.3f ms", m.fileMiB, m.logRows, m.foldedRows, m.start,
                        m.p50 * 1000, m.p99 * 1000))
        }
    }

    // MARK: - The memory

    /// One entity for every five episodes, 10 episodes to a scene.
    var memory: SyntheticMemory {
        SyntheticMemory(episodes: episodes, facts: facts, entities: max(1, episodes / 5), vocabulary: .spelled(4000))
    }

    func buildMemory(at path: String) throws {
        try FileManager.default.createDirectory(atPath: path + "/spaces", withIntermediateDirectories: true)
        var options = Self.versionEight
        options.cacheSizeKiB = 256 * 1024
        let store = try MemoryStore(path: path + "/spaces/default.sqlite", options: options)
        let seconds = try memory.write(into: store)
        try store.checkpoint()
        print(String(format: "built %d episodes and %d facts in %.1f s", episodes, facts, seconds.episodes + seconds.facts))
    }

    /// Options that keep a store at schema version 8, the previous build's.
    static var versionEight: StoreOptions {
        var options = StoreOptions()
        options.migrateUpTo = 8
        return options
    }

    // MARK: - The recalls

    func makeQueryPool() throws -> [String] {
        let memory = memory
        var rng = SplitMix64(state: 99)
        return (0..<pool).map { _ in memory.recallStatement(&rng) }
    }

    /// What each query of the pool returns on the fresh store (ids like `e:17`).
    func recallResults(of pool: [String], store: String, binary: String) throws -> [[NodeID]] {
        try serving(store, binary: binary) { daemon, connection in
            let pattern = try NSRegularExpression(pattern: #""id":"([a-z]):([0-9]+)""#)
            return try pool.map { statement in
                let response = try connection.request(statement)
                guard response.isOK else { throw ValidationError("\(statement): \(response.headerLine)") }
                return response.lines.compactMap { line -> NodeID? in
                    guard let m = pattern.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)),
                        let kind = Range(m.range(at: 1), in: line).flatMap({ NodeKind(rawValue: line[$0].first!) }),
                        let number = Range(m.range(at: 2), in: line).flatMap({ Int64(line[$0]) })
                    else { return nil }
                    return NodeID(kind, number)
                }
            }
        }
    }

    /// Zipf popularity over a pool: the query of rank r is drawn with weight 1/r.
    struct Zipf {
        var cumulative: [Double] = []

        init(count: Int) {
            var total = 0.0
            for rank in 1...max(1, count) {
                total += 1 / Double(rank)
                cumulative.append(total)
            }
        }

        func draw(_ rng: inout SplitMix64) -> Int {
            let u = Double(rng.next() >> 11) / Double(1 << 53) * cumulative.last!
            var low = 0
            var high = cumulative.count - 1
            while low < high {
                let mid = (low + high) / 2
                if cumulative[mid] < u { low = mid + 1 } else { high = mid }
            }
            return low
        }
    }

    /// The activation rows of `recalls` recalls drawn from the pool, oldest
    /// first, spread over the 100 days before now.
    func recallEvents(_ results: [[NodeID]], _ popularity: Zipf) -> [(node: NodeID, at: Int64)] {
        var rng = SplitMix64(state: 7)
        let now = Double(Timestamp.now().microseconds)
        let span = 100 * 86_400_000_000.0
        var events: [(node: NodeID, at: Int64)] = []
        events.reserveCapacity(recalls * 10)
        for i in 0..<recalls {
            let at = Int64(now - span + span * Double(i) / Double(recalls))
            for node in results[popularity.draw(&rng)] { events.append((node, at)) }
        }
        return events
    }

    func mostRecalled(_ events: [(node: NodeID, at: Int64)]) -> Int {
        var counts: [NodeID: Int] = [:]
        for event in events { counts[event.node, default: 0] += 1 }
        return counts.values.max() ?? 0
    }

    /// Copies the fresh store to `path` and adds the recalls' activation rows,
    /// a batch of recalls per transaction. Returns the seconds it took.
    func writeLog(_ events: [(node: NodeID, at: Int64)], from fresh: String, to path: String, fold: Bool) throws -> Double {
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path + "/spaces", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fresh + "/spaces/default.sqlite", toPath: path + "/spaces/default.sqlite")
        let store = try MemoryStore(path: path + "/spaces/default.sqlite", options: fold ? StoreOptions() : Self.versionEight)
        let perBatch = max(1, batch * events.count / max(1, recalls))
        // Unfolded, the log is written as schema 8 wrote it: a row per recall,
        // straight into the file (the store of this build would fold it).
        let file = fold ? nil : try storeFileConnection(store.path)
        let t0 = monotonicSeconds()
        for start in stride(from: 0, to: events.count, by: perBatch) {
            let slice = Array(events[start..<min(events.count, start + perBatch)])
            if let file {
                try file.write { db in
                    let insert = try db.cachedStatement(sql: "INSERT INTO activation(node_kind, node_id, at, event) VALUES (?, ?, ?, 'recalled')")
                    for (node, at) in slice { try insert.execute(arguments: [String(node.kind.rawValue), node.number, at]) }
                }
            } else {
                try store.write { w in try w.recordRecalls(slice) }
            }
        }
        try store.checkpoint()
        return monotonicSeconds() - t0
    }

    // MARK: - Measuring

    struct Measurement {
        var fileMiB: Double, logRows: Int, foldedRows: Int, start: Double, p50: Double, p99: Double
    }

    func measure(store: String, binary: String, pool: [String], popularity: Zipf) throws -> Measurement {
        let file = store + "/spaces/default.sqlite"
        let size = Double((try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0) / 1_048_576
        let (rows, folded) = try DatabaseQueue(path: file).read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM activation") ?? 0,
                try db.tableExists("activation_folded") ? Int.fetchOne(db, sql: "SELECT count(*) FROM activation_folded") ?? 0 : 0
            )
        }
        return try serving(store, binary: binary) { daemon, connection in
            var rng = SplitMix64(state: 3)
            var latencies: [Double] = []
            for i in 0..<(queries + 100) {
                let statement = pool[popularity.draw(&rng)]
                let t0 = monotonicSeconds()
                let response = try connection.request(statement)
                let elapsed = monotonicSeconds() - t0
                guard response.isOK else { throw ValidationError("\(statement): \(response.headerLine)") }
                if i >= 100 { latencies.append(elapsed) }
            }
            latencies.sort()
            return Measurement(
                fileMiB: size, logRows: rows, foldedRows: folded, start: daemon.startSeconds,
                p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99))
        }
    }

    /// Runs `body` against a mnemod serving a fresh copy of the store at `path`, and a connection to it.
    func serving<T>(_ path: String, binary: String, _ body: (MnemodProcess, MnemoConnection) throws -> T) throws -> T {
        let daemon = try MnemodProcess.inScratchDirectory(
            "mnemo-activation-run", serving: path + "/spaces/default.sqlite",
            binary: binary)
        defer { daemon.stop() }
        return try body(daemon, try daemon.connect(readTimeout: nil))
    }
}
