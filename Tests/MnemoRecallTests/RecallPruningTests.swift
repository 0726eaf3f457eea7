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
    /// Episodes of 6 words each, and of 2 to 40 words with a length prior of
    /// 1 (factors from 0.25 to 4), which the bound must allow for.
    @Test(
        "the best 3 are the first 3 of the best 500, with the same scores, over random memories and queries",
        arguments: [(words: 6, spread: 0, lengthPrior: 0.3), (words: 2, spread: 38, lengthPrior: 1.0)])
    func prunedEqualsExhaustive(words: Int, spread: Int, lengthPrior: Double) throws {
        let memory = try RandomMemory(seed: 7, episodes: 300, wordsPerEpisode: words, lengthSpread: spread, sceneSize: 20)
        let (store, words, people) = (memory.store, RandomMemory.words, RandomMemory.people)
        func pick<T>(_ items: [T]) -> T { memory.pick(items) }
        let (graph, text, nodeText, dictionary) = try memory.indexes()
        // Accesses make base levels differ, so that pruning has something to skip.
        let nodes = graph.withView { v in (0..<UInt32(v.count)).map { $0 } }
        for _ in 0..<400 { graph.recordAccess([pick(nodes)], at: Timestamp(iso8601: "2024-03-20T10:00:00Z")!.microseconds) }

        let now = Timestamp(iso8601: "2024-03-21T10:00:00Z")!
        let pool = ScratchPool()
        var settings = RecallSettings()
        settings.lengthPrior = lengthPrior
        func recall(_ query: String, limit: Int) throws -> [(String, Double)] {
            let engine = RecallEngine(
                store: store, graph: graph, text: text, nodeText: nodeText, dictionary: dictionary,
                settings: settings,
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
            let query = (0..<3).map { _ in pick(words) }.joined(separator: " ") + (memory.generator.next() % 2 == 0 ? " \(pick(people))" : "")
            let all = try recall(query, limit: 500)
            let best = try recall(query, limit: 3)
            #expect(best.map(\.0) == all.prefix(3).map(\.0), "\(query)")
            #expect(best.map(\.1) == all.prefix(3).map(\.1), "\(query)")
        }
    }
}
