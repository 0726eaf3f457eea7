import Foundation
import GRDB
import MnemoModel
import MnemoTestSupport
import Synchronization
import Testing

@testable import MnemoIngest
@testable import MnemoRecall
@testable import MnemoStore

/// Recall's in-memory BM25 must rank and score as FTS5's `bm25()` does over
/// the same episodes, with irregular verb forms written as their base forms
/// (which FTS5's porter tokenizer does not do): it replaces that query on the
/// hot path.
@Suite("the in-memory text index")
struct TextIndexTests {
    static let words = [
        "Caroline's", "don't", "café", "naïve", "running", "runs", "ran", "runner", "paint", "paints", "2023", "B2B", "e-mail",
        "self-care", "LGBTQ+", "x", "support", "group", "groups", "adoption", "agency", "painting", "painted",
        "the", "a", "of", "and", "is", "was", "camping", "beach", "sunset", "Mel", "pottery", "class",
        "conference", "counseling", "mental", "health", "Sweden", "necklace", "grandma", "hiking", "mountains",
        "antidisestablishmentarianism", "Ünïcödé", "ÉCOLE", "it’s", "children", "kids", "books", "reading", "like", "likely", "ways", "community",
        "bought", "buy", "buying", "went", "go", "thought", "thinks",
    ]

    /// A text as FTS5 must see it to have the terms `Analyzer` gives the
    /// original: each irregular verb form replaced by its base form.
    static func folded(_ text: String) -> String {
        text.split(separator: " ").map { word in
            let tokens = Analyzer.tokens(String(word)).map(\.text)
            guard tokens.contains(where: { IrregularVerbs.base(of: $0) != nil }) else { return String(word) }
            return tokens.map { IrregularVerbs.base(of: $0) ?? $0 }.joined(separator: " ")
        }.joined(separator: " ")
    }

    @Test(
        "the best 60 episodes and their scores are FTS5's (over the text with irregular verbs at their base), on a random corpus and random queries; also where each word's postings fill several blocks",
        arguments: [(episodes: 400, vocabulary: words.count), (episodes: 12_000, vocabulary: 10)])
    func matchesFTS5(episodes: Int, vocabulary: Int) throws {
        let directory = TemporaryDirectory(prefix: "mnemo-text")
        defer { withExtendedLifetime(directory) {} } // removed when the test is done with it
        // The index reads `store`; FTS5 is asked over `baseForms`, which holds the same texts folded.
        let store = try MemoryStore(path: directory.file("t.sqlite"))
        let baseForms = try MemoryStore(path: directory.file("folded.sqlite"))
        var generator = Seeded(state: 20_261_122)
        var folds = 0
        let words = Self.words.prefix(vocabulary)
        var texts: [String] = []
        for _ in 0..<episodes {
            let count = 1 + Int(generator.next() % 30)
            let text = (0..<count).map { _ in words[Int(generator.next() % UInt64(words.count))] }.joined(separator: " ")
            if Self.folded(text) != text { folds += 1 }
            texts.append(text)
        }
        try store.write { w in for text in texts { _ = try w.createEpisode(EpisodeInput(text: text)) } }
        try baseForms.write { w in for text in texts { _ = try w.createEpisode(EpisodeInput(text: Self.folded(text))) } }
        #expect(folds > 100)
        let index = try TextIndex.build(from: store)
        let blocks = index.postingBlocks
        #expect(episodes < BlockArray<TextIndex.Posting>.blockSize || blocks.max()! > 2, "lists of \(blocks.max()!) blocks")
        for _ in 0..<200 {
            let query = (0..<(1 + Int(generator.next() % 4))).map { _ in words[Int(generator.next() % UInt64(words.count))] }
            let terms = query.flatMap { Analyzer.tokens($0).map(\.text) }.filter { !Analyzer.stopWords.contains($0) }
            guard !terms.isEmpty else { continue }
            let match = Set(terms).sorted().map { IrregularVerbs.base(of: $0) ?? $0 }.map { "\"\($0)\"" }.joined(separator: " OR ")
            let expected: [(Int64, Double)] = try baseForms.read { r in
                try Row.fetchAll(
                    r.db,
                    sql: """
                        SELECT rowid, -bm25(episode_fts) FROM episode_fts WHERE episode_fts MATCH ?
                        ORDER BY bm25(episode_fts), rowid LIMIT 60
                        """, arguments: [match]
                ).map { ($0[0], $0[1]) }
            }
            let found = index.search(Set(terms).sorted().map(Analyzer.stem), limit: 60)
            // Bit for bit: ties are then broken the same way (by id).
            #expect(found.map(\.0) == expected.map(\.0), "query \(query)")
            #expect(found.map(\.1) == expected.map(\.1), "query \(query)")
        }
    }
}

