import MnemoModel
import MnemoRegex

/// What an episode's text says about who and what it involves.
public struct ExtractedEntities: Hashable, Sendable {
    /// Entities mentioned, by display name, in order of first appearance.
    public var mentions: [String]
    /// People the text is addressed to ("Hey Mel!", "Thanks, Caroline").
    public var addressees: [String]
}

/// Finds entities in text with PCRE2 rules: known names and aliases (from the
/// dictionary, longest match first), capitalised name sequences (not a
/// sentence's first word unless it is already known or part of a longer name),
/// possessives ("Mel's" → Mel), and the person
/// addressed. The speaker is added by the caller, who knows it.
public struct EntityExtractor: Sendable {
    let dictionary: EntityDictionary

    public init(dictionary: EntityDictionary) { self.dictionary = dictionary }

    // A capitalised word, with inner apostrophes or hyphens (O'Brien, Jean-Luc).
    private static let word = #"\p{Lu}[\p{Ll}\p{Lu}\p{M}]*(?:['’\-]\p{L}+)*"#
    /// Sequences of capitalised words, allowing a few lower-case particles inside.
    static let capitalised = try! RegexPattern(
        #"(?<![\p{L}\p{N}])"# + word + #"(?:\s+(?:(?:of|the|de|da|del|van|von|la|le)\s+)?"# + word + #")*"#, flags: "u")
    /// "Hey Mel", "Thanks, Caroline", "Good morning Jo".
    static let greeting = try! RegexPattern(
        #"(?i:\b(?:hey|hi|hello|hiya|thanks|thank you|thx|bye|goodbye|congrats|congratulations|good (?:morning|afternoon|evening|night)|dear|welcome back|see you|love you|yo)\b)[,!]?\s+(?<name>\p{Lu}\p{Ll}+)\b"#,
        flags: "u")
    /// "That's great, Mel!" — a name alone between a comma and the end of a sentence.
    static let vocative = try! RegexPattern(#",\s+(?<name>\p{Lu}\p{Ll}+)\s*[!?.]*\s*$"#, flags: "u")
    /// Where sentences start: the beginning, or after . ! ? and spaces (and quotes).
    static let sentenceStart = try! RegexPattern(#"(?:^|[.!?…:;]\s+|\n)["'“‘(]*"#, flags: "u")

    public func extract(_ text: String) -> ExtractedEntities {
        var mentions: [String] = []
        var covered: [Range<Int>] = []
        func add(_ name: String, _ range: Range<Int>?) {
            if !mentions.contains(where: { Name.normalize($0) == Name.normalize(name) }) { mentions.append(name) }
            if let range { covered.append(range) }
        }
        for known in dictionary.find(in: Analyzer.tokens(text)) { add(known.name, known.range) }

        let starts = Set(Self.sentenceStart.matches(in: text).map(\.range.upperBound))
        for match in Self.capitalised.matches(in: text) {
            guard !covered.contains(where: { $0.overlaps(match.range) }) else { continue }
            var words = match.text.split(whereSeparator: \.isWhitespace).map(String.init)
            var atSentenceStart = starts.contains(match.range.lowerBound)
            // Drop leading words that are common words or times, not names.
            while let first = words.first, Self.isCommon(first, atSentenceStart: atSentenceStart) {
                words.removeFirst()
                atSentenceStart = false
            }
            while let last = words.last, Self.isCommon(last, atSentenceStart: false) || Self.particles.contains(last) {
                words.removeLast()
            }
            guard !words.isEmpty else { continue }
            // A lone capitalised word opening a sentence is as likely a common word
            // ("Back from camping", "Say hi") as a name: unknown ones are left out.
            if words.count == 1 && atSentenceStart { continue }
            let name = Self.stripPossessive(words.joined(separator: " "))
            guard name.count >= 2 else { continue }
            add(name, nil)
        }

        var addressees: [String] = []
        for pattern in [Self.greeting, Self.vocative] {
            for match in pattern.matches(in: text) {
                guard let name = match["name"], !Self.isCommon(name, atSentenceStart: true) else { continue }
                let canonical = mentions.first { Name.normalize($0) == Name.normalize(name) } ?? name
                if !addressees.contains(canonical) { addressees.append(canonical) }
                add(canonical, nil)
            }
        }
        return ExtractedEntities(mentions: mentions, addressees: addressees)
    }

    static func stripPossessive(_ name: String) -> String {
        for suffix in ["'s", "’s", "'", "’"] where name.hasSuffix(suffix) && name.count > suffix.count + 1 {
            return String(name.dropLast(suffix.count))
        }
        return name
    }

    static let particles: Set<String> = ["of", "the", "de", "da", "del", "van", "von", "la", "le"]

    /// Words that are capitalised for grammar, not because they name something.
    static func isCommon(_ word: String, atSentenceStart: Bool) -> Bool {
        let lower = stripPossessive(word).lowercased()
        if alwaysCommon.contains(lower) { return true }
        return atSentenceStart && (Analyzer.stopWords.contains(lower) || sentenceCommon.contains(lower))
    }

    /// Never names: the pronoun I and its contractions, weekdays, months, interjections.
    static let alwaysCommon: Set<String> = [
        "i", "i'm", "i’m", "i've", "i’ve", "i'll", "i’ll", "i'd", "i’d",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december", "hey", "hi", "hello", "oh", "wow", "yeah", "yes", "no", "ok", "okay", "thanks",
        "thank", "lol", "omg", "haha", "hmm", "ah", "aw", "aww", "ooh", "yay", "bye", "congrats", "congratulations",
        "dear", "sure", "cool", "great", "awesome", "nice", "amazing", "right", "well", "anyway",
    ]

    /// Common words that start sentences.
    static let sentenceCommon: Set<String> = [
        "yesterday", "today", "tomorrow", "tonight", "last", "next", "this", "that", "these", "those", "there", "here",
        "what", "when", "where", "why", "how", "who", "which", "it's", "it’s", "that's", "that’s", "there's", "let's",
        "let’s", "do", "did", "does", "don't", "don’t", "can", "could", "would", "should", "will", "maybe", "also",
        "actually", "honestly", "definitely", "absolutely", "totally", "really", "so", "but", "and", "or", "if", "just",
        "thanks", "sounds", "looks", "glad", "good", "love", "loved", "hope", "happy", "sorry", "exactly", "agreed",
        "true", "same", "me", "my", "our", "we", "you", "your", "they", "their", "he", "she", "his", "her", "it", "its",
        "not", "never", "always", "sometimes", "often", "all", "some", "any", "every", "each", "one", "two", "three",
        "first", "then", "now", "after", "before", "since", "because", "while", "although", "even", "still", "yep",
        "nope", "please", "wait", "look", "see", "take", "make", "keep", "go", "went", "had", "have", "has", "was", "were",
        "is", "are", "be", "been", "being", "am", "i", "a", "an", "the", "to", "for", "with", "at", "on", "in", "of",
        "by", "from", "about", "as", "like", "lately", "recently", "speaking", "btw", "by the way", "absolutely",
        "interesting", "cute", "beautiful", "perfect", "fantastic", "incredible", "whoa", "yup", "indeed", "anyway",
        "oops", "hah", "gosh", "wish", "enjoy", "check", "tell", "thinking", "talking", "feeling", "getting", "being",
    ]
}
