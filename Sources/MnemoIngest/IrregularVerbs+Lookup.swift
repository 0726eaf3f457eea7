extension IrregularVerbs {
    /// The base form of an irregular verb form ("went" → "go"), or `nil` for
    /// any other word. Lower case, as `Analyzer.tokens` gives it.
    ///
    /// Left out of the table's pairs:
    /// - one with a stop word on either side: the forms of "be", "have",
    ///   "do", "get" and the modals carry no topic, and folding one into a
    ///   word that does would make a question's "may" (the month) find every
    ///   "might", or a "won't" find "win";
    /// - one the Porter stemmer already takes care of: a form it stems as
    ///   the base ("running"), or as a regular form of the base that the
    ///   table does not list ("tried" as "tries": WordNet lists "tried" as
    ///   its rules cannot undo the y). Folded, such a form would only be
    ///   taken away from that regular form.
    static func base(of form: String) -> String? { bases[form] }

    private static let bases: [String: String] = {
        let words = table.split(whereSeparator: \.isWhitespace).map(String.init)
        var bases: [String: String] = [:]
        bases.reserveCapacity(words.count / 2)
        var i = 0
        while i + 1 < words.count {
            let (form, base) = (words[i], words[i + 1])
            i += 2
            if Analyzer.stopWords.contains(form) || Analyzer.stopWords.contains(base) { continue }
            let stem = PorterStemmer.stem(form)
            if stem == PorterStemmer.stem(base) { continue }
            if regularForms(of: base).contains(where: { !listed.contains($0) && PorterStemmer.stem($0) == stem }) { continue }
            bases[form] = base
        }
        return bases
    }()

    /// Every form the table lists.
    private static let listed: Set<String> = {
        let words = table.split(whereSeparator: \.isWhitespace)
        return Set(stride(from: 0, to: words.count - 1, by: 2).map { String(words[$0]) })
    }()

    /// How English would spell a verb's regular forms (third person, past,
    /// -ing), with every spelling rule that could apply: "tries", "tried" and
    /// "trying" of "try"; "hopped" and "hoped" of "hop" and "hope"; "seeing"
    /// of "see".
    static func regularForms(of base: String) -> Set<String> {
        guard let last = base.last else { return [] }
        var forms: Set<String> = []
        let stem = String(base.dropLast())
        if last == "y", let before = stem.last, !"aeiou".contains(before) {
            forms.formUnion([stem + "ies", stem + "ied"])
        } else if ["s", "x", "z", "o"].contains(last) || base.hasSuffix("ch") || base.hasSuffix("sh") {
            forms.formUnion([base + "es", base + "ed"])
        } else {
            forms.insert(base + "s")
        }
        if last == "e" {
            forms.formUnion([base + "d", base.hasSuffix("ee") ? base + "ing" : stem + "ing"])
        } else {
            forms.formUnion([base + "ed", base + "ing", base + String(last) + "ed", base + String(last) + "ing"])
        }
        return forms
    }
}