extension TextIndexTests {
    /// Code points from many scripts and blocks: letters with diacritics
    /// (Latin, Vietnamese), combining accents, Greek, Cyrillic, Devanagari with
    /// its spacing marks, CJK, Hangul, emoji, private use, full-width forms,
    /// the Turkish dotted capital I, and anything at all.
    static let blocks: [ClosedRange<UInt32>] = [
        0x20...0x7E, 0xA0...0x24F, 0x1E00...0x1EFF, 0x300...0x36F, 0x370...0x3FF, 0x400...0x4FF, 0x900...0x97F,
        0x4E00...0x4E80, 0xAC00...0xAC80, 0x1F600...0x1F64F, 0xE000...0xE010, 0xFF01...0xFF5E, 0x130...0x131, 0x0...0x10FFFF,
    ]

    /// The terms FTS5 makes of each text with this tokenizer, in order, by
    /// the text's index in `texts` (`fts5vocab`).
    static func fts5Terms(_ texts: [String], tokenize: String) throws -> [Int: [String]] {
        let db = try DatabaseQueue()
        try db.write { db in
            try db.execute(sql: "CREATE VIRTUAL TABLE t USING fts5(x, tokenize = '\(tokenize)')")
            try db.execute(sql: "CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
            for (i, text) in texts.enumerated() { try db.execute(sql: "INSERT INTO t(rowid, x) VALUES (?, ?)", arguments: [i, text]) }
        }
        return try db.read { db in
            try Row.fetchAll(db, sql: "SELECT doc, term FROM v ORDER BY doc, offset").reduce(into: [:]) { $0[$1[0], default: []].append($1[1]) }
        }
    }

    @Test("tokens are cut and folded as FTS5's unicode61 with remove_diacritics 2 cuts them, in every script")
    func tokensMatchUnicode61() throws {
        var generator = Seeded(state: 20_261_205)
        var texts: [String] = [
            "Nguyễn Thị Mai went hiking", "We flew to İSTANBUL for the wedding", "राम और श्याम", "e\u{301}cole Straße ǅemal",
        ]
        for _ in 0..<3000 {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<(1 + Int(generator.next() % 12)) {
                let block = Self.blocks[Int(generator.next() % UInt64(Self.blocks.count))]
                let value = block.lowerBound + UInt32(generator.next() % UInt64(block.count))
                if let scalar = Unicode.Scalar(value), value != 0 { scalars.append(scalar) }
            }
            texts.append(String(scalars))
        }
        let expected = try Self.fts5Terms(texts, tokenize: "unicode61 remove_diacritics 2")
        for (i, text) in texts.enumerated() {
            let found = Analyzer.tokens(text).map(\.text)
            #expect(found == expected[i] ?? [], "text \(Array(text.unicodeScalars).map { String($0.value, radix: 16) })")
        }
    }
}

extension TextIndexTests {
    @Test("a word of up to 64 letters is stemmed as FTS5's porter stems it, a longer one is left as it is, and a megabyte one at once")
    func longWordsAsFTS5() throws {
        var words: [String] = []
        for n in 56...72 {
            for suffix in ["ational", "ies", "ing", "ness", "s"] {
                let stem = String(repeating: "ab", count: (n - suffix.count) / 2) + ((n - suffix.count) % 2 == 0 ? "" : "r")
                words.append(stem + suffix)
            }
        }
        let terms = try Self.fts5Terms(words, tokenize: "porter unicode61 remove_diacritics 2")
        let expected = words.indices.flatMap { terms[$0] ?? [] }
        #expect(words.map(Analyzer.stem) == expected)
        #expect(words.contains { $0.utf8.count <= PorterStemmer.longestStemmed && Analyzer.stem($0) != $0 })
        #expect(words.filter { $0.utf8.count > PorterStemmer.longestStemmed }.allSatisfy { Analyzer.stem($0) == $0 })
        // A run of y's: each step looks back along it.
        let long = String(repeating: "y", count: 1 << 20) + "ational"
        let start = ContinuousClock.now
        #expect(Analyzer.stem(long) == long)
        #expect(ContinuousClock.now - start < .seconds(5))
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

extension TextIndexTests {
    @Test("searches on several threads at once find what each finds alone, scores to the bit")
    func concurrentSearches() throws {
        let directory = TemporaryDirectory(prefix: "mnemo-text")
        defer { withExtendedLifetime(directory) {} } // removed when the test is done with it
        let store = try MemoryStore(path: directory.file("t.sqlite"))
        var generator = Seeded(state: 20_261_205)
        let texts = (0..<3_000).map { _ in
            (0..<(1 + Int(generator.next() % 20))).map { _ in Self.words[Int(generator.next() % UInt64(Self.words.count))] }.joined(separator: " ")
        }
        try store.write { w in for text in texts { _ = try w.createEpisode(EpisodeInput(text: text)) } }
        let index = try TextIndex.build(from: store)
        let queries = (0..<64).map { _ in
            (0..<(1 + Int(generator.next() % 6))).flatMap { _ in
                Analyzer.tokens(Self.words[Int(generator.next() % UInt64(Self.words.count))]).map { Analyzer.stem($0.text) }
            }
        }
        let alone = queries.map { index.search($0, limit: 20) }
        // Eight threads, more than the working memory kept for the next searches.
        for found in searchedOnThreads(8, queries: queries.count, { index.search(queries[$0], limit: 20) }) {
            for (q, result) in found.enumerated() {
                #expect(result.map(\.0) == alone[q].map(\.0), "query \(queries[q])")
                #expect(result.map(\.1) == alone[q].map(\.1), "query \(queries[q])")
            }
        }
        #expect(alone.contains { !$0.isEmpty })
    }
}

extension TextIndexTests {
    @Test(
        "episodes indexed while a search scores (its lock let go) do not change what it finds, and count from the next search on, as a fresh index finds them, to the bit"
    )
    func indexedWhileScoring() throws {
        let directory = TemporaryDirectory(prefix: "mnemo-text")
        defer { withExtendedLifetime(directory) {} } // removed when the test is done with it
        var generator = Seeded(state: 20_261_206)
        // Ten words, so that each word's postings fill blocks and grow across them.
        let words = Self.words.prefix(10)
        func batch(_ count: Int) -> [String] {
            (0..<count).map { _ in (0..<(1 + Int(generator.next() % 8))).map { _ in words[Int(generator.next() % 10)] }.joined(separator: " ") }
        }
        let (before, after) = (batch(6_000), batch(1_500))
        let queries = (0..<12).map { _ in
            (0..<(1 + Int(generator.next() % 3))).flatMap { _ in Analyzer.tokens(words[Int(generator.next() % 10)]).map { Analyzer.stem($0.text) } }
        }
        // What fresh indexes find, of the first batch and of both.
        let reference = try MemoryStore(path: directory.file("reference.sqlite"))
        try reference.write { w in for text in before { _ = try w.createEpisode(EpisodeInput(text: text)) } }
        let freshBefore = try TextIndex.build(from: reference)
        let expectedBefore = queries.map { freshBefore.search($0, limit: 20) }
        try reference.write { w in for text in after { _ = try w.createEpisode(EpisodeInput(text: text)) } }
        let freshAfter = try TextIndex.build(from: reference)
        let expectedAfter = queries.map { freshAfter.search($0, limit: 20) }

        let store = try MemoryStore(path: directory.file("t.sqlite"))
        try store.write { w in for text in before { _ = try w.createEpisode(EpisodeInput(text: text)) } }
        let change = ChangeWhileScoring()
        let index = try TextIndex.build(from: store, afterTaking: change.run)
        change.arm {
            try store.write { w in for text in after { _ = try w.createEpisode(EpisodeInput(text: text)) } }
            try index.catchUp(with: store)
        }
        let during = index.search(queries[0], limit: 20)
        #expect(change.result == "done")
        #expect(during.map(\.0) == expectedBefore[0].map(\.0))
        #expect(during.map(\.1) == expectedBefore[0].map(\.1))
        for (q, query) in queries.enumerated() {
            let found = index.search(query, limit: 20)
            #expect(found.map(\.0) == expectedAfter[q].map(\.0), "query \(query)")
            #expect(found.map(\.1) == expectedAfter[q].map(\.1), "query \(query)")
        }
        #expect(expectedBefore[0].map(\.1) != expectedAfter[0].map(\.1))
    }
}
