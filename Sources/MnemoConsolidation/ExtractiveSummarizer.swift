import Foundation
import MnemoIngest

/// A scene's summary without a model: the sentences most central to the
/// scene, in the order they were said. A sentence's centrality is the sum of
/// its TF-IDF cosine similarity to every other sentence of the scene (the
/// degree form of LexRank): what many sentences talk about is what the scene
/// is about. Sentences with fewer than three content words ("Thanks!") do
/// not compete.
struct ExtractiveSummarizer {
    var sentences = 3
    var cache = TermCache()

    struct Line {
        var speaker: String?
        var text: String
    }

    func summarize(_ lines: [Line], names: Set<String> = []) -> String? {
        var candidates: [(speaker: String?, text: String, terms: [String: Double])] = []
        // Speakers' names and small talk are in every sentence and say nothing.
        var ignored: Set<String> = []
        for speaker in Set(lines.compactMap(\.speaker)) { ignored.formUnion(cache.terms(speaker)) }
        for name in names { ignored.formUnion(cache.terms(name)) }
        for line in lines {
            for sentence in Self.sentences(of: line.text) {
                var counts: [String: Double] = [:]
                for term in cache.terms(sentence) where !ignored.contains(term) && !Self.smallTalk.contains(term) {
                    counts[term, default: 0] += 1
                }
                candidates.append((line.speaker, sentence, counts))
            }
        }
        guard !candidates.isEmpty else { return nil }
        var documentFrequency: [String: Double] = [:]
        for c in candidates { for term in c.terms.keys { documentFrequency[term, default: 0] += 1 } }
        let n = Double(candidates.count)
        // Vectors as (term, weight) sorted by term: every sum below runs in
        // the same order each time, so a second run picks the same sentences.
        let vectors: [[(String, Double)]] = candidates.map { c in
            var v = c.terms.map { term, tf in (term, tf * log(1 + n / documentFrequency[term]!)) }.sorted { $0.0 < $1.0 }
            let norm = v.reduce(0) { $0 + $1.1 * $1.1 }.squareRoot()
            if norm > 0 { for i in v.indices { v[i].1 /= norm } }
            return v
        }
        func cosine(_ a: [(String, Double)], _ b: [(String, Double)]) -> Double {
            var i = 0
            var j = 0
            var dot = 0.0
            while i < a.count && j < b.count {
                if a[i].0 == b[j].0 {
                    dot += a[i].1 * b[j].1
                    i += 1
                    j += 1
                } else if a[i].0 < b[j].0 {
                    i += 1
                } else {
                    j += 1
                }
            }
            return dot
        }
        var scores = [Double](repeating: 0, count: candidates.count)
        for i in 0..<vectors.count where candidates[i].terms.count >= 3 {
            for j in 0..<vectors.count where j != i { scores[i] += cosine(vectors[i], vectors[j]) }
            scores[i] += 1e-6 * Double(candidates[i].terms.count) // ties: the fuller sentence
        }
        let eligible = (0..<candidates.count).filter { candidates[$0].terms.count >= 3 }
        let pool = eligible.isEmpty ? Array(0..<candidates.count) : eligible
        let chosen = pool.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }.prefix(sentences).sorted()
        return chosen.map { i in
            candidates[i].speaker.map { "\($0): \(candidates[i].text)" } ?? candidates[i].text
        }.joined(separator: " ")
    }

    /// Stems of words that carry no content in conversation.
    static let smallTalk: Set<String> = SmallTalk.stems

    /// Splits text after `.`, `!` or `?` followed by white space.
    static func sentences(of text: String) -> [String] {
        var result: [String] = []
        var current = String.UnicodeScalarView()
        var previous: Unicode.Scalar = " "
        func flush() {
            let trimmed = String(current).trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty { result.append(trimmed) }
            current.removeAll(keepingCapacity: true)
        }
        for scalar in text.unicodeScalars {
            let space = scalar.isASCII ? (scalar == " " || scalar == "\n" || scalar == "\t" || scalar == "\r") : scalar.properties.isWhitespace
            if space, previous == "." || previous == "!" || previous == "?" {
                flush()
            } else {
                current.append(scalar)
            }
            previous = scalar
        }
        flush()
        return result
    }
}
