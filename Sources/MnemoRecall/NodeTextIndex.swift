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

    struct State {
        var postings: [String: [Posting]] = [:]
        /// Each document's node and length in tokens; 0 once it is replaced or gone.
        var nodes: [NodeID] = []
        var lengths: [UInt32] = []
        /// The live document of each node.
        var document: [NodeID: UInt32] = [:]
        var documents = 0
        var totalLength = 0
        /// Scores of one search by document, and the documents it wrote:
        /// adding up a query's terms in an array instead of a dictionary
        /// (searches hold the lock, so one is enough). Zero everywhere
        /// between searches.
        var sums: [Double] = []
        var scored: [UInt32] = []
    }

    private let state = Mutex(State())

    init() {}

    /// Builds the index of every text in the store.
    static func build(from store: MemoryStore) throws(MnemoError) -> NodeTextIndex {
        let index = NodeTextIndex()
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
            s.postings[term, default: []].append(Posting(document: document, frequency: UInt16(min(count, Int(UInt16.max)))))
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
        return state.withLock { s -> [(NodeID, Double)] in
            guard s.documents > 0 else { return [] }
            let n = Double(s.documents)
            let averageLength = Double(s.totalLength) / n
            if s.sums.count < s.nodes.count { s.sums += [Double](repeating: 0, count: s.nodes.count - s.sums.count) }
            var sums = s.sums
            var scored = s.scored
            s.sums = []
            s.scored = []
            defer {
                for document in scored { sums[Int(document)] = 0 }
                scored.removeAll(keepingCapacity: true)
                s.sums = sums
                s.scored = scored
            }
            s.lengths.withUnsafeBufferPointer { lengths in
                sums.withUnsafeMutableBufferPointer { sums in
                    for term in terms {
                        guard let list = s.postings[term] else { continue }
                        list.withUnsafeBufferPointer { list in
                            // Replaced and removed documents keep their postings, with length 0.
                            var live = 0
                            for p in list where lengths[Int(p.document)] > 0 { live += 1 }
                            guard live > 0 else { return }
                            let idf = BM25.idf(documents: n, holding: Double(live), power: idfPower)
                            for p in list {
                                let length = lengths[Int(p.document)]
                                guard length > 0 else { continue }
                                let tf = Double(p.frequency)
                                let i = Int(p.document)
                                if sums[i] == 0 { scored.append(p.document) } // every term adds more than 0 (idf > 0, tf ≥ 1)
                                sums[i] += BM25.term(idf: idf, frequency: tf, length: Double(length), averageLength: averageLength)
                            }
                        }
                    }
                }
            }
            var top = TopK<UInt32>(limit)
            for document in scored { top.add((document, sums[Int(document)])) }
            return top.items.map { (s.nodes[Int($0.0)], $0.1) }
        }
    }
}
