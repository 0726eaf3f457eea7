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
}
