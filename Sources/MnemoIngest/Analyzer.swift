import Foundation

/// The one text analysis of Mnemo, for ingestion and for queries alike:
/// tokens as SQLite's `unicode61` tokenizer cuts them (letters and digits,
/// lower-cased, diacritics removed), English stop words dropped, Porter stems
/// of the words with an irregular verb form taken to its base first ("bought"
/// → "buy" → "bui"). Episode text is indexed by FTS5 with `porter unicode61
/// remove_diacritics 2`, so the terms computed here are the terms in that
/// index, but for the irregular forms (FTS5 has "bought" where recall's
/// indexes have "bui").
public enum Analyzer {
    /// One token with where it stands in the text (UTF-8 byte offsets).
    public struct Token: Hashable, Sendable {
        public var text: String
        public var range: Range<Int>
    }

    /// Lower-cased tokens without diacritics, in order.
    public static func tokens(_ text: String) -> [Token] {
        var result: [Token] = []
        var current = String.UnicodeScalarView()
        var start = 0
        var offset = 0
        func flush() {
            if !current.isEmpty {
                result.append(Token(text: String(current), range: start..<offset))
                current.removeAll()
            }
        }
        for scalar in text.unicodeScalars {
            let width = UTF8.width(scalar)
            if scalar.isASCII {
                // The common case, without Unicode property look-ups or allocation.
                let v = scalar.value
                let isUpper = v >= 0x41 && v <= 0x5A
                if isUpper || (v >= 0x61 && v <= 0x7A) || (v >= 0x30 && v <= 0x39) {
                    if current.isEmpty { start = offset }
                    current.append(isUpper ? Unicode.Scalar(v + 0x20)! : scalar)
                } else {
                    flush()
                }
                offset += width
                continue
            }
            if Unicode61Table.isTokenCharacter(scalar.value) {
                if current.isEmpty { start = offset }
                // Lower-cased, without its diacritic; a combining accent is dropped and the token goes on.
                if let folded = Unicode61Table.folded(scalar) { current.append(folded) }
            } else {
                flush()
            }
            offset += width
        }
        flush()
        return result
    }

    /// The index terms of a text: tokens minus stop words, stemmed.
    public static func terms(_ text: String) -> [String] {
        tokens(text).compactMap { token in
            stopWords.contains(token.text) ? nil : stem(token.text)
        }
    }

    /// The term of one token (lower case, as `tokens` gives it): its Porter
    /// stem, after an irregular verb form is taken to its base form
    /// (`IrregularVerbs`), so that "bought", "buys" and "buying" find one
    /// another as "groups" and "grouped" do.
    public static func stem(_ token: String) -> String {
        PorterStemmer.stem(IrregularVerbs.base(of: token) ?? token)
    }

    /// Common English words that carry no topic.
    public static let stopWords: Set<String> = [
        "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "aren", "as", "at",
        "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "couldn",
        "d", "did", "didn", "do", "does", "doesn", "doing", "don", "down", "during", "each", "few", "for", "from",
        "further", "had", "hadn", "has", "hasn", "have", "haven", "having", "he", "her", "here", "hers", "herself", "him",
        "himself", "his", "how", "i", "if", "in", "into", "is", "isn", "it", "its", "itself", "just", "ll", "m", "me",
        "might", "more", "most", "must", "my", "myself", "no", "nor", "not", "now", "o", "of", "off", "on", "once", "only",
        "or", "other", "our", "ours", "ourselves", "out", "over", "own", "re", "s", "same", "shan", "she", "should",
        "shouldn", "so", "some", "such", "t", "than", "that", "the", "their", "theirs", "them", "themselves", "then",
        "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "ve", "very", "was",
        "wasn", "we", "were", "weren", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with",
        "won", "would", "wouldn", "y", "you", "your", "yours", "yourself", "yourselves", "also", "really", "yeah", "oh",
        "hey", "hi", "ok", "okay", "yes", "well", "so", "just", "like", "get", "got", "much", "many", "thing", "things",
        "lot", "lots", "one", "way", "even", "still", "let", "us",
    ]
}
