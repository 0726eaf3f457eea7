extension IrregularVerbs {
    /// The base form of an irregular verb form ("went" → "go"), or `nil` for
    /// any other word. Lower case, as `Analyzer.tokens` gives it.
    ///
    /// A pair with a stop word on either side is left out: the forms of
    /// "be", "have", "do", "get" and the modals carry no topic, and folding
    /// one into a word that does would make a question's "may" (the month)
    /// find every "might", or a "won't" find "win".
    static func base(of form: String) -> String? { bases[form] }

    private static let bases: [String: String] = {
        let words = table.split(whereSeparator: \.isWhitespace).map(String.init)
        var bases: [String: String] = [:]
        bases.reserveCapacity(words.count / 2)
        var i = 0
        while i + 1 < words.count {
            let (form, base) = (words[i], words[i + 1])
            if !Analyzer.stopWords.contains(form) && !Analyzer.stopWords.contains(base) { bases[form] = base }
            i += 2
        }
        return bases
    }()
}
