// mnemo-eval --sweep: choosing daemon.conf parameters by leaving one
// conversation out (issue 18 item 8; docs/recall.md#choosing-parameters).
//
// Every combination of the swept values runs on a daemon of its own, started
// for it in an empty directory with its own daemon.conf (the --config file, or
// the daemon's defaults, with the swept keys set), which ingests the
// conversations and answers their questions exactly as the plain run does and
// is then stopped: recall reinforces what it returns, so no combination may
// see another's recalls — a fresh daemon over fresh spaces shares nothing at
// all with the one before (not a space, not a cache), at about a second's
// ingest per combination. The selection itself is LeaveOneOut
// (Benchmarks/Support/ParameterSweep.swift), tested in BenchmarkSupportTests.
import ArgumentParser
import BenchmarkSupport
import Foundation
import MnemoClient
import MnemoIngest
import MnemoServer
import MnemoTestSupport

extension LocomoEval {
    /// A conversation, read once for every combination.
    struct Conversation {
        var file: String
        var turns: [String]
        var questions: [Question]
        var space: String { "locomo-" + file.replacingOccurrences(of: ".json", with: "") }
    }

    func runSweep(_ files: [String]) throws {
        let sweep: ParameterSweep
        let metric: RecallMetric
        do throws(SweepError) {
            sweep = try ParameterSweep(arguments: sweeps, knownKeys: DaemonConfig.keys)
            metric = try RecallMetric(parsing: self.metric ?? "r10")
        } catch {
            throw ValidationError(error.description)
        }
        let combinations = sweep.combinations
        // Every combination's daemon.conf, checked by the daemon's own reader
        // before anything runs: the base first (its errors at its file:line),
        // then each swept value over it, then the text the daemon will read.
        let configurations = try combinations.map { try SweepConfiguration.text(base: config, overrides: $0) }

        let conversations = try files.map { file in
            Conversation(
                file: file, turns: try ChatImport.load(path: data.path(file)).turns.map(\.statement),
                questions: try data.questions(file).compactMap(Question.init))
        }
        guard conversations.count >= 2 else {
            print("--sweep leaves one conversation out: it needs at least two, \(data.directory) has \(conversations.count)")
            throw ExitCode(66)
        }

        let questionCount = conversations.map(\.questions.count).reduce(0, +)
        print("LoCoMo development conversations: \(files.count), questions (categories 1-4): \(questionCount)")
        print(
            "sweep: \(combinations.count) combination(s) of "
                + sweep.axes.map { "\($0.key) (\($0.values.joined(separator: ", ")))" }.joined(separator: " × ")
                + " over " + (config.map { "the keys of \($0)" } ?? "the daemon's defaults"))
        print(
            "each on a fresh mnemod over fresh spaces"
                + (consolidate ? ", each conversation consolidated once before its questions" : "")
                + "; chosen by \(metric)")
        print("")

        var scores: [[LocomoScores]] = [] // [combination][conversation]
        let started = monotonicSeconds()
        for (i, combination) in combinations.enumerated() {
            let t0 = monotonicSeconds()
            let measured = try measure(configuration: configurations[i], conversations)
            scores.append(measured)
            let all = measured.reduce(into: LocomoScores()) { $0.add($1) }
            FileHandle.standardError.write(
                Data(
                    ("[\(i + 1)/\(combinations.count)] \(ParameterSweep.label(combination)): \(metric) "
                        + String(format: "%.3f (%.1f s)\n", metric.cell(all).mean, monotonicSeconds() - t0)).utf8))
        }

        let cells = scores.map { $0.map(metric.cell) }
        let result = LeaveOneOut.select(cells)
        let labels = combinations.map(ParameterSweep.label)
        let width = max(11, labels.map(\.count).max() ?? 0)
        func pad(_ text: String, _ n: Int) -> String { text.padding(toLength: n, withPad: " ", startingAt: 0) }
        func names(_ k: Int) -> String { conversations[k].file.replacingOccurrences(of: ".json", with: "") }

        print("\(metric), per conversation (questions: " + cells[0].map { String($0.count) }.joined(separator: ", ") + "):")
        print(
            " #  " + pad("combination", width)
                + conversations.indices.map { " " + String(repeating: " ", count: max(0, 6 - names($0).count)) + names($0) }.joined() + "   all five")
        for (c, row) in cells.enumerated() {
            print(
                String(format: "%2d  ", c + 1) + pad(labels[c], width) + row.map { String(format: " %6.3f", $0.mean) }.joined()
                    + String(format: "   %6.3f", LeaveOneOut.score(row, over: row.indices)))
        }
        print("")
        print("leave one conversation out: the combination best on the others (pooled over their questions), scored on the one held out")
        print("held out          n   chosen" + String(repeating: " ", count: max(0, width - 2)) + "others  held out")
        for fold in result.folds {
            print(
                pad("conversation " + names(fold.heldOut), 16) + String(format: "%4d", cells[0][fold.heldOut].count) + "   "
                    + pad(String(format: "#%d ", fold.chosen + 1) + labels[fold.chosen], width + 4)
                    + String(format: "%6.3f    %6.3f", fold.trainingScore, fold.heldOutScore))
        }
        print("")
        print(
            "LOO \(metric): " + String(format: "%.3f", result.score)
                + String(format: "   (every question scored with the combination chosen without its conversation; mean of the folds %.3f)", result.meanOfFolds))
        let tied = cells.indices.filter { $0 != result.best && LeaveOneOut.score(cells[$0], over: cells[$0].indices) == result.bestScore }
        print(
            "best on all five: #\(result.best + 1) \(labels[result.best]): " + String(format: "%.3f", result.bestScore)
                + (tied.isEmpty ? "" : "   (tied with " + tied.map { "#\($0 + 1)" }.joined(separator: ", ") + ")"))
        print(String(format: "gap (best on all five − LOO): %+.3f", result.gap))
        let base = try SweepConfiguration.baseValues(config)
        if let c = combinations.firstIndex(where: { $0.allSatisfy { SweepConfiguration.same($0.value, base[$0.key]) } }) {
            let score = LeaveOneOut.score(cells[c], over: cells[c].indices)
            print(
                "base (\(config ?? "the defaults")): #\(c + 1), on all five " + String(format: "%.3f", score)
                    + String(format: "; LOO − base: %+.3f", result.score - score))
        } else {
            print(
                "base (\(config ?? "the defaults")): not in the grid ("
                    + sweep.axes.map { "\($0.key) = \(base[$0.key] ?? "unset")" }.joined(separator: ", ") + ")")
        }
        print(String(format: "measured in %.0f s", monotonicSeconds() - started))
    }

