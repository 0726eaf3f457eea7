// Ingestion measurement on LoCoMo (issue 5): every turn of the development
// conversations written to a real mnemod over its socket, as `mnemo
// import-chat` does (pipelined `remember`s, a sliding window of two batches),
// then the temporal check.
//
//   swift build -c release      (one --product per build: build everything, or run it twice)
//   .build/release/mnemo-bench-ingest [--data ../shared/data/locomo] [--mnemod PATH] [--batch 250] [--rounds 5]
//
// Each round ingests every conversation into fresh spaces of its own. Prints
// episodes/s of each round and their median (target ≥ 5,000/s with
// extraction), and for temporal
// questions (category 2) whose gold answer names an absolute day, month or
// year, the share whose evidence episode carries a resolved interval
// containing that date.
import ArgumentParser
import BenchmarkSupport
import Foundation
import MnemoClient
import MnemoIngest
import MnemoModel
import MnemoTestSupport

@main
struct IngestBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnemo-bench-ingest",
        abstract: "Every turn of the LoCoMo conversations written to a real mnemod over its socket, timed; then the temporal check.")

    @OptionGroup var data: LocomoData
    @OptionGroup var mnemod: MnemodOption
    @Option(help: "remember statements in flight, as `mnemo import-chat` sends them.")
    var batch = 250
    @Option(help: "Times every conversation is ingested, each into fresh spaces; the median is judged.")
    var rounds = 5

    func validate() throws {
        guard batch >= 1, rounds >= 1 else { throw ValidationError("--batch and --rounds must be at least 1") }
    }

    func run() throws {
        let files = try data.files()
        let daemon = try MnemodProcess.inScratchDirectory("mnemo-ingest", binary: mnemod.binary)
        defer { daemon.stop() }
        let connection = try daemon.connect(readTimeout: nil)

        // 1. Ingest, timed: every round into spaces of its own (the first round's are checked below).
        var total = 0
        var roundRates: [Double] = []
        var conversations: [(name: String, chat: ChatImport)] = []
        for file in files {
            let chat = try ChatImport.load(path: data.path(file))
            conversations.append(("locomo-" + file.replacingOccurrences(of: ".json", with: ""), chat))
        }
        for round in 1...rounds {
            var turns = 0
            var elapsed = 0.0
            for (space, chat) in conversations {
                _ = try connection.request("use space \(StatementInfo.quoted(round == 1 ? space : "\(space)-round\(round)"))")
                let t0 = monotonicSeconds()
                try connection.pipeline(chat.turns.map(\.statement), batch: batch) { _, response in
                    if !response.isOK { print("refused: \(response.headerLine)") }
                }
                elapsed += monotonicSeconds() - t0
                turns += chat.turns.count
            }
            total = turns
            roundRates.append(Double(turns) / elapsed)
            print(String(format: "round %d: %d turns in %.3f s, %.0f episodes/s", round, turns, elapsed, Double(turns) / elapsed))
        }

        // 2. The temporal check.
        let resolver = TemporalResolver()
        var eligible = 0
        var covered = 0
        for (space, _) in conversations {
            _ = try connection.request("use space \(StatementInfo.quoted(space))")
            // Every episode's times, by ref, from the scenes.
            var timesByRef: [String: [TimeRange]] = [:]
            let scenes = try connection.request("scenes")
            for line in scenes.lines {
                guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                    let id = object["id"] as? String
                else { continue }
                for episodeLine in try connection.request("scene \(id)").lines {
                    guard let e = try JSONSerialization.jsonObject(with: Data(episodeLine.utf8)) as? [String: Any],
                        e["kind"] as? String == "episode", let ref = e["ref"] as? String
                    else { continue }
                    let times = (e["times"] as? [[String: Any]] ?? []).compactMap { t -> TimeRange? in
                        guard let from = (t["from"] as? String).flatMap({ Timestamp(iso8601: $0) }),
                            let to = (t["to"] as? String).flatMap({ Timestamp(iso8601: $0) })
                        else { return nil }
                        return TimeRange(from: from, to: to)
                    }
                    timesByRef[ref] = times
                }
            }
            for q in try data.questions(space.replacingOccurrences(of: "locomo-", with: "") + ".json").compactMap(TemporalQuestion.init) {
                guard let gold = q.goldPeriod(resolver), let from = gold.from, let to = gold.to else { continue }
                eligible += 1
                let hit = q.evidence.contains { ref in
                    (timesByRef[ref] ?? []).contains { t in (t.from ?? from) <= from && to <= (t.to ?? to) }
                }
                if hit { covered += 1 }
            }
        }

        print("conversations \(files.count), turns \(total)")
        let median = roundRates.sorted()[roundRates.count / 2]
        print(
            String(
                format: "ingest over the socket, median of %d rounds: %.0f episodes/s (min %.0f, max %.0f)   target ≥ 5000/s: %@",
                rounds, median, roundRates.min()!, roundRates.max()!, median >= 5000 ? "met" : "MISSED"))
        print(
            String(
                format: "temporal questions with an absolute gold date: %d; evidence episode carries an interval containing it: %d (%.1f%%)",
                eligible, covered, eligible > 0 ? 100 * Double(covered) / Double(eligible) : 0))
    }
}

/// A temporal question (category 2): its gold answer and the refs of its evidence turns.
struct TemporalQuestion {
    var answer: String
    var evidence: [String]

    /// A `qa` entry of a LoCoMo file; nil for another category.
    init?(_ qa: [String: Any]) {
        guard qa["category"] as? Int == 2, let evidence = qa["evidence"] as? [String] else { return nil }
        answer = (qa["answer"] as? String) ?? (qa["answer"] as? Int).map(String.init) ?? ""
        self.evidence = evidence
    }

    /// The absolute period the gold answer names, when the whole answer is one
    /// date, month or year ("7 May 2023", "June 2023", "2022", "in 2022").
    func goldPeriod(_ resolver: TemporalResolver) -> TimeRange? {
        let cleaned = answer.trimmingCharacters(in: CharacterSet(charactersIn: " .").union(.whitespaces))
        let mentions = resolver.resolve(cleaned, at: Timestamp(year: 2100, month: 1, day: 1))
        guard mentions.count == 1, let m = mentions.first, m.text.contains(where: \.isNumber),
            m.text.range(of: #"(19|20)\d\d"#, options: .regularExpression) != nil
        else { return nil }
        let rest = cleaned.replacingOccurrences(of: m.text, with: "").trimmingCharacters(in: .whitespaces).lowercased()
        guard ["", "in", "on", "the", "in the", "on the"].contains(rest) else { return nil }
        return m.range
    }
}
