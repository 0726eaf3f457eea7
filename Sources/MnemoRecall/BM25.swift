import Foundation

/// Okapi BM25 as SQLite FTS5's `bm25()` computes it (k1 = 1.2, b = 0.75,
/// FTS5's IDF and its floor), for recall's two text indexes (`TextIndex`,
/// `NodeTextIndex`): the same expressions, so that a score is FTS5's to the
/// last bit.
enum BM25 {
    static let k1 = 1.2
    static let b = 0.75

    /// The weight of a term that `df` of `n` documents hold: FTS5's IDF,
    /// floored at 1e-6 (a term in more than half the documents still counts
    /// for a little), raised to `power` (`RecallSettings.longQueryIDFPower`;
    /// 1 leaves it FTS5's). Above 0 for every power up to 8.
    @inline(__always) static func idf(documents n: Double, holding df: Double, power: Double) -> Double {
        var idf = log((n - df + 0.5) / (df + 0.5))
        if idf <= 0 { idf = 1e-6 }
        if power != 1 { idf = pow(idf, power) }
        return idf
    }

    /// What a term of weight `idf` found `tf` times in a document of `length`
    /// tokens adds to its score.
    @inline(__always) static func term(idf: Double, frequency tf: Double, length: Double, averageLength: Double) -> Double {
        idf * ((tf * (k1 + 1.0)) / (tf + k1 * (1 - b + b * length / averageLength)))
    }
}
