import Foundation
import GRDB
import MnemoIngest
import MnemoModel
import Testing

@testable import MnemoRecall
@testable import MnemoStore

/// Recall's in-memory BM25 must rank and score as FTS5's `bm25()` does over
/// the same episodes: it replaces that query on the hot path.
@Suite("the in-memory text index")
struct TextIndexTests {
    static let words = [
        "Caroline's", "don't", "café", "naïve", "running", "runs", "ran", "runner", "paint", "paints", "2023", "B2B", "e-mail",
        "self-care", "LGBTQ+", "x", "support", "group", "groups", "adoption", "agency", "painting", "painted",
        "the", "a", "of", "and", "is", "was", "camping", "beach", "sunset", "Mel", "pottery", "class",
        "conference", "counseling", "mental", "health", "Sweden", "necklace", "grandma", "hiking", "mountains",
        "antidisestablishmentarianism", "Ünïcödé", "ÉCOLE", "it’s", "children", "kids", "books", "reading", "like", "likely", "ways", "community",
    ]

    @Test("the best 60 episodes and their scores are FTS5's, on a random corpus and random queries")
    func matchesFTS5() throws {
        let directory = NSTemporaryDirectory() + "mnemo-text-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try MemoryStore(path: directory + "/t.sqlite")
        var generator = Seeded(state: 20_261_122)
        try store.write { w in
            for _ in 0..<400 {
                let count = 1 + Int(generator.next() % 30)
                let text = (0..<count).map { _ in Self.words[Int(generator.next() % UInt64(Self.words.count))] }.joined(separator: " ")
                _ = try w.createEpisode(EpisodeInput(text: text))
            }
        }
        let index = try TextIndex.build(from: store)
        for _ in 0..<200 {
            let query = (0..<(1 + Int(generator.next() % 4))).map { _ in Self.words[Int(generator.next() % UInt64(Self.words.count))] }
            let terms = query.flatMap { Analyzer.tokens($0).map(\.text) }.filter { !Analyzer.stopWords.contains($0) }
            guard !terms.isEmpty else { continue }
            let match = Set(terms).sorted().map { "\"\($0)\"" }.joined(separator: " OR ")
            let expected: [(Int64, Double)] = try store.read { r in
                try Row.fetchAll(
                    r.db,
                    sql: """
                        SELECT rowid, -bm25(episode_fts) FROM episode_fts WHERE episode_fts MATCH ?
                        ORDER BY bm25(episode_fts), rowid LIMIT 60
                        """, arguments: [match]
                ).map { ($0[0], $0[1]) }
            }
            let found = index.search(Set(terms).sorted().map(PorterStemmer.stem), limit: 60)
            // Bit for bit: ties are then broken the same way (by id).
            #expect(found.map(\.0) == expected.map(\.0), "query \(query)")
            #expect(found.map(\.1) == expected.map(\.1), "query \(query)")
        }
    }
}

/// SplitMix64, for a corpus that is the same on every run.
struct Seeded {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
