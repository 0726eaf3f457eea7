import Foundation
import MnemoIngest
import MnemoModel
import MnemoStore
import Testing

@testable import MnemoRecall

/// Recall skips the base level of candidates that cannot reach its top
/// results. Its answer must be exactly the top of the answer it would give
/// without a limit to prune by.
@Suite("recall's pruning of hopeless candidates")
struct RecallPruningTests {
    @Test("the best 3 are the first 3 of the best 500, with the same scores, over random memories and queries")
    func prunedEqualsExhaustive() throws {
        let directory = NSTemporaryDirectory() + "mnemo-prune-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try MemoryStore(path: directory + "/t.sqlite")
        let words = [
            "violin", "lesson", "beach", "sunset", "painting", "camping", "kids", "support", "group", "pottery",
            "hiking", "books", "adoption", "agency", "concert", "school", "garden", "dog", "race", "charity",
        ]
        let people = ["Ann", "Bob", "Cy", "Dee"]
        var generator = Seeded(state: 7)
        func pick<T>(_ items: [T]) -> T { items[Int(generator.next() % UInt64(items.count))] }
        try store.write { w in
            for i in 0..<300 {
                let text = (0..<6).map { _ in pick(words) }.joined(separator: " ") + " with \(pick(people))"
                let day = 1 + i / 20
                _ = try w.createEpisode(
                    EpisodeInput(
                        text: text, speaker: pick(people), at: Timestamp(iso8601: "2024-03-\(day < 10 ? "0" : "")\(day)T10:00:00Z")!,
                        scene: "chat \(i / 20)", mentions: [pick(people)]))
            }
        }
        let graph = try GraphIndex.build(from: store)
        let text = try TextIndex.build(from: store)
        let dictionary = EntityDictionary()
        for person in people { dictionary.add(person) }
        // Accesses make base levels differ, so that pruning has something to skip.
        let nodes = graph.withView { v in (0..<UInt32(v.count)).map { $0 } }
        for _ in 0..<400 { graph.recordAccess([pick(nodes)], at: Timestamp(iso8601: "2024-03-20T10:00:00Z")!.microseconds) }

        let now = Timestamp(iso8601: "2024-03-21T10:00:00Z")!
        let pool = ScratchPool()
        func recall(_ query: String, limit: Int) throws -> [(String, Double)] {
            let engine = RecallEngine(
                store: store, graph: graph, text: text, nodeText: try NodeTextIndex.build(from: store), dictionary: dictionary,
                settings: RecallSettings(),
                cache: RecallCache(), scratchPool: pool)
            let request = Recall(
                text: query, about: nil, scene: nil, during: nil, asOf: nil, depth: nil,
                includeArchived: false, limit: limit, explain: false)
            return try engine.run(request, now: now).lines.map { line in
                let object = try JSONSerialization.jsonObject(with: Data(line.serialized.utf8)) as! [String: Any]
                return (object["id"] as! String, object["score"] as! Double)
            }
        }
        for _ in 0..<60 {
            let query = (0..<3).map { _ in pick(words) }.joined(separator: " ") + (generator.next() % 2 == 0 ? " \(pick(people))" : "")
            let all = try recall(query, limit: 500)
            let best = try recall(query, limit: 3)
            #expect(best.map(\.0) == all.prefix(3).map(\.0), "\(query)")
            #expect(best.map(\.1) == all.prefix(3).map(\.1), "\(query)")
        }
    }
}
