// Recall quality on LoCoMo (issue 6): every turn of the development
// conversations written to a real mnemod over its socket exactly as a client
// would (one space per conversation, `remember` per turn with speaker, session
// time, `in scene "session N"`, `ref` = dia_id, photo caption appended), every
// question of categories 1-4 asked as `recall "<question>" limit 20`, and
// Recall@1/5/10/20 per category and overall — beside plain SQLite FTS5 BM25 over
// the same turns and questions in the same run — plus recall latency p50/p99.
//
//   swift build -c release      (one --product per build: build everything, or run it twice)
//   .build/release/mnemo-eval [--data ../shared/data/locomo] [--mnemod PATH] [--config daemon.conf] [--consolidate]
// --consolidate also scores a consolidated copy of each conversation beside the plain one.
//
// --config hands mnemod a configuration, e.g. to try other recall_* parameters.
import ArgumentParser
import BenchmarkSupport
import Foundation
import GRDB
import MnemoClient
import MnemoIngest
import MnemoTestSupport

@main
struct LocomoEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnemo-eval",
        abstract: "Recall@1/5/10/20 on the LoCoMo questions over a real mnemod, beside SQLite FTS5 BM25, and recall latency.")

    @OptionGroup var data: LocomoData
    @OptionGroup var mnemod: MnemodOption
    @Option(help: "A daemon.conf for mnemod, e.g. to try other recall_* parameters.")
    var config: String?
    @Flag(help: "Also score a consolidated copy of each conversation beside the plain one.")
    var consolidate = false

    func run() throws {
        let files = try data.files()
        let daemon = try MnemodProcess.inScratchDirectory(
            "mnemo-eval", binary: mnemod.binary,
            extraArguments: config.map { ["--config", $0] } ?? [])
        defer { daemon.stop() }
        let connection = try daemon.connect(readTimeout: nil)

        var mnemo = Scores()
        var bm25 = Scores()
        var consolidated = Scores()
        var consolidationMs: [Double] = []
        var latencies: [Double] = []
        var asked = 0
        for file in files {
            let chat = try ChatImport.load(path: data.path(file))
            let space = "locomo-" + file.replacingOccurrences(of: ".json", with: "")
            func ingest(into space: String) throws {
                _ = try connection.request("use space \(StatementInfo.quoted(space))")
                try connection.pipeline(chat.turns.map(\.statement)) { _, _ in }
            }
            // With --consolidate, the same turns also go to a second space that is
            // consolidated before any question is asked (recall reinforces what it
            // returns, so the two must not share a space).
            if consolidate {
                try ingest(into: space + "-consolidated")
                let t0 = monotonicSeconds()
                let response = try connection.request("consolidate")
                guard response.isOK else {
                    print("consolidate failed: \(response)")
                    throw ExitCode(1)
                }
                consolidationMs.append((monotonicSeconds() - t0) * 1000)
            }
            try ingest(into: space)
            // The baseline: the same turns in a plain FTS5 table, BM25-ranked.
            let baseline = try DatabaseQueue()
            try baseline.write { db in
                try db.execute(sql: "CREATE VIRTUAL TABLE t USING fts5(ref UNINDEXED, text, tokenize = 'porter unicode61 remove_diacritics 2')")
                for turn in chat.turns { try db.execute(sql: "INSERT INTO t(ref, text) VALUES (?, ?)", arguments: [turn.ref, turn.text]) }
            }
            // The questions are asked back to back, the answers kept; scoring them and
            // the baseline come after. (Interleaved, the client's own parsing and FTS5
            // work between two requests pushed the daemon out of the CPU caches, and
            // the latency measured that as much as recall.)
            let asking = try data.questions(file).compactMap(Question.init)
            var answers: [[String]] = []
            answers.reserveCapacity(asking.count)
            for q in asking {
                let t0 = monotonicSeconds()
                let response = try connection.request("recall \(StatementInfo.quoted(q.text)) limit 20")
                latencies.append(monotonicSeconds() - t0)
                answers.append(response.lines)
            }
            var afterConsolidation: [[String]] = []
            if consolidate {
                _ = try connection.request("use space \(StatementInfo.quoted(space + "-consolidated"))")
                afterConsolidation = try asking.map { try connection.request("recall \(StatementInfo.quoted($0.text)) limit 20").lines }
            }
            func refs(_ lines: [String]) -> [String] {
                lines.compactMap { line -> String? in
                    guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
                    return object["ref"] as? String
                }
            }
            for (i, q) in asking.enumerated() {
                asked += 1
                mnemo.add(category: q.category, ranked: refs(answers[i]), evidence: q.evidence)
                if consolidate { consolidated.add(category: q.category, ranked: refs(afterConsolidation[i]), evidence: q.evidence) }
                let words = Set(Analyzer.tokens(q.text).map(\.text).filter { !Analyzer.stopWords.contains($0) })
                let match = words.sorted().map { "\"\($0)\"" }.joined(separator: " OR ")
                let refs =
                    match.isEmpty
                    ? []
                    : try baseline.read { db in
                        try String.fetchAll(db, sql: "SELECT ref FROM t WHERE t MATCH ? ORDER BY bm25(t) LIMIT 20", arguments: [match])
                    }
                bm25.add(category: q.category, ranked: refs, evidence: q.evidence)
            }
        }

        let names = [1: "multi-hop", 2: "temporal", 3: "open-domain", 4: "single-hop"]
        print("LoCoMo development conversations: \(files.count), questions (categories 1-4): \(asked)")
        print("")
        /// One table: a row per category and one overall, `scores` at every k, then `beside` for the category.
        func table(_ header: String, _ scores: Scores, beside: (Int?) -> String) {
            print(header)
            for category in [1, 2, 3, 4, nil] as [Int?] {
                let label = category.map { "\($0) \(names[$0]!)" } ?? "overall"
                let n = category.map { scores.counts[$0] ?? 0 } ?? asked
                let ours = Scores.ks.map { String(format: "%.3f", scores.recall(category, $0)) }.joined(separator: " ")
                print(label.padding(toLength: 16, withPad: " ", startingAt: 0) + String(format: "%4d", n) + "   " + ours + " | " + beside(category))
            }
        }
        table("category          n     recall R@1  R@5   R@10  R@20 | FTS5 BM25 R@1  R@5   R@10  R@20", mnemo) { category in
            "    " + Scores.ks.map { String(format: "%.3f", bm25.recall(category, $0)) }.joined(separator: " ")
        }
        if consolidate {
            print("")
            print("after one consolidation run (same turns, a space of their own):")
            table("category          n     recall R@1  R@5   R@10  R@20 | change in R@10", consolidated) { category in
                String(format: "%+.3f", consolidated.recall(category, 10) - mnemo.recall(category, 10))
            }
            print("consolidation time per conversation: " + consolidationMs.map { String(format: "%.0f ms", $0) }.joined(separator: ", "))
        }
        latencies.sort()
        func ms(_ p: Double) -> String { String(format: "%.3f ms", percentile(latencies, p) * 1000) }
        print("")
        print("recall latency over the socket: p50 \(ms(0.5)), p99 \(ms(0.99))   (target p50 ≤ 0.3 ms)")
        print("targets: overall R@10 ≥ 0.65 and above BM25 in every category; multi-hop R@10 ≥ 0.45")
    }
}

