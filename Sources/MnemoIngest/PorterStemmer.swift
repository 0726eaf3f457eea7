/// The Porter stemming algorithm (M. F. Porter, 1980), as SQLite's FTS5
/// `porter` tokenizer applies it, so that terms computed here match the terms
/// in the full-text index: `connections`, `connected`, `connecting` → `connect`.
///
/// Works on lower-case ASCII words of 3 to `longestStemmed` letters; other
/// words are returned unchanged.
public enum PorterStemmer {
    /// FTS5 passes a longer token through unstemmed (`FTS5_PORTER_MAX_TOKEN`).
    /// It also bounds the work: a run of `y`s makes the stemmer's steps
    /// quadratic in the word's length.
    public static let longestStemmed = 64

    public static func stem(_ word: String) -> String {
        guard (3...longestStemmed).contains(word.utf8.count), word.utf8.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { return word }
        var w = Array(word.utf8)
        step1a(&w)
        step1b(&w)
        step1c(&w)
        step2(&w)
        step3(&w)
        step4(&w)
        step5(&w)
        return String(decoding: w, as: UTF8.self)
    }

    private static func isConsonant(_ w: [UInt8], _ i: Int) -> Bool {
        switch w[i] {
        case 0x61, 0x65, 0x69, 0x6F, 0x75: return false // a e i o u
        case 0x79: return i == 0 ? true : !isConsonant(w, i - 1) // y
        default: return true
        }
    }

    /// m(): the number of VC sequences in w[0..<end].
    private static func measure(_ w: [UInt8], _ end: Int) -> Int {
        var n = 0
        var i = 0
        while i < end && isConsonant(w, i) { i += 1 }
        while i < end {
            while i < end && !isConsonant(w, i) { i += 1 }
            guard i < end else { break }
            n += 1
            while i < end && isConsonant(w, i) { i += 1 }
        }
        return n
    }

    private static func hasVowel(_ w: [UInt8], _ end: Int) -> Bool { (0..<end).contains { !isConsonant(w, $0) } }

    private static func endsDoubleConsonant(_ w: [UInt8]) -> Bool {
        let n = w.count
        return n >= 2 && w[n - 1] == w[n - 2] && isConsonant(w, n - 1)
    }

    /// *o: consonant-vowel-consonant, the last not w, x or y.
    private static func cvc(_ w: [UInt8], _ end: Int) -> Bool {
        guard end >= 3, isConsonant(w, end - 1), !isConsonant(w, end - 2), isConsonant(w, end - 3) else { return false }
        return ![0x77, 0x78, 0x79].contains(w[end - 1])
    }

    /// Compared in place: the steps try dozens of suffixes per word, and
    /// copying each into an array made stemming most of recall's set-up.
    private static func ends(_ w: [UInt8], _ suffix: String) -> Bool {
        let n = suffix.utf8.count
        guard w.count >= n else { return false }
        var i = w.count - n
        for byte in suffix.utf8 {
            if w[i] != byte { return false }
            i += 1
        }
        return true
    }

    /// Replaces `suffix` by `replacement` when the stem before it has m > `minimum`.
    @discardableResult
    private static func replace(_ w: inout [UInt8], _ suffix: String, _ replacement: String, minimum: Int) -> Bool {
        guard ends(w, suffix) else { return false }
        let stemEnd = w.count - suffix.utf8.count
        if measure(w, stemEnd) > minimum {
            w.removeLast(suffix.utf8.count)
            w.append(contentsOf: replacement.utf8)
        }
        return true
    }

    private static func step1a(_ w: inout [UInt8]) {
        if ends(w, "sses") { w.removeLast(2) } else if ends(w, "ies") { w.removeLast(2) } else if ends(w, "ss") {} else if ends(w, "s") { w.removeLast() }
    }

    private static func step1b(_ w: inout [UInt8]) {
        if ends(w, "eed") {
            if measure(w, w.count - 3) > 0 { w.removeLast() }
            return
        }
        var removed = false
        if ends(w, "ed"), hasVowel(w, w.count - 2) {
            w.removeLast(2)
            removed = true
        } else if ends(w, "ing"), hasVowel(w, w.count - 3) {
            w.removeLast(3)
            removed = true
        }
        guard removed else { return }
        if ends(w, "at") || ends(w, "bl") || ends(w, "iz") {
            w.append(0x65)
        } else if endsDoubleConsonant(w), ![0x6C, 0x73, 0x7A].contains(w[w.count - 1]) {
            w.removeLast()
        } else if measure(w, w.count) == 1, cvc(w, w.count) {
            w.append(0x65)
        }
    }

    private static func step1c(_ w: inout [UInt8]) {
        if ends(w, "y"), hasVowel(w, w.count - 1) { w[w.count - 1] = 0x69 }
    }

    private static let step2Rules: [(String, String)] = [
        ("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"), ("izer", "ize"), ("abli", "able"),
        ("alli", "al"), ("entli", "ent"), ("eli", "e"), ("ousli", "ous"), ("ization", "ize"), ("ation", "ate"),
        ("ator", "ate"), ("alism", "al"), ("iveness", "ive"), ("fulness", "ful"), ("ousness", "ous"), ("aliti", "al"),
        ("iviti", "ive"), ("biliti", "ble"),
    ]

    private static func step2(_ w: inout [UInt8]) {
        for (suffix, replacement) in step2Rules where replace(&w, suffix, replacement, minimum: 0) { return }
    }

    private static let step3Rules: [(String, String)] = [
        ("icate", "ic"), ("ative", ""), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"), ("ful", ""), ("ness", ""),
    ]

    private static func step3(_ w: inout [UInt8]) {
        for (suffix, replacement) in step3Rules where replace(&w, suffix, replacement, minimum: 0) { return }
    }

    private static let step4Suffixes = [
        "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent",
        "ion", "ou", "ism", "ate", "iti", "ous", "ive", "ize",
    ]

    private static func step4(_ w: inout [UInt8]) {
        for suffix in step4Suffixes where ends(w, suffix) {
            let stemEnd = w.count - suffix.utf8.count
            if suffix == "ion" {
                guard stemEnd > 0, w[stemEnd - 1] == 0x73 || w[stemEnd - 1] == 0x74 else { return }
            }
            if measure(w, stemEnd) > 1 { w.removeLast(suffix.utf8.count) }
            return
        }
    }

    private static func step5(_ w: inout [UInt8]) {
        if ends(w, "e") {
            let m = measure(w, w.count - 1)
            if m > 1 || (m == 1 && !cvc(w, w.count - 1)) { w.removeLast() }
        }
        if ends(w, "ll"), measure(w, w.count) > 1 { w.removeLast() }
    }
}
