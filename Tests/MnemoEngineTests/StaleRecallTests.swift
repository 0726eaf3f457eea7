import Foundation
import MnemoModel
import MnemoQuery
import MnemoStore
import Synchronization
import Testing

@testable import MnemoEngine
@testable import MnemoRecall

/// After a commit, recall's in-memory state (graph, text index, cached
/// answers, name dictionary) is brought up to date. When that fails, the
/// write has committed all the same: it must be answered OK, and recall must
/// not go on answering from stale state without a trace.
/// What an executor warned about.
final class WarningLog: Sendable {
    let lines = Mutex<[String]>([])
}

@Suite("no silent divergence of recall from the store")
struct StaleRecallTests {
    /// An executor over a fresh store, with the warnings it logs.
    final class Fixture: Sendable {
        let directory = NSTemporaryDirectory() + "mnemo-stale-\(UUID().uuidString)"
        let executor: Executor
        /// What recall keeps of the space in memory.
        var graphs: SpaceRecall { executor.space.recall }
        let log = WarningLog()
        var warnings: [String] { log.lines.withLock { $0 } }

        init() throws {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let store = try MemoryStore(path: directory + "/t.sqlite")
            executor = Executor(space: Space(name: "t", store: store))
            executor.space.settings.onWarning { [log] message in log.lines.withLock { $0.append(message) } }
        }

        deinit { try? FileManager.default.removeItem(atPath: directory) }

        func run(_ text: String) throws -> [String] {
            try executor.run(Parser.parse(text)!).map(\.serialized)
        }

        /// The texts of the episodes a recall returns.
        func recalled(_ query: String) throws -> [String] {
            try run("recall \"\(query)\" limit 5").compactMap { line in
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                return object?["kind"] as? String == "episode" ? object?["text"] as? String : nil
            }
        }
    }

    @Test("a refresh that fails after a lone write: the write answers OK, a warning is logged, the next recall rebuilds and finds it")
    func loneWrite() throws {
        let f = try Fixture()
        _ = try f.run(#"remember "The violin lesson ran late" by ann at 2024-03-01T10:00"#)
        #expect(try f.recalled("violin") == ["The violin lesson ran late"]) // graph and text index built
        f.graphs.refreshFault.withLock { $0 = MnemoError(.internalError, "disk I/O error (test)") }
        let answer = try f.run(#"remember "A zeppelin crossed the bay" by bob at 2024-03-02T10:00"#)
        #expect(answer.first?.contains("zeppelin") == true)
        #expect(f.warnings.contains { $0.contains("disk I/O error (test)") && $0.contains("rebuilt") })
        f.graphs.refreshFault.withLock { $0 = nil }
        #expect(try f.recalled("zeppelin") == ["A zeppelin crossed the bay"])
    }

    @Test("a refresh that fails after a pipelined batch: every statement answers OK, and the next recall finds what the batch wrote")
    func batch() throws {
        let f = try Fixture()
        _ = try f.run(#"remember "The violin lesson ran late" by ann at 2024-03-01T10:00"#)
        #expect(try f.recalled("violin") == ["The violin lesson ran late"])
        f.graphs.refreshFault.withLock { $0 = MnemoError(.internalError, "disk I/O error (test)") }
        let statements = try [
            #"remember "A zeppelin crossed the bay" by bob at 2024-03-02T10:00"#,
            #"remember "The harbour master waved at the zeppelin" by cy at 2024-03-02T10:05"#,
            "assert saw(cy, zeppelin)",
        ].map { try Parser.parse($0)! }
        let results = f.executor.runWrites(statements)
        #expect(results.allSatisfy { if case .success = $0 { true } else { false } })
        #expect(f.warnings.count == 1)
        f.graphs.refreshFault.withLock { $0 = nil }
        #expect(Set(try f.recalled("zeppelin")) == ["A zeppelin crossed the bay", "The harbour master waved at the zeppelin"])
    }

    @Test("a refresh that fails after a consolidation run: the run is answered, and recall answers from the store, not from before the run")
    func afterConsolidation() throws {
        let f = try Fixture()
        // No speaker, no scene: consolidation's scenes pass gives them a scene.
        _ = try f.run(#"remember "A zeppelin crossed the bay" at 2023-03-02T10:00"#)
        _ = try f.run(#"remember "The zeppelin moored at the tower" at 2023-03-02T10:05"#)
        let before = try f.run(#"recall "zeppelin" limit 5"#)
        #expect(before.allSatisfy { !$0.contains("\"kind\":\"episode\"") || $0.contains("\"scene\":null") })
        f.graphs.refreshFault.withLock { $0 = MnemoError(.internalError, "disk I/O error (test)") }
        let run = try f.run("consolidate")
        #expect(run.first?.contains("\"kind\":\"consolidation\"") == true)
        #expect(f.warnings.contains { $0.contains("consolidation run 1") })
        f.graphs.refreshFault.withLock { $0 = nil }
        let after = try f.run(#"recall "zeppelin" limit 5"#).filter { $0.contains("\"kind\":\"episode\"") }
        #expect(after.count == 2)
        #expect(after.allSatisfy { $0.contains("\"scene_title\":\"segment 2023-03-02") }, "\(after)")
    }
}
