/// The parameters of recall (daemon.conf `recall_*` keys; defaults measured on
/// the LoCoMo development conversations).
public struct RecallSettings: Sendable, Hashable {
    /// Hops of spreading.
    public var depth = 2
    /// Share of activation kept per hop.
    public var decay = 0.6
    /// Nodes below this activation do not spread.
    public var threshold = 0.005
    /// In the last hop, a node that would pass each neighbour less than this
    /// does not spread: what it gives can spread no further, and such crumbs
    /// (a hub's activation divided by its fan) did not change a LoCoMo result,
    /// while delivering them was a third of a recall over a million facts.
    public var minShare = 0.002
    /// How many full-text hits seed the spreading (episodes, and as many
    /// facts, scenes, persona attributes and insights).
    public var textSeeds = 60
    /// Activation of the best hit among the texts of facts, scenes, persona
    /// attributes and insights (the others scaled by their BM25 score, as
    /// episodes are with 1 for the best).
    public var otherTextSeed = 0.1
    /// Weight of the edges between a persona attribute or insight and its
    /// support (`GraphIndex.Weights.support`): taken when a space's graph is built.
    public var supportWeight = 0.1
    /// Activation of an entity named in the query / given with `about`.
    public var entitySeed = 1.2
    public var aboutSeed = 1.5
    /// Share of an episode's activation its neighbours in time receive.
    public var contiguity = 0.7
    /// How many turns either way contiguity reaches.
    public var contiguitySpan = 3
    /// The share, times this for each turn further than the next one.
    public var contiguityFalloff = 0.7
    /// A query of at least this many distinct stems (of the words searched:
    /// not names, unless it has nothing else, and not stop words; words that
    /// stem alike, "paint" and "painted", count once) is a long one: its text
    /// seeds weigh each word by its IDF to the power `longQueryIDFPower`, so
    /// that the rare words that single out what it describes count for more
    /// than the common ones it shares with many turns. A shorter query is
    /// searched by plain BM25.
    public var longQueryWords = 4
    /// The power of each word's IDF in the BM25 of a long query (1: plain BM25).
    public var longQueryIDFPower = 2.5
    /// Exponent of the length prior (`LengthPrior`): 0 turns it off.
    public var lengthPrior = 0.3
    /// Weight of base-level activation (recency and frequency) in the score.
    public var baseLevelWeight = 0.01
    /// The seed of the scenes that opened inside a time the query names:
    /// each gets this ÷ √(their number).
    public var temporalSeed = 10.0
    /// Score multiplier for items inside a time window named in the query.
    public var temporalBoost = 1.5
    /// Score multiplier for items an entity the query names speaks for
    /// (`GraphIndex.View.speaksFor`)
    /// (cues that agree: the words and the person).
    public var entityBoost = 1.5
    public var defaultLimit = 10

    public init() {}

    /// The power of each word's IDF for a query searching `terms`
    /// (`longQueryIDFPower` when they are at least `longQueryWords` distinct
    /// stems, else 1).
    public func idfPower(searching terms: [String]) -> Double {
        Set(terms).count >= longQueryWords ? longQueryIDFPower : 1
    }

    /// The graph's edge weights these settings give.
    public var graphWeights: GraphIndex.Weights {
        var weights = GraphIndex.Weights()
        weights.support = Float(supportWeight)
        return weights
    }
}
