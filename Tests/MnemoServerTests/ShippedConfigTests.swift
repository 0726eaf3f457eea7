import Foundation
import MnemoServer
import Testing

/// The `daemon.conf` at the repository root documents every key the daemon
/// knows, each with its default, and nothing else.
@Suite("the shipped daemon.conf")
struct ShippedConfigTests {
    static let path = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("daemon.conf").path

    /// The `#key = value` lines: every key, commented out, with its default.
    static func documented() throws -> [(key: String, value: String)] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let pattern = try Regex(#"^#([a-z][a-z0-9_.<>-]*) *= *(.*?)\s*(#.*)?$"#)
        return text.split(separator: "\n").compactMap { line in
            guard let match = try? pattern.wholeMatch(in: String(line)) else { return nil }
            return (String(match.output[1].substring ?? ""), String(match.output[2].substring ?? ""))
        }
    }

    @Test("every key the daemon knows is documented, and every documented key is known")
    func keysMatch() throws {
        let documented = try Self.documented().map { $0.key }
        func generic(_ key: String) -> String {
            let parts = key.split(separator: ".")
            return parts.count == 3 && parts[0] == "space" ? "space.<name>.\(parts[2])" : key
        }
        #expect(Set(documented.map(generic)) == Set(DaemonConfig.keys))
        #expect(documented.count == Set(documented).count, "a key is documented twice")
    }

    @Test("the documented values parse, and are the defaults")
    func defaultsParse() throws {
        let lines = try Self.documented()
            .filter { !$0.key.hasPrefix("space.") && $0.value != "''" && !$0.value.isEmpty }
            .map { "\($0.key) = \($0.value)" }
        let file = NSTemporaryDirectory() + "shipped-\(UUID().uuidString).conf"
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let loaded = try DaemonConfig.load(path: file)
        let defaults = DaemonConfig()
        #expect(loaded.maxClients == defaults.maxClients)
        #expect(loaded.maxLine == defaults.maxLine)
        #expect(loaded.idleTimeout == defaults.idleTimeout)
        #expect(loaded.requestTimeout == defaults.requestTimeout)
        #expect(loaded.workerThreads == defaults.workerThreads)
        #expect(loaded.maxQueuedBytes == defaults.maxQueuedBytes)
        #expect(loaded.maxPendingOutput == defaults.maxPendingOutput)
        #expect(loaded.regexLimits == defaults.regexLimits)
        #expect(loaded.cacheSize == defaults.cacheSize)
        #expect(loaded.synchronous == defaults.synchronous)
        #expect(loaded.maxSpaceSize == defaults.maxSpaceSize)
        #expect(loaded.pageSize == defaults.pageSize)
        #expect(loaded.sceneGap == defaults.sceneGap)
        #expect(loaded.sceneShift == defaults.sceneShift)
        #expect(loaded.recall == defaults.recall)
        #expect(loaded.recallInline == defaults.recallInline)
        #expect(loaded.consolidation == defaults.consolidation)
        #expect(loaded.logLevel == defaults.logLevel)
        #expect(loaded.socketMode == defaults.socketMode)
    }

    /// The `#key = value  # comment` lines, each comment with its continuation
    /// lines (indented, starting with `#`) joined by single spaces.
    static func documentedWithComments() throws -> [(key: String, value: String, comment: String)] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let pattern = try Regex(#"^#([a-z][a-z0-9_.<>-]*) *= *(.*?)\s*(#.*)?$"#)
        let continuation = try Regex(#"^\s+#(.*)$"#)
        var found: [(key: String, value: String, comment: String)] = []
        for line in text.split(separator: "\n").map(String.init) {
            if let match = try? pattern.wholeMatch(in: line) {
                let comment = String((match.output[3].substring ?? "").dropFirst())
                found.append((String(match.output[1].substring ?? ""), String(match.output[2].substring ?? ""), comment))
            } else if let match = try? continuation.wholeMatch(in: line), !found.isEmpty {
                found[found.count - 1].comment += " " + (match.output[1].substring ?? "")
            }
        }
        return found.map { ($0.key, $0.value, $0.comment.split(whereSeparator: \.isWhitespace).joined(separator: " ")) }
    }

    /// The key of the table a documented key is: `space.agent-7.read` is `space.<name>.read`.
    static func tableKey(_ documented: String) -> ConfigKey? {
        DaemonConfig.table.first { key in
            let parts = documented.split(separator: ".", omittingEmptySubsequences: false)
            let pattern = key.name.split(separator: ".", omittingEmptySubsequences: false)
            return parts.count == pattern.count && zip(parts, pattern).allSatisfy { $1 == "<name>" || $0 == $1 }
        }
    }

    @Test("every key of the table is documented once, with the table's default")
    func documentedAsTheTableSays() throws {
        let documented = try Self.documentedWithComments()
        var seen: [String: Int] = [:]
        for (key, value, _) in documented {
            let entry = try #require(Self.tableKey(key), "\(key) is documented but not in DaemonConfig.table")
            seen[entry.name, default: 0] += 1
            if let defaultValue = entry.defaultValue {
                #expect(value == defaultValue, "\(key) is documented with \(value), its default is \(defaultValue)")
            } else if !entry.name.contains("<name>") {
                // No default: none, written ''.
                #expect(value == "''", "\(key) has no default: documented as '', not \(value)")
            }
        }
        for key in DaemonConfig.table {
            #expect(seen[key.name] == 1, "\(key.name) is documented \(seen[key.name] ?? 0) times")
        }
    }

    @Test("each key's comment opens with the table's line of documentation")
    func commentsOpenWithTheDoc() throws {
        for (key, _, comment) in try Self.documentedWithComments() {
            let entry = try #require(Self.tableKey(key))
            #expect(comment.hasPrefix(entry.doc), "\(key): the table says \"\(entry.doc)\", daemon.conf \"\(comment)\"")
        }
    }

    @Test("the opening comment names the keys that need a restart and those applied to new connections, as the table does")
    func reloadAsTheTableSays() throws {
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        let opening = text.split(separator: "\n").prefix { $0.hasPrefix("#") && !$0.hasPrefix("# ---") }
            .map { $0.dropFirst().trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        func names(before phrase: String, after start: String) throws -> Set<String> {
            let match = try #require(try Regex(start + #"([a-z_, ]+?),? "# + phrase).firstMatch(in: opening), "no \"\(phrase)\"")
            let list = String(match.output[1].substring ?? "")
            return Set(list.replacing(" and ", with: ", ").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        }
        #expect(
            try names(before: "which need a restart", after: "except ")
                == Set(DaemonConfig.table.filter { $0.reload == .restart }.map(\.name)))
        #expect(
            try names(before: "for new connections", after: #"\("#)
                == Set(DaemonConfig.table.filter { $0.reload == .newConnections }.map(\.name)))
    }
}
