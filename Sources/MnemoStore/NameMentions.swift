/// Finds names in derived text: a name is mentioned where its words appear
/// one after the other, whole, whatever the letter case and the punctuation
/// around them ("Bob:" and "bob's" mention Bob; "Bobby" does not).
///
/// `forget` uses it to find what consolidation wrote about a forgotten entity
/// without a row pointing to it: the summary line "Bob: …", another person's
/// `talks_with` "Bob", an insight's text.
struct NameMentions {
    private var names: [[Substring]] = []

    var isEmpty: Bool { names.isEmpty }

    /// Adds a name (an entity's name or one of its aliases).
    mutating func add(_ name: String) {
        let words = Self.words(name)
        if !words.isEmpty && !names.contains(words) { names.append(words) }
    }

    /// Whether `text` mentions any of the names.
    func mentioned(in text: String) -> Bool {
        guard !names.isEmpty else { return false }
        let words = Self.words(text)
        for name in names where name.count <= words.count {
            for start in 0...(words.count - name.count) where words[start] == name[0] {
                if words[start..<(start + name.count)].elementsEqual(name) { return true }
            }
        }
        return false
    }

    /// Lower-cased runs of letters and digits.
    static func words(_ text: String) -> [Substring] {
        text.lowercased().split { !($0.isLetter || $0.isNumber) }
    }
}
