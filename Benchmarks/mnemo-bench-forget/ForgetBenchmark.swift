// What `forget` costs now that it is for good (issue 16, item 6): it merges
// the whole full-text index when it deletes an episode, reads and rewrites
// the consolidation journal, and truncates the WAL. On a store of N episodes
// (one fact for every ten), consolidated once so that the journal holds a run:
// the time of `forget f:` and `forget e:` of random ones, beside the baseline
// of deleting an episode's row alone (what the cascade's core cost before).
//
//   swift build -c release --product mnemo-bench-forget
//   .build/release/mnemo-bench-forget [--episodes N] [--per-scene K] [--forgets F]
import ArgumentParser
import BenchmarkSupport
import Foundation
import GRDB
import MnemoConsolidation
import MnemoModel
import MnemoStore

@main
struct ForgetBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnemo-bench-forget",
        abstract: "What `forget` of a fact and of an episode costs on a consolidated store, beside deleting an episode's row alone.")

    @Option(help: "Episodes in the store (one fact for every ten).")
    var episodes = 100_000
    @Option(help: "Episodes per scene.")
    var perScene = 20
    @Option(help: "Forgets of each kind measured.")
    var forgets = 20

    func validate() throws {
        guard episodes >= 1, perScene >= 1, forgets >= 1 else {
            throw ValidationError("--episodes, --per-scene and --forgets must be at least 1")
        }
    }

    func run() throws {
        let directory = NSTemporaryDirectory() + "mnemo-bench-forget-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try MemoryStore(path: directory + "/default.sqlite")

        // Sentences of 12 words from a vocabulary of 5,000 made-up words: an index
        // with realistic numbers of terms and postings.
        var random = SplitMix64(state: 16)
        let vocabulary = Vocabulary.drawn(5_000, &random)
        let speakers = (0..<200).map { "speaker\($0)" }
        let start = Timestamp(iso8601: "2023-01-01T00:00:00Z")!

        var clock = monotonicSeconds()
        var written = 0
        while written < episodes {
            try store.write { w in
                for i in written..<min(written + 1_000, episodes) {
                    let text = vocabulary.phrase(12, &random) + "."
                    let at = Timestamp(microseconds: start.microseconds + Int64(i) * 60_000_000)
                    let episode = try w.createEpisode(
                        EpisodeInput(
                            text: text, speaker: speakers[random.next(speakers.count)], at: at,
                            scene: "scene \(i / perScene)")
                    ).episodeID
                    if i % 10 == 0 {
                        _ = try w.assert(
                            FactAssertion(
                                "likes",
                                [
                                    Argument(.entity(speakers[random.next(speakers.count)])),
                                    Argument(.literal(.text(vocabulary[random.next(vocabulary.count)]))),
                                ],
                                sources: [episode]))
                    }
                }
            }
            written = min(written + 1_000, episodes)
        }
        print(String(format: "%d episodes, %d facts stored in %.1f s", episodes, episodes / 10, monotonicSeconds() - clock))

        clock = monotonicSeconds()
        let report = try Consolidator(store: store, settings: ConsolidationSettings(), lock: RunLock())
            .run(now: Timestamp(microseconds: start.microseconds + Int64(episodes + 10_000) * 60_000_000))
        // What the store holds, read from its file as any SQLite client would.
        let file = try storeFileConnection(store.path)
        let journal = try file.read { db in
            try Row.fetchOne(db, sql: "SELECT COUNT(*), COALESCE(SUM(length(changeset)), 0) FROM consolidation_pass WHERE changeset IS NOT NULL")
        }
        let changes = try file.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM consolidation_change") ?? 0 }
        print(
            String(
                format: "consolidated in %.1f s: %d changes; the journal holds %d changes, %.1f MB of changesets",
                monotonicSeconds() - clock, report.changes, changes, Double(journal?[1] as Int64? ?? 0) / 1e6))
        try store.checkpoint()
        print(String(format: "file: %.1f MB", Double(store.fileSize()) / 1e6))

        /// Median and p99 of `body` over `ids`, in milliseconds.
        func measure(_ label: String, _ ids: [Int64], _ body: (Int64) throws -> Void) throws {
            var samples: [Double] = []
            for id in ids {
                let t = monotonicSeconds()
                try body(id)
                samples.append((monotonicSeconds() - t) * 1000)
            }
            samples.sort()
            print(
                String(
                    format: "%-46@ median %8.1f ms   p99 %8.1f ms   (%d)", label as NSString, percentile(samples, 0.5), percentile(samples, 0.99), samples.count
                ))
        }

        func pick(_ table: String, _ count: Int) throws -> [Int64] {
            try file.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM \(table) ORDER BY random() LIMIT ?", arguments: [count]) }
        }

        try measure("baseline: DELETE FROM episode (row + trigger)", try pick("episode", forgets)) { id in
            try file.write { db in try db.execute(sql: "DELETE FROM episode WHERE id = ?", arguments: [id]) }
        }
        try measure("forget f: (journal redacted, WAL truncated)", try pick("fact", forgets)) { id in
            _ = try store.write { w in try w.forget(NodeID(.fact, id)) }
        }
        try measure("forget e: (+ full-text index merged)", try pick("episode", forgets)) { id in
            _ = try store.write { w in try w.forget(NodeID(.episode, id)) }
        }
    }
}
