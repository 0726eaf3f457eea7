/// Made-up pronounceable words, so the synthetic texts of a benchmark have a
/// realistic spread of terms and postings.
public struct Vocabulary: Sendable {
    public let words: [String]

    public init(words: [String]) { self.words = words }

    static let syllables = ["ka", "lo", "mi", "ra", "tu", "se", "no", "vi", "da", "pe", "zu", "ho", "ri", "ga", "be", "fo"]

    /// `count` distinct words, the i-th spelled from i: three syllables chosen
    /// by its low 12 bits and the digit `i % 7` (mnemo-bench-recall, -ping and
    /// -activation).
    public static func spelled(_ count: Int) -> Vocabulary {
        Vocabulary(
            words: (0..<count).map { i in
                (0..<3).map { syllables[(i >> (4 * $0)) % 16] }.joined() + String(i % 7)
            })
    }

    /// `count` words of three syllables drawn at random, repeats allowed, from
    /// another set of sixteen (mnemo-bench-forget: the vocabulary its figures were
    /// measured with).
    public static func drawn(_ count: Int, _ rng: inout SplitMix64) -> Vocabulary {
        let syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "qu", "do", "fe", "gi", "ha", "jo"]
        return Vocabulary(words: (0..<count).map { _ in (0..<3).map { _ in syllables[rng.next(syllables.count)] }.joined() })
    }

    public var count: Int { words.count }

    public subscript(_ i: Int) -> String { words[i] }

    /// `n` words drawn at random, joined by spaces.
    public func phrase(_ n: Int, _ rng: inout SplitMix64) -> String {
        (0..<n).map { _ in words[rng.next(words.count)] }.joined(separator: " ")
    }
}
