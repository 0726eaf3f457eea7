import MnemoIngest

/// `Analyzer.terms` with the stems remembered: a run analyses every episode,
/// and a conversation's vocabulary is small next to its word count.
final class TermCache {
    private var stems: [String: String] = [:]

    func stem(_ word: String) -> String {
        if let known = stems[word] { return known }
        let stemmed = Analyzer.stem(word)
        stems[word] = stemmed
        return stemmed
    }

    /// The index terms of tokens: stop words dropped, stemmed.
    func terms(_ tokens: [Analyzer.Token]) -> [String] {
        tokens.compactMap { Analyzer.stopWords.contains($0.text) ? nil : stem($0.text) }
    }

    func terms(_ text: String) -> [String] { terms(Analyzer.tokens(text)) }
}