/// A question of categories 1-4 and the refs of its evidence turns.
struct Question {
    var text: String
    var category: Int
    var evidence: Set<String>

    /// A `qa` entry of a LoCoMo file; nil for another category or one that names no evidence turn.
    init?(_ qa: [String: Any]) {
        guard let category = qa["category"] as? Int, (1...4).contains(category), let text = qa["question"] as? String,
            let evidence = qa["evidence"] as? [String]
        else { return nil }
        let refs = Set(evidence.flatMap { $0.split(whereSeparator: { $0 == ";" || $0 == " " || $0 == "," }) }.map(String.init).filter { $0.hasPrefix("D") })
        guard !refs.isEmpty else { return nil }
        self.text = text
        self.category = category
        self.evidence = refs
    }
}

/// Recall@k of ranked refs against the evidence, per category.
struct Scores {
    static let ks = [1, 5, 10, 20]

    var sums: [Int: [Int: Double]] = [:] // category → k → sum
    var counts: [Int: Int] = [:]

    mutating func add(category: Int, ranked: [String], evidence: Set<String>) {
        counts[category, default: 0] += 1
        for k in Self.ks {
            let hits = Set(ranked.prefix(k)).intersection(evidence).count
            sums[category, default: [:]][k, default: 0] += Double(hits) / Double(evidence.count)
        }
    }

    func recall(_ category: Int?, _ k: Int) -> Double {
        if let category { return (sums[category]?[k] ?? 0) / Double(max(1, counts[category] ?? 0)) }
        let total = counts.values.reduce(0, +)
        return sums.values.reduce(0) { $0 + ($1[k] ?? 0) } / Double(max(1, total))
    }
}