    /// One combination: a daemon of its own, every conversation ingested into a
    /// space of its own (consolidated first with --consolidate), every question
    /// asked as the plain run asks it; the daemon stopped and its directory
    /// removed before this returns.
    func measure(configuration: String, _ conversations: [Conversation]) throws -> [LocomoScores] {
        let daemon = try MnemodProcess.inScratchDirectory("mnemo-eval-sweep", binary: mnemod.binary, configuration: configuration)
        defer { daemon.stop() }
        let connection = try daemon.connect(readTimeout: nil)
        func fail(_ what: String, _ response: Response) throws -> Never {
            print("\(what) failed: \(response)")
            throw ExitCode(1)
        }
        return try conversations.map { conversation in
            let use = try connection.request("use space \(StatementInfo.quoted(conversation.space))")
            if !use.isOK { try fail("use space", use) }
            var refused: Response? = nil
            try connection.pipeline(conversation.turns) { _, response in
                if !response.isOK, refused == nil { refused = response }
            }
            if let refused { try fail("remember in \(conversation.space)", refused) }
            if consolidate {
                let response = try connection.request("consolidate")
                if !response.isOK { try fail("consolidate", response) }
            }
            var scores = LocomoScores()
            for q in conversation.questions {
                let response = try connection.request("recall \(StatementInfo.quoted(q.text)) limit 20")
                if !response.isOK { try fail("recall", response) }
                scores.add(category: q.category, ranked: Question.refs(response.lines), evidence: q.evidence)
            }
            return scores
        }
    }
}

extension LeaveOneOut.Cell {
    var mean: Double { count == 0 ? 0 : sum / Double(count) }
}

extension SweepConfiguration {
    /// Each key's value in the base: `--config`'s, else the default.
    static func baseValues(_ path: String?) throws -> [String: String] {
        var values: [String: String] = [:]
        for key in DaemonConfig.table { values[key.name] = key.defaultValue }
        if let path {
            do throws(ConfigError) {
                for entry in try ConfigFile.read(path: path) { values[entry.key] = entry.value }
            } catch {
                throw ValidationError("--config: \(error)")
            }
        }
        return values
    }

    /// Whether a swept value is the base's: the same text, or the same number.
    static func same(_ value: String, _ base: String?) -> Bool {
        guard let base else { return false }
        if value == base { return true }
        guard let a = Double(value), let b = Double(base) else { return false }
        return a == b
    }
}

/// The daemon.conf of one combination: the base file's entries (its relative
/// rules_file made absolute, as the file moves) with the swept keys set.
enum SweepConfiguration {
    static func text(base path: String?, overrides: ParameterSweep.Combination) throws -> String {
        var config = DaemonConfig()
        var entries: [(key: String, value: String)] = []
        do throws(ConfigError) {
            if let path {
                config = try DaemonConfig.load(path: path)
                let directory = ((path as NSString).deletingLastPathComponent as NSString)
                for entry in try ConfigFile.read(path: path) where !overrides.contains(where: { $0.key == entry.key }) {
                    let value =
                        entry.key == "rules_file" && !entry.value.hasPrefix("/") ? directory.appendingPathComponent(entry.value) : entry.value
                    entries.append((entry.key, value))
                }
            }
        } catch {
            throw ValidationError("--config: \(error)")
        }
        for (key, value) in overrides {
            do throws(ConfigError) {
                // "--sweep" as the file: a relative rules_file is taken as given
                // (relative to the current directory), as for a flag.
                try config.apply(key: key, value: value, file: "--sweep", line: 0)
            } catch {
                throw ValidationError("--sweep \(key)=\(value): \(error.message)")
            }
            let absolute = key == "rules_file" && !value.hasPrefix("/") ? FileManager.default.currentDirectoryPath + "/" + value : value
            entries.append((key, absolute))
        }
        let label = ParameterSweep.label(overrides)
        let text =
            "# mnemo-eval --sweep: \(label)" + (path.map { ", over \($0)" } ?? "") + "\n"
            + entries.map { "\($0.key) = '\($0.value.replacingOccurrences(of: "'", with: "''"))'\n" }.joined()
        // What the daemon will read, read back as it will.
        do throws(ConfigError) {
            var check = DaemonConfig()
            for entry in try ConfigFile.parse(text, file: "the configuration of \(label)") {
                try check.apply(key: entry.key, value: entry.value, file: "the configuration of \(label)", line: entry.line)
            }
        } catch {
            throw ValidationError("\(error)")
        }
        return text
    }
}
