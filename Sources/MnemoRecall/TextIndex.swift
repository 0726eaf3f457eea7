import CPrefetch
import Foundation
import MnemoIngest
import MnemoModel
import MnemoStore
import Synchronization

/// The text seeds of recall: episodes scored by BM25 against the query's
/// terms, from an inverted index held in memory beside the recall graph.
///
/// It scores exactly as SQLite FTS5's `bm25()` does over `episode_fts` (k1 = 1.2,
/// b = 0.75, FTS5's IDF with its floor, document length in tokens) on the same
/// terms — `Analyzer` cuts and stems text as the `porter unicode61` tokenizer
/// does, but for an irregular verb form, which it takes to its base form first
/// ("bought" is "bui", as "buying" is) — without FTS5's per-row function
/// calls, which made the seeds of one recall cost 0.3 ms on a LoCoMo
/// conversation and 5 ms on 200,000 episodes.
/// FTS5 stays the durable index (and the baseline the evaluation compares
/// against); this one is rebuilt from the episode table when a space is opened
/// for recall and catches up with new episodes after each commit.
public final class TextIndex: Sendable {
    struct Posting {
        /// The episode's document number (`State.episodes`).
        var document: UInt32
        var frequency: UInt16
        /// The episode's length in tokens, as FTS5 counts it.
        var length: UInt32
    }

    struct State: SearchedState {
        var postings: [String: BlockArray<Posting>] = [:]
        /// The episode id of each document number. Documents are numbered
        /// densely in the order they are indexed, which is the order of their
        /// ids, so a document number orders as its id does, and the working
        /// memory of a search is one entry per document, whatever the ids
        /// (an imported space may keep ids in the billions).
        var episodes: [Int64] = []
        var totalLength = 0
        /// The highest episode id indexed: episodes only get higher ids, so
        /// catching up reads the ones above it.
        var lastEpisode: Int64 = 0
        /// The working memory of searches done, for the next ones.
        var spare = SearchScratch.Spare()
        var documents: Int { episodes.count }
    }

    private let state = Mutex(State())

    /// Run by each search once it has taken what it reads and let the lock
    /// go, before it scores: for a test to change the index meanwhile.
    private let afterTaking: (@Sendable () -> Void)?

    init(afterTaking: (@Sendable () -> Void)? = nil) {
        self.afterTaking = afterTaking
    }

    /// Builds the index of every episode in the store.
    static func build(from store: MemoryStore, afterTaking: (@Sendable () -> Void)? = nil) throws(MnemoError) -> TextIndex {
        let index = TextIndex(afterTaking: afterTaking)
        try index.catchUp(with: store)
        return index
    }

    /// Indexes the episodes stored since the last call.
    func catchUp(with store: MemoryStore) throws(MnemoError) {
        let after = state.withLock { $0.lastEpisode }
        let new = try store.read { try $0.episodeTexts(after: after) }
        var stems: [String: String] = [:] // words repeat: stem each once
        // In slices, so that building a large space never holds every
        // episode's term counts at once; analysis outside the lock, so that
        // recalls go on meanwhile.
        var start = 0
        while start < new.count {
            let slice = new[start..<min(start + 10_000, new.count)]
            start = slice.endIndex
            add(slice.map { (id: $0.id, counts: Self.termCounts($0.text, stems: &stems)) })
        }
    }

    private func add(_ analysed: [(id: Int64, counts: (counts: [String: Int], length: Int))]) {
        state.withLock { s in
            for (id, (counts, length)) in analysed where id > s.lastEpisode {
                // Past 2^32 - 1 episodes in one space, the rest are left out of the text seeds.
                guard let document = UInt32(exactly: s.episodes.count), document < UInt32.max else { return }
                let tokens = UInt32(min(length, Int(UInt32.max)))
                for (term, count) in counts {
                    s.postings[term, default: BlockArray()].append(Posting(document: document, frequency: UInt16(min(count, Int(UInt16.max))), length: tokens))
                }
                s.episodes.append(id)
                s.totalLength += length
                s.lastEpisode = id
            }
        }
    }

