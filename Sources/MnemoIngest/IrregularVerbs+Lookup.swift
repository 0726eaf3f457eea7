extension IrregularVerbs {
    /// The base form of an irregular verb form ("went" → "go"), or `nil` for
    /// any other word. Lower case, as `Analyzer.tokens` gives it.
    static func base(of form: String) -> String? { bases[form] }

    private static let bases: [String: String] = {
        let words = table.split(whereSeparator: \.isWhitespace).map(String.init)
        return Dictionary(uniqueKeysWithValues: stride(from: 0, to: words.count - 1, by: 2).map { (words[$0], words[$0 + 1]) })
    }()
}
