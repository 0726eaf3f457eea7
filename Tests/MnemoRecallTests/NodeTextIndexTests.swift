import Foundation
import GRDB
import MnemoModel
import MnemoTestSupport
import Synchronization
import Testing

@testable import MnemoIngest
@testable import MnemoRecall
@testable import MnemoStore

/// The index of texts other than episodes scores BM25 over the live texts
/// only: a replaced text's postings stay, and count for nothing.
@Suite("the index of other texts")
struct NodeTextIndexTests {
    /// `count` scenes in `store`, "scene 0" on, each with one episode and a
    /// summary from `summary`: their ids, in order.
    static func scenes(_ count: Int, in store: MemoryStore, summary: () -> String) throws -> [Int64] {
        try store.write { w in for i in 0..<count { _ = try w.createEpisode(EpisodeInput(text: "turn \(i)", scene: "scene \(i)")) } }
        let ids = try store.read { r in try Int64.fetchAll(r.db, sql: "SELECT id FROM scene ORDER BY id") }
        try store.write { w in for id in ids { try w.setSceneSummary(id, summary()) } }
        return ids
    }

    /// A text of 1 to 12 of `words`, drawn from `generator`.
    static func summary(_ generator: inout Seeded) -> String {
        (0..<(1 + Int(generator.next() % 12))).map { _ in words[Int(generator.next() % UInt64(words.count))] }.joined(separator: " ")
    }

    static let words = ["pottery", "camping", "beach", "sunset", "painting", "support", "group", "adoption", "counseling", "hiking"]

    @Test(
        "scores are BM25 over the live texts to the bit, after texts are replaced and where postings fill several blocks; searches on several threads at once find the same"
    )
    func liveTextsAndConcurrentSearches() throws {
        let directory = TemporaryDirectory(prefix: "mnemo-nodetext")
        defer { withExtendedLifetime(directory) {} } // removed when the test is done with it
        let store = try MemoryStore(path: directory.file("t.sqlite"))
        var generator = Seeded(state: 20_261_205)
        // Every scene's title says "scene": a word in more texts than a block holds.
        let scenes = BlockArray<Int>.blockSize + 1_000
        let ids = try Self.scenes(scenes, in: store) { Self.summary(&generator) }
        try #require(ids.count == scenes)
        let index = try NodeTextIndex.build(from: store)
        let replaced = ids.filter { _ in generator.next() % 8 == 0 }
        try store.write { w in for id in replaced { try w.setSceneSummary(id, Self.summary(&generator)) } }
        try index.refresh(replaced.map { NodeID(.scene, $0) }, from: store)
        #expect(index.count == scenes)

        let texts = try store.read { r in try ids.map { try r.recallText(of: NodeID(.scene, $0))! } }
        var stems: [String: String] = [:]
        let counts = texts.map { TextIndex.termCounts($0, stems: &stems) }
        #expect(counts.allSatisfy { $0.counts["scene"] != nil })
        let queries = (0..<40).map { _ in
            ["scene"] + (0..<(Int(generator.next() % 4))).map { _ in Analyzer.stem(Self.words[Int(generator.next() % UInt64(Self.words.count))]) }
        }
        let n = Double(scenes)
        let averageLength = Double(counts.map(\.length).reduce(0, +)) / n
        for query in queries {
            // The expected scores: each term's BM25 over the live texts, summed in the query's order.
            var sums = [Double](repeating: 0, count: scenes)
            for term in query {
                let holding = counts.filter { $0.counts[term] != nil }.count
                guard holding > 0 else { continue }
                let idf = BM25.idf(documents: n, holding: Double(holding), power: 1)
                for (i, c) in counts.enumerated() {
                    if let tf = c.counts[term] {
                        sums[i] += BM25.term(idf: idf, frequency: Double(tf), length: Double(c.length), averageLength: averageLength)
                    }
                }
            }
            let expected = sums.sorted(by: >).prefix(20)
            let found = index.search(query, limit: 20)
            #expect(found.map(\.1) == Array(expected), "query \(query)")
            for (node, score) in found { #expect(sums[ids.firstIndex(of: node.number)!] == score) }
        }

        let alone = queries.map { index.search($0, limit: 20) }
        for found in searchedOnThreads(8, queries: queries.count, { index.search(queries[$0], limit: 20) }) {
            for (q, result) in found.enumerated() {
                #expect(result.map(\.0) == alone[q].map(\.0))
                #expect(result.map(\.1) == alone[q].map(\.1))
            }
        }
    }

    @Test(
        "texts replaced while a search scores (its lock let go) do not change what it finds, nor make a node come twice; from the next search on they count as a fresh index counts them"
    )
    func replacedWhileScoring() throws {
        let directory = TemporaryDirectory(prefix: "mnemo-nodetext")
        defer { withExtendedLifetime(directory) {} } // removed when the test is done with it
        let store = try MemoryStore(path: directory.file("t.sqlite"))
        var generator = Seeded(state: 20_261_207)
        let ids = try Self.scenes(3_000, in: store) { Self.summary(&generator) }
        let query = [Analyzer.stem("pottery"), Analyzer.stem("camping")]
        let expectedBefore = try NodeTextIndex.build(from: store).search(query, limit: 20)

        let change = ChangeWhileScoring()
        let index = try NodeTextIndex.build(from: store, afterTaking: change.run)
        // The best twenty's texts, and others, replaced during the search.
        let replaced = expectedBefore.map(\.0.number) + ids.filter { _ in generator.next() % 4 == 0 }
        let summaries = replaced.map { _ in Self.summary(&generator) }
        change.arm {
            try store.write { w in for (id, text) in zip(replaced, summaries) { try w.setSceneSummary(id, text) } }
            try index.refresh(replaced.map { NodeID(.scene, $0) }, from: store)
        }
        let during = index.search(query, limit: 20)
        #expect(change.result == "done")
        #expect(during.map(\.0) == expectedBefore.map(\.0))
        #expect(during.map(\.1) == expectedBefore.map(\.1))

        let found = index.search(query, limit: 20)
        let fresh = try NodeTextIndex.build(from: store).search(query, limit: ids.count)
        let freshScores = Dictionary(fresh.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        #expect(fresh.count == freshScores.count)
        #expect(Set(found.map(\.0)).count == found.count)
        #expect(found.map(\.1) == fresh.prefix(20).map(\.1))
        for (node, score) in found { #expect(freshScores[node] == score) }
        #expect(found.map(\.1) != expectedBefore.map(\.1))
    }
}
