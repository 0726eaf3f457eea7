import Foundation
import MnemoClient
import MnemoQuery
import MnemoTestSupport
import Testing

/// The example scripts under `Queries/`: each `.mq` file runs against a fresh
/// `mnemod`, and its raw protocol answers must equal the `.expected` file
/// beside it (wall-clock times masked). Also checks that
/// `docs/query-language.md` carries every `help` entry word for word.
/// `MNEMO_UPDATE_EXPECTED=1 swift test --filter QueriesTests` regenerates the
/// `.expected` files from the daemon's current answers.
@Suite struct QueriesTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var queriesDirectory: URL { packageRoot.appendingPathComponent("Queries") }

    /// The scripts' file names, sorted.
    static var scripts: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: queriesDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".mq") }.sorted()
    }

    @Test func thereAreScripts() {
        #expect(Self.scripts.count >= 3, "expected the example scripts under \(Self.queriesDirectory.path)")
    }

    /// The storages every script runs on: SQLite, and PostgreSQL when the
    /// test cluster is there (`scripts/test.sh` starts one). Both must give
    /// the same answers, byte for byte.
    static var storages: [String] { PostgresTestServer.available ? ["sqlite", "postgresql"] : ["sqlite"] }

    @Test(arguments: scripts, storages)
    func script(_ name: String, storage: String) throws {
        guard storage == "postgresql" else { return try script(name, config: nil) }
        // Regenerated from SQLite's answers only.
        if ProcessInfo.processInfo.environment["MNEMO_UPDATE_EXPECTED"] == "1" { return }
        try PostgresTestServer.withDatabase { target in
            let socketDirectory = ((PostgresTestServer.socket ?? "") as NSString).deletingLastPathComponent
            try script(
                name,
                config: "storage = postgresql\npostgresql_url = 'postgresql://\(target.user)@/\(target.database)?host=\(socketDirectory)'\n")
        }
    }

    /// Runs the script `name` against a fresh daemon with `config` as its daemon.conf.
    private func script(_ name: String, config: String?) throws {
        let scriptURL = Self.queriesDirectory.appendingPathComponent(name)
        let expectedURL = scriptURL.deletingPathExtension().appendingPathExtension("expected")
        let script = try String(contentsOf: scriptURL, encoding: .utf8)
        let expectedText = try String(contentsOf: expectedURL, encoding: .utf8)

        // The statements: every line that is neither blank nor a comment alone.
        var statements: [(line: Int, text: String)] = []
        for (index, raw) in script.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("--") { continue }
            statements.append((index + 1, line))
        }

        let daemon = try MnemodProcess(MnemodLaunch(config: config), waitUntilServing: 30)
        defer { daemon.stop() }
        let client = try daemon.connect(readTimeout: 30)

        // Every answer line, with the statement that produced it.
        var actual: [(text: String, statement: Int)] = []
        for (i, statement) in statements.enumerated() {
            let answer: [String]
            do {
                answer = try client.request(statement.text).protocolLines
            } catch {
                Issue.record("\(name):\(statement.line): `\(statement.text)` got no answer: \(error)\n\(daemon.log)")
                return
            }
            actual += answer.map { ($0, i) }
        }

        // MNEMO_UPDATE_EXPECTED=1 rewrites the .expected files from this run
        // (masked) instead of comparing: read the diff before committing it.
        if ProcessInfo.processInfo.environment["MNEMO_UPDATE_EXPECTED"] == "1" {
            let text = actual.map { Self.mask($0.text) + "\n" }.joined()
            try text.write(to: expectedURL, atomically: true, encoding: .utf8)
            return
        }

        var expected = expectedText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if expected.last == "" { expected.removeLast() }

        for index in 0..<max(actual.count, expected.count) {
            let got = index < actual.count ? Self.mask(actual[index].text) : nil
            let want = index < expected.count ? Self.mask(expected[index]) : nil
            guard got != want else { continue }
            let origin: String
            if index < actual.count {
                let s = statements[actual[index].statement]
                origin = "the answer to \(name):\(s.line) `\(s.text)`"
            } else {
                origin = "after the last answer (the daemon answered fewer lines than expected)"
            }
            Issue.record(
                """
                \(expectedURL.lastPathComponent) line \(index + 1) differs, in \(origin)
                  expected: \(want ?? "<nothing>")
                  actual:   \(got ?? "<nothing>")
                """)
            return
        }
    }

    @Test func everyHelpEntryIsInTheLanguageDocument() throws {
        let path = Self.packageRoot.appendingPathComponent("docs/query-language.md")
        let document = try String(contentsOf: path, encoding: .utf8)
        #expect(!Help.topics.isEmpty)
        for topic in Help.topics {
            #expect(
                document.contains(topic.text),
                "docs/query-language.md does not carry the help text of '\(topic.statement)' word for word:\n\(topic.text)")
        }
    }

    /// Replaces the value of `"recorded_at"`, `"retracted_at"`, `"created_at"`,
    /// `"started_at"`, `"finished_at"`, `"first_seen"` and `"last_seen"` with `"<now>"` when it is a time later
    /// than 2025-01-01 (those hold the wall-clock time of the run), every
    /// `"duration_ms"` with `<ms>`, and every recall `"score"` with `<score>`
    /// (its base level counts the days since each item's time, up to the run).
    static func mask(_ line: String) -> String {
        let pattern = try! Regex(#""(recorded_at|retracted_at|created_at|started_at|finished_at|first_seen|last_seen)":"([^"]*)""#)
        let masked = line.replacing(pattern) { match -> String in
            let key = match.output[1].substring.map(String.init) ?? ""
            let value = match.output[2].substring.map(String.init) ?? ""
            return value > "2025-01-01" ? "\"\(key)\":\"<now>\"" : String(match.output[0].substring ?? "")
        }
        return masked.replacing(try! Regex(#""duration_ms":[0-9.eE+-]+"#), with: #""duration_ms":"<ms>""#)
            .replacing(try! Regex(#""score":[0-9.eE+-]+"#), with: #""score":"<score>""#)
    }
}
