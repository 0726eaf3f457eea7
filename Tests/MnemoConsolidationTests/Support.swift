import Foundation
import GRDB
import MnemoConsolidation
import MnemoModel
import Synchronization

@testable import MnemoStore

/// A store on a real SQLite file in a temporary directory, with a clock the
/// test sets, and the consolidator over it.
final class Memory {
    let directory: String
    let store: MemoryStore
    private let clock: Clock
    var settings = ConsolidationSettings()
    let lock = RunLock()

    init(at start: String = "2024-01-01T00:00:00Z") throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mnemo-consolidation-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let clock = Clock(Timestamp(iso8601: start)!)
        self.clock = clock
        var options = StoreOptions()
        options.clock = { clock.value.withLock { $0 } }
        store = try MemoryStore(path: directory + "/test.sqlite", options: options)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    var now: Timestamp { clock.value.withLock { $0 } }
    func set(_ iso: String) { clock.value.withLock { $0 = Timestamp(iso8601: iso)! } }

    var consolidator: Consolidator { Consolidator(store: store, settings: settings, lock: lock) }

    @discardableResult
    func consolidate(dryRun: Bool = false) throws -> ConsolidationReport {
        try consolidator.run(dryRun: dryRun, now: now)
    }

    /// Stores an episode (no scene unless named).
    @discardableResult
    func say(
        _ text: String, by speaker: String? = nil, at: String, scene: String? = nil, mentions: [String] = [],
        addressees: [String] = [], importance: Double = 0.5, times: [TimeMention] = []
    ) throws -> Int64 {
        try store.write { w in
            try w.createEpisode(
                EpisodeInput(
                    text: text, speaker: speaker, at: Timestamp(iso8601: at)!, scene: scene,
                    importance: importance, mentions: mentions, addressees: addressees, times: times)
            ).episodeID
        }
    }

    @discardableResult
    func assert(_ predicate: String, _ args: [String], from: String? = nil, scene: String? = nil) throws -> Int64 {
        try store.write { w in
            try w.assert(
                FactAssertion(
                    predicate, args.map { Argument(.entity($0)) }, validFrom: from.map { Timestamp(iso8601: $0)! },
                    scene: scene)
            ).factID
        }
    }

    func sql<T: DatabaseValueConvertible>(_ query: String, _ arguments: StatementArguments = []) throws -> T? {
        try store.read { r in try T.fetchOne(r.db, sql: query, arguments: arguments) }
    }

    func count(_ query: String, _ arguments: StatementArguments = []) throws -> Int {
        try sql(query, arguments) ?? 0
    }

    /// Every row of the memory's tables in a fixed order, but for the
    /// journal's own, the full-text index's and the activation log's (the
    /// decay pass folds the log, which no undo unfolds: `activationLog` and
    /// `accessCounts` look at it).
    func dump() throws -> String {
        try store.read { r in
            let tables = try String.fetchAll(
                r.db,
                sql: """
                    SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'consolidation_%'
                    AND name NOT LIKE 'episode_fts%' AND name NOT LIKE 'activation%' AND name != 'grdb_migrations' ORDER BY name
                    """)
            var out = ""
            for table in tables {
                out += "## \(table)\n"
                out += try Row.fetchAll(r.db, sql: "SELECT * FROM \(table)").map(\.description).sorted().joined(separator: "\n") + "\n"
            }
            return out
        }
    }

    /// The activation log's rows, exact and folded, as text.
    func activationLog() throws -> String {
        try store.read { r in
            try
                (Row.fetchAll(r.db, sql: "SELECT * FROM activation ORDER BY rowid")
                + Row.fetchAll(r.db, sql: "SELECT * FROM activation_folded ORDER BY node_kind, node_id, first_at")).map(\.description).joined(separator: "\n")
        }
    }

    /// How many accesses the activation log holds for each node, folded ones included.
    func accessCounts() throws -> [NodeID: Int] {
        try store.read { r in try r.accessHistories().mapValues(\.count) }
    }
}

final class Clock: Sendable {
    let value: Mutex<Timestamp>
    init(_ t: Timestamp) { value = Mutex(t) }
}

extension ConsolidationReport {
    func count(_ pass: String, _ name: String) -> Int {
        passes.first { $0.name == pass }?.counts[name] ?? 0
    }
}
