import MnemoIngest

/// A word of a recall's text as the text wrote it, with its stem: what
/// `explain` says a text seed matched. A recall keeps each word once, in the
/// order the text first gives it.
struct CueWord: Sendable, Equatable {
    var word: String
    var stem: String

    /// The distinct words of `words` (the first `limit` of them), each
    /// stemmed once.
    static func distinct(_ words: [String], limit: Int = .max) -> [CueWord] {
        var seen: Set<String> = []
        var cue: [CueWord] = []
        for word in words where seen.insert(word).inserted {
            cue.append(CueWord(word: word, stem: Analyzer.stem(word)))
            if cue.count == limit { break }
        }
        return cue
    }

    /// Which of `cue` each of `documents` (a text index's document numbers,
    /// with the keys the caller knows them by) contains, in `cue`'s order.
    ///
    /// One pass over the cue words, whatever the number of documents: a
    /// word's postings are walked when they are few beside the documents,
    /// else each document is looked up in them (they are in document order).
    /// A recall of thousands of words with `explain` thus costs about what
    /// its search cost, not that for each result and each of its seeds.
    static func matches<Key: Hashable, List: RandomAccessCollection>(
        _ cue: [CueWord], documents: [UInt32: Key], postings: [String: List], document: (List.Element) -> UInt32
    ) -> [Key: [String]] where List.Index == Int {
        guard !documents.isEmpty else { return [:] }
        let sorted = documents.keys.sorted()
        var found: [Key: [String]] = [:]
        for cueWord in cue {
            guard let list = postings[cueWord.stem] else { continue }
            if list.count <= sorted.count * 8 {
                for posting in list {
                    if let key = documents[document(posting)] { found[key, default: []].append(cueWord.word) }
                }
            } else {
                for number in sorted where list.sortedContains(number, by: document) {
                    found[documents[number]!, default: []].append(cueWord.word)
                }
            }
        }
        return found
    }
}
