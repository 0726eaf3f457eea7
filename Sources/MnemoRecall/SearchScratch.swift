import CPrefetch
import Synchronization

/// The working memory of one BM25 search of a text index: a score per
/// document number, adding up a query's terms in an array instead of a
/// dictionary, and the documents written. Zero everywhere between searches.
///
/// Each search running has one of its own (8 bytes per document of the
/// index), so that searches run side by side without the index's lock; the
/// index keeps a few (`SearchScratch.Spare`) for the next ones.
struct SearchScratch {
    private var sums: [Double] = []
    private var scored: [UInt32] = []

    /// The scores of a search as `add` writes them (not copyable: it lends
    /// the scratch's memory for the time of `best` alone).
    struct Sums: ~Copyable {
        fileprivate let sums: UnsafeMutableBufferPointer<Double>
        fileprivate var scored: [UInt32]

        /// Adds a term's score to a document's.
        @inline(__always) mutating func add(_ document: UInt32, _ score: Double) {
            let i = Int(document)
            if sums[i] == 0 { scored.append(document) } // every term adds more than 0 (idf > 0, tf ≥ 1)
            sums[i] += score
        }

        /// Asks for a document's score to be brought into the cache: postings
        /// spread over a score per document far larger than the caches.
        @inline(__always) func prefetch(_ document: UInt32) {
            mnemo_prefetch(sums.baseAddress! + Int(document))
        }
    }

    /// The best `limit` documents and their scores, best first (ties to the
    /// lower document number), once `add` has added the query's terms, in
    /// its order, to documents numbered below `documents`. Leaves the scratch
    /// zeroed. (Inlined, so that the search's loop is compiled with `add`
    /// and `Sums` in place: called, it took 5% more instructions of a recall
    /// over long posting lists.)
    @inline(__always) mutating func best(_ limit: Int, documents: Int, _ add: (inout Sums) -> Void) -> [(UInt32, Double)] {
        if sums.count < documents { sums += [Double](repeating: 0, count: documents - sums.count) }
        // Moved out, so that its buffer has one reference and appending reuses it.
        var scored: [UInt32] = []
        swap(&scored, &self.scored)
        sums.withUnsafeMutableBufferPointer { buffer in
            var written = Sums(sums: buffer, scored: scored)
            scored = []
            add(&written)
            scored = written.scored
        }
        var top = TopK<UInt32>(limit)
        for document in scored { top.add((document, sums[Int(document)])) }
        for document in scored { sums[Int(document)] = 0 }
        scored.removeAll(keepingCapacity: true)
        self.scored = scored
        return top.items
    }

    /// The scratch of searches done, for the next ones: at most `kept`, about
    /// as many as run at once on a daemon's threads.
    struct Spare {
        static let kept = 4
        private var scratch: [SearchScratch] = []

        mutating func take() -> SearchScratch { scratch.popLast() ?? SearchScratch() }

        mutating func give(_ done: SearchScratch) {
            if scratch.count < Self.kept { scratch.append(done) }
        }
    }
}

/// The state of a text index that its searches share: the working memory
/// they hand on (`SearchScratch.Spare`).
protocol SearchedState {
    var spare: SearchScratch.Spare { get set }
}

extension SearchScratch {
    /// A search of a text index whose state `state` guards, in three steps:
    /// under the lock, `take` what it reads (`nil`: nothing to search) and a
    /// working memory; without the lock, run `afterTaking` (a test's) and
    /// `score`; under the lock again, hand the working memory back and
    /// `answer` the document numbers found. What is taken is consumed, so
    /// that neither it nor the working memory has a second reference: writing
    /// them would copy them, and the lists are let go before the lock is taken
    /// again.
    static func search<State: SearchedState, Taken: Sendable, Found: Sendable>(
        _ state: borrowing Mutex<State>, afterTaking: (() -> Void)?, take: (inout State) -> Taken?,
        score: (Taken, inout SearchScratch) -> [(UInt32, Double)], answer: (State, [(UInt32, Double)]) -> [Found]
    ) -> [Found] {
        let taken = state.withLock { s -> (Taken, SearchScratch)? in take(&s).map { ($0, s.spare.take()) } }
        guard case (let query, var scratch)? = consume taken else { return [] }
        afterTaking?()
        let top = score(consume query, &scratch)
        var done: SearchScratch? = consume scratch
        return state.withLock { s in
            s.spare.give(done.take()!)
            return answer(s, top)
        }
    }
}
