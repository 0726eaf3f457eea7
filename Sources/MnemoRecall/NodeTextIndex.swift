import Foundation
import MnemoIngest
import MnemoModel
import MnemoStore
import Synchronization

/// The text seeds of recall that are not episodes: facts by their text
/// fillers, scenes by their title and summary, persona attributes by their
/// name and value, insights by their text (`ReadContext.forEachRecallText`),
/// scored by BM25 against the query's terms.
///
/// Beside the episode index (`TextIndex`), not in it: that one scores as
/// FTS5 does over `episode_fts`, and other documents would change its
/// statistics. These texts also change (a scene's summary, a persona's
/// value), where episodes never do: `set` replaces a document, leaving the
/// old one's postings in place but dead (skipped by searches and not
/// counted in the statistics) until the index is next built.
public final class NodeTextIndex: Sendable {
    struct Posting {
        var document: UInt32
        var frequency: UInt16
    }

    struct State: SearchedState {
        var postings: [String: BlockArray<Posting>] = [:]
        /// Each document's node and length in tokens; 0 once it is replaced or gone.
        var nodes: [NodeID] = []
        var lengths = BlockArray<UInt32>()
        /// The live document of each node.
        var document: [NodeID: UInt32] = [:]
        var documents = 0
        var totalLength = 0
        /// The working memory of searches done, for the next ones.
        var spare = SearchScratch.Spare()
    }

    private let state = Mutex(State())

    /// Run by each search once it has taken what it reads and let the lock
    /// go, before it scores: for a test to change the index meanwhile.
    private let afterTaking: (@Sendable () -> Void)?

    init(afterTaking: (@Sendable () -> Void)? = nil) {
        self.afterTaking = afterTaking
    }

    /// Builds the index of every text in the store.
    static func build(from store: MemoryStore, afterTaking: (@Sendable () -> Void)? = nil) throws(MnemoError) -> NodeTextIndex {
        let index = NodeTextIndex(afterTaking: afterTaking)
        var texts: [(NodeID, String)] = []
        try store.read { r in try r.forEachRecallText { texts.append(($0, $1)) } }
        var stems: [String: String] = [:]
        index.state.withLock { s in
            for (id, text) in texts { Self.set(id, TextIndex.termCounts(text, stems: &stems), in: &s) }
        }
        return index
    }

    /// Reads the texts of these stored things again (after a commit that
    /// created, changed or removed them).
    func refresh(_ ids: [NodeID], from store: MemoryStore) throws(MnemoError) {
        let wanted = ids.filter { $0.kind != .episode && $0.kind != .entity }
        guard !wanted.isEmpty else { return }
        let texts = try store.read { r in try wanted.map { ($0, try r.recallText(of: $0)) } }
        var stems: [String: String] = [:]
        let analysed = texts.map { ($0.0, $0.1.map { TextIndex.termCounts($0, stems: &stems) }) }
        state.withLock { s in
            for (id, counts) in analysed {
                if let old = s.document.removeValue(forKey: id) { Self.kill(old, in: &s) }
                if let counts { Self.set(id, counts, in: &s) }
            }
        }
    }

    private static func set(_ id: NodeID, _ analysed: (counts: [String: Int], length: Int), in s: inout State) {
        guard analysed.length > 0, s.nodes.count < Int(UInt32.max) else { return }
        if let old = s.document.removeValue(forKey: id) { kill(old, in: &s) }
        let document = UInt32(s.nodes.count)
        let length = UInt32(min(analysed.length, Int(UInt32.max)))
        for (term, count) in analysed.counts {
            s.postings[term, default: BlockArray()].append(Posting(document: document, frequency: UInt16(min(count, Int(UInt16.max)))))
        }
        s.nodes.append(id)
        s.lengths.append(length)
        s.document[id] = document
        s.documents += 1
        s.totalLength += Int(length)
    }

    private static func kill(_ document: UInt32, in s: inout State) {
        s.documents -= 1
        s.totalLength -= Int(s.lengths[Int(document)])
        s.lengths[Int(document)] = 0
    }

    /// Which of the cue words the live text of each of `nodes` contains, by
    /// their stems: the words of the text seeds, for `explain`
    /// (`CueWord.matches`).
    func words(_ cue: [CueWord], in nodes: [NodeID]) -> [NodeID: [String]] {
        state.withLock { s in
            var documents: [UInt32: NodeID] = [:]
            for node in nodes {
                if let document = s.document[node] { documents[document] = node }
            }
            return CueWord.matches(cue, documents: documents, postings: s.postings, document: \.document)
        }
    }

    /// Live documents, for `stats` and tests.
    public var count: Int { state.withLock { $0.documents } }

    /// Whether replaced documents, whose postings stay until a build,
    /// outnumber the live ones, past `floor`: each consolidation run
    /// replaces the texts of what it touched.
    public func isWasteful(floor: Int = GraphIndex.wasteFloor) -> Bool {
        state.withLock { s in s.nodes.count - s.documents > max(floor, s.documents) }
    }

    /// The best `limit` things for the query `terms` (stemmed), with BM25
    /// scores (`BM25`, each IDF raised to `idfPower` as `TextIndex.search`
    /// raises it), best first; ties go to the document indexed first.
    func search(_ terms: [String], limit: Int, idfPower: Double = 1) -> [(NodeID, Double)] {
        guard limit > 0 else { return [] }
        // What it reads is taken under the lock, and scored without it
        // (`BlockArray`): `score` cannot reach the state.
        return SearchScratch.search(
            state, afterTaking: afterTaking,
            take: { s in
                guard s.documents > 0 else { return nil }
                return Taken(lists: terms.map { s.postings[$0] }, lengths: s.lengths, documents: s.documents, totalLength: s.totalLength)
            },
            score: { Self.score($0, limit: limit, idfPower: idfPower, scratch: &$1) },
            answer: { s, top in top.map { (s.nodes[Int($0.0)], $0.1) } })
    }

    /// What a search reads of the index: the posting list of each of its
    /// terms (`nil` for a term no text has), each document's length (0 for
    /// one replaced or gone), and the number and total length of the live
    /// documents when it began.
    struct Taken: Sendable {
        var lists: [BlockArray<Posting>?]
        var lengths: BlockArray<UInt32>
        var documents: Int
        var totalLength: Int
    }

    /// The best `limit` document numbers for a search and their scores, best
    /// first: each term's BM25 over the live documents, summed in the order
    /// of the terms, in `scratch` (left zeroed).
    static func score(_ query: Taken, limit: Int, idfPower: Double, scratch: inout SearchScratch) -> [(UInt32, Double)] {
        let n = Double(query.documents)
        let averageLength = Double(query.totalLength) / n
        let lengths = query.lengths
        return scratch.best(limit, documents: lengths.count) { sums in
            for list in query.lists {
                guard let list else { continue }
                // Replaced and removed documents keep their postings, with length 0.
                var live = 0
                list.forEachBlock { block in for p in block where lengths[Int(p.document)] > 0 { live += 1 } }
                guard live > 0 else { continue }
                let idf = BM25.idf(documents: n, holding: Double(live), power: idfPower)
                list.forEachBlock { block in
                    for p in block {
                        let length = lengths[Int(p.document)]
                        guard length > 0 else { continue }
                        sums.add(p.document, BM25.term(idf: idf, frequency: Double(p.frequency), length: Double(length), averageLength: averageLength))
                    }
                }
            }
        }
    }
}
