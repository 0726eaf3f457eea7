import Foundation
import MnemoClient
#if canImport(Glibc)
import Glibc
#endif
import MnemoQuery
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

    @Test(arguments: scripts)
    func script(_ name: String) throws {
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

        let daemon = try ScriptDaemon()
        defer { daemon.stop() }
        let client = try daemon.connect()

        // Every answer line, with the statement that produced it.
        var actual: [(text: String, statement: Int)] = []
        for (i, statement) in statements.enumerated() {
            let answer: [String]
            do {
                answer = try client.rawAnswer(statement.text)
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
            Issue.record("""
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
            #expect(document.contains(topic.text),
                    "docs/query-language.md does not carry the help text of '\(topic.statement)' word for word:\n\(topic.text)")
        }
    }

    /// Replaces the value of `"recorded_at"`, `"retracted_at"`, `"created_at"`,
    /// `"started_at"`, `"finished_at"`, `"first_seen"` and `"last_seen"` with `"<now>"` when it is a time later
    /// than 2025-01-01 (those hold the wall-clock time of the run), and every
    /// `"duration_ms"` with `<ms>`.
    static func mask(_ line: String) -> String {
        let pattern = try! Regex(#""(recorded_at|retracted_at|created_at|started_at|finished_at|first_seen|last_seen)":"([^"]*)""#)
        let masked = line.replacing(pattern) { match -> String in
            let key = match.output[1].substring.map(String.init) ?? ""
            let value = match.output[2].substring.map(String.init) ?? ""
            return value > "2025-01-01" ? "\"\(key)\":\"<now>\"" : String(match.output[0].substring ?? "")
        }
        return masked.replacing(try! Regex(#""duration_ms":[0-9.eE+-]+"#), with: #""duration_ms":"<ms>""#)
    }
}

enum ScriptError: Error, CustomStringConvertible {
    case message(String)
    var description: String { if case .message(let m) = self { m } else { "" } }
}

/// A real `mnemod` in a fresh directory under /tmp (short, so the socket path fits).
final class ScriptDaemon {
    let directory: String
    let socketPath: String
    let logPath: String
    private(set) var process = Process()

    /// `MNEMOD` from the environment; else a `mnemod` beside the test executable
    /// (or up to two directories above it); else `.build/debug/mnemod`.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["MNEMOD"], !path.isEmpty { return path }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("mnemod").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir.deleteLastPathComponent()
        }
        return QueriesTests.packageRoot.appendingPathComponent(".build/debug/mnemod").path
    }

    init() throws {
        directory = "/tmp/mq-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        socketPath = directory + "/m.sock"
        logPath = directory + "/mnemod.log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        // Foundation's Process can fail to spawn with EBADF when other threads of the
        // test run spawn at the same moment; a fresh Process on the next try works.
        var attempt = 0
        while true {
            process.executableURL = URL(fileURLWithPath: Self.binary)
            process.arguments = ["--data-dir", directory + "/data", "--socket", socketPath]
            process.standardError = FileHandle(forWritingAtPath: logPath)
            process.standardOutput = FileHandle.nullDevice
            do {
                try process.run()
                break
            } catch {
                attempt += 1
                if attempt < 5 {
                    process = Process()
                    usleep(50_000)
                    continue
                }
                try? FileManager.default.removeItem(atPath: directory)
                throw ScriptError.message("cannot start \(Self.binary): \(error)")
            }
        }
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if !process.isRunning {
                let log = self.log
                stop()
                throw ScriptError.message("mnemod exited with \(process.terminationStatus): \(log)")
            }
            if let client = try? MnemoConnection(socketPath: socketPath), (try? client.rawAnswer("ping")) == ["OK 1", "{\"kind\":\"pong\"}"] {
                return
            }
            usleep(20_000)
        }
        let log = self.log
        stop()
        throw ScriptError.message("mnemod did not answer within 30s: \(log)")
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func connect() throws -> MnemoConnection { try MnemoConnection(socketPath: socketPath, readTimeout: 30) }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

extension MnemoConnection {
    /// A statement's raw answer: the `OK n` header and its n lines, or the one `ERR` line.
    func rawAnswer(_ statement: String) throws -> [String] {
        let response = try request(statement)
        return [response.headerLine] + response.lines
    }
}
