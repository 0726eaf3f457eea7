import Foundation
import MnemoIngest
import MnemoModel
import MnemoStore
import Testing

@testable import MnemoRecall

/// `explain` works back from each result to the seeds: what it says must add
/// up to the activation the recall computed, follow the graph, and leave the
/// answer itself exactly as it is without `explain`.
@Suite("recall's explain over random memories")
struct RecallExplainTests {
    @Test("scores are bit-identical with and without explain; seeds' shares add up to 1; the strongest path follows edges and carries its share")
    func explanationsAddUp() throws {
        let memory = try RandomMemory(seed: 11, episodes: 200, wordsPerEpisode: 5, sceneSize: 10, facts: 60)
        let (store, words, people) = (memory.store, RandomMemory.words, RandomMemory.people)
        func pick<T>(_ items: [T]) -> T { memory.pick(items) }
        let (graph, text, nodeText, dictionary) = try memory.indexes()
        var settings = RecallSettings()
        settings.textSeeds = 3 // with at most one name: every seed is listed
        let now = Timestamp(iso8601: "2024-03-21T10:00:00Z")!
        let engine = RecallEngine(
            store: store, graph: graph, text: text, nodeText: nodeText, dictionary: dictionary, settings: settings, cache: RecallCache(),
            scratchPool: ScratchPool())
        func recall(_ query: String, explain: Bool) throws -> [[String: Any]] {
            let request = Recall(text: query, includeArchived: false, limit: 10, explain: explain)
            return try engine.run(request, now: now).lines.map {
                try JSONSerialization.jsonObject(with: Data($0.serialized.utf8)) as! [String: Any]
            }
        }
        var checkedPaths = 0
        for _ in 0..<40 {
            let query = (0..<2).map { _ in pick(words) }.joined(separator: " ") + (memory.generator.next() % 2 == 0 ? " \(pick(people))" : "")
            let plain = try recall(query, explain: false)
            let explained = try recall(query, explain: true)
            #expect(plain.map { $0["id"] as! String } == explained.map { $0["id"] as! String }, "\(query)")
            #expect(plain.map { $0["score"] as! Double } == explained.map { $0["score"] as! Double }, "\(query)")
            // The seed activations, as the engine gives them.
            let searched = Analyzer.tokens(query).map(\.text).filter { !Analyzer.stopWords.contains($0) && !people.map { $0.lowercased() }.contains($0) }
            var amounts: [String: Double] = [:]
            let terms = Set(searched).sorted().map(Analyzer.stem)
            for (episode, score) in engine.fullText(terms) { amounts["e:\(episode)"] = score }
            for (node, score) in engine.otherText(terms) { amounts[node.description] = score * settings.otherTextSeed }
            for person in people where query.hasSuffix(person) {
                amounts["n:\(try store.read { try $0.entityID(named: Name.normalize(person)) }!)"] = settings.entitySeed
            }
            for line in explained {
                let activation = line["activation"] as! Double
                let seeds = line["seeds"] as! [[String: Any]]
                let shares = seeds.map { $0["share"] as! Double }
                #expect(abs(shares.reduce(0, +) - 1) < 0.0005 * Double(shares.count), "\(query) \(line["id"]!)")
                guard let path = (line["paths"] as? [[String: Any]])?.first, activation > 0.001 else { continue }
                let via = path["via"] as! [String]
                #expect(via.last == line["id"] as? String)
                #expect(seeds.contains { $0["node"] as? String == via[0] && ($0["share"] as! Double) >= (path["share"] as! Double) - 0.0001 })
                if path["seed"] as? String == "text" {
                    let cue = path["words"] as! [String]
                    #expect(!cue.isEmpty && cue.allSatisfy(searched.contains))
                }
                // What the path carried: the seed's activation times each step's
                // decay ÷ fan × weight (a step between two episodes is contiguity).
                var carried = try #require(amounts[via[0]])
                try graph.withView { view throws in
                    func node(_ id: String) -> UInt32 {
                        let kind: NodeKind = id.hasPrefix("e:") ? .episode : id.hasPrefix("f:") ? .fact : id.hasPrefix("s:") ? .scene : .entity
                        return view.node(NodeID(kind, Int64(id.dropFirst(2))!))!
                    }
                    for (a, b) in zip(via, via.dropFirst()) {
                        let (n, t) = (node(a), node(b))
                        var weight: Float?
                        view.forEachNeighbor(of: n) { m, w in if m == t { weight = w } }
                        if let weight {
                            carried *= settings.decay / Double(view.fan(n)) * Double(weight)
                        } else {
                            let near = view.timeNeighbors(of: n, within: settings.contiguitySpan).first { $0.episode == t }
                            let distance = try #require(near?.distance, "\(a) → \(b) is neither an edge nor a turn near it")
                            carried *= settings.contiguity * pow(settings.contiguityFalloff, Double(distance - 1))
                        }
                    }
                }
                // (Both figures are rounded to 4 places in the answer.)
                #expect(abs(carried - (path["share"] as! Double) * activation) < 0.0002, "\(query) \(via)")
                checkedPaths += via.count > 1 ? 1 : 0
            }
        }
        #expect(checkedPaths > 50)
    }
}
