import Foundation
import MnemoQuery
import MnemoRecall
import MnemoStore

@testable import MnemoEngine

/// A space on a real SQLite file in a fresh temporary directory (removed
/// with it), and an executor over it: what the engine's tests run statements on.
final class SpaceOnFile: Sendable {
    let directory = NSTemporaryDirectory() + "mnemo-engine-\(UUID().uuidString)"
    let executor: Executor
    var store: MemoryStore { executor.space.recall.store }

    /// With `recall` settings of its own (set before the graph is built).
    init(recall: RecallSettings? = nil) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        executor = Executor(space: Space(name: "t", store: try MemoryStore(path: directory + "/t.sqlite")))
        if let recall {
            let settings = executor.space.settings
            settings.replace(ingest: settings.ingest, recall: recall, consolidation: settings.consolidation)
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// Runs one statement: its answer lines, as JSON objects.
    func run(_ text: String) throws -> [[String: Any]] {
        try executor.run(Parser.parse(text)!).map { line in
            try JSONSerialization.jsonObject(with: Data(line.serialized.utf8)) as? [String: Any] ?? [:]
        }
    }
}
