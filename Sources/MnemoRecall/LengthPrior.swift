import Foundation

/// Recall's prior on an episode's length (`recall_length_prior`, docs/recall.md).
///
/// BM25 normalises a text's term frequencies by its length, so that a long
/// text does not win by repeating words; it says nothing of how much a text
/// is worth having. A turn of two words ("Wow, nice!") seldom holds anything
/// a question asks about, a turn of forty often does. The prior multiplies an
/// episode's score by (length ÷ the space's mean episode length)^exponent,
/// the ratio capped at `ratioCap` either way, so that it tips close calls
/// and never buries a short turn that matched well.
public enum LengthPrior {
    /// The cap on the length ratio, above and below 1.
    public static let ratioCap = 4.0

    /// The largest factor the prior can give: what the bound on a
    /// candidate's score allows for (a negative exponent favours short
    /// texts, up to the same factor).
    public static func maxFactor(exponent: Double) -> Double {
        pow(ratioCap, abs(exponent))
    }
}