    /// The best `limit` episodes for the query `terms` (stemmed, in the order
    /// of the FTS5 query they stand for: a term twice counts twice, as two
    /// phrases would), with BM25 scores, best first; ties go to the older
    /// episode. Each score is summed in term order with FTS5's expression, so
    /// with `idfPower` 1 it is FTS5's to the last bit; otherwise each term's
    /// IDF (after FTS5's floor) is raised to that power
    /// (`RecallSettings.longQueryIDFPower`).
    func search(_ terms: [String], limit: Int, idfPower: Double = 1) -> [(Int64, Double)] {
        guard limit > 0 else { return [] }
        // What it reads is taken under the lock, and scored without it
        // (`BlockArray`): `score` cannot reach the state.
        return SearchScratch.search(
            state, afterTaking: afterTaking,
            take: { s in
                s.documents > 0 ? Taken(lists: terms.map { s.postings[$0] }, documents: s.documents, totalLength: s.totalLength) : nil
            },
            score: { Self.score($0, limit: limit, idfPower: idfPower, scratch: &$1) },
            answer: { s, top in top.map { (s.episodes[Int($0.0)], $0.1) } })
    }

    /// What a search reads of the index: the posting list of each of its
    /// terms (`nil` for a term no episode has), and the number and total
    /// length of the documents when it began.
    struct Taken: Sendable {
        var lists: [BlockArray<Posting>?]
        var documents: Int
        var totalLength: Int
    }

    /// The best `limit` document numbers for a search and their scores, best
    /// first: each term's BM25 summed in the order of the terms, in `scratch`
    /// (left zeroed).
    static func score(_ query: Taken, limit: Int, idfPower: Double, scratch: inout SearchScratch) -> [(UInt32, Double)] {
        let n = Double(query.documents)
        let averageLength = Double(query.totalLength) / n
        return scratch.best(limit, documents: query.documents) { sums in
            for list in query.lists {
                guard let list else { continue }
                let idf = BM25.idf(documents: n, holding: Double(list.count), power: idfPower)
                list.forEachBlock { block in
                    for j in block.indices {
                        if j + prefetchDistance < block.count { sums.prefetch(block[j + prefetchDistance].document) }
                        let p = block[j]
                        sums.add(p.document, BM25.term(idf: idf, frequency: Double(p.frequency), length: Double(p.length), averageLength: averageLength))
                    }
                }
            }
        }
    }

    /// How many blocks each term's postings fill (`BlockArray`).
    var postingBlocks: [Int] {
        state.withLock { s in s.postings.values.map { ($0.count + BlockArray<Posting>.blockSize - 1) / BlockArray<Posting>.blockSize } }
    }

    /// How many postings ahead a search asks for the sum it will add to.
    static let prefetchDistance = 8

    /// Which of the cue words each of `episodes` contains, by their stems:
    /// the words of the text seeds, for `explain` (`CueWord.matches`).
    func words(_ cue: [CueWord], in episodes: [Int64]) -> [Int64: [String]] {
        state.withLock { s in
            var documents: [UInt32: Int64] = [:]
            for episode in episodes {
                if let document = s.episodes.sortedIndex(of: episode, by: { $0 }).flatMap({ UInt32(exactly: $0) }) { documents[document] = episode }
            }
            return CueWord.matches(cue, documents: documents, postings: s.postings, document: \.document)
        }
    }

    /// How often each stem occurs in a text, and how many tokens it has. Stop
    /// words are indexed too, as FTS5 does: a query word that is not one can
    /// stem to one ("likely" → "like").
    static func termCounts(_ text: String, stems: inout [String: String]) -> (counts: [String: Int], length: Int) {
        let tokens = Analyzer.tokens(text)
        var counts: [String: Int] = [:]
        for token in tokens {
            let stem: String
            if let known = stems[token.text] {
                stem = known
            } else {
                stem = Analyzer.stem(token.text)
                stems[token.text] = stem
            }
            counts[stem, default: 0] += 1
        }
        return (counts, tokens.count)
    }
}
