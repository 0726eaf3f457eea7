import MnemoModel

/// Step 4 of a recall (docs/recall.md): which of the episodes and facts it
/// reached may be answered (`during`, `as of`, `known as of`, `in scene`), and their scores —
/// activation plus weighted base level, times the boosts of the entities and
/// the time the text names.
struct Scoring {
    let now: Int64
    let baseLevelWeight: Double
    /// No node's weighted base level is higher (`GraphIndex.View.baseLevelBound`):
    /// a candidate that could not beat the last place even with it is not scored.
    /// (Read as the recall scores; a node another recall records meanwhile
    /// may pass it, and `score` holds it to the bound, so that what the bound
    /// left out could not have ranked.)
    let baseLevelBound: Double
    /// The factor of an item linked directly to an entity the text names.
    let entityFactor: Double
    /// The factor of an item inside the time the text names.
    let temporalFactor: Double
    /// The exponent of the length prior, and the largest factor it gives.
    let lengthPrior: Double
    let lengthBound: Double
    /// The time the text names, [from, to) in µs.
    let window: (from: Int64, to: Int64)?
    /// `as of`: only items valid then (`GraphIndex.View.valid(_:at:)`).
    let asOf: Int64?
    /// `during`: only items whose valid time overlaps [from, to), µs.
    let during: (from: Int64, to: Int64)?
    /// `in scene`: only that scene's episodes (facts are not filtered).
    let scene: UInt32?
    /// `known as of`: the valid intervals believed then that differ from
    /// the graph's, [from, to) in µs (`KnownBeliefs`).
    let believed: [UInt32: (from: Int64, to: Int64)]?

    init(
        _ recall: Recall, cues: RecallCues, settings: RecallSettings, view: GraphIndex.View, known: KnownBeliefs? = nil,
        now: Timestamp
    ) {
        self.now = now.microseconds
        baseLevelWeight = settings.baseLevelWeight
        baseLevelBound = settings.baseLevelWeight * view.baseLevelBound()
        entityFactor = 1 + settings.entityBoost
        temporalFactor = 1 + settings.temporalBoost
        lengthPrior = settings.lengthPrior
        lengthBound = LengthPrior.maxFactor(exponent: settings.lengthPrior)
        window = cues.window?.range.microseconds
        // `known as of` with no other time asks about that moment, as `match` does.
        asOf = (recall.asOf ?? (recall.during == nil ? recall.knownAsOf : nil))?.microseconds
        during = recall.during?.microseconds
        scene = cues.scene.flatMap { view.node(NodeID(.scene, $0)) }
        believed = known?.intervals
    }

    /// Whether the clauses of the recall let this node be answered: `as of`
    /// keeps what was valid at that time, `during` what was valid at some
    /// time in the interval (a fact that began before it and still holds
    /// overlaps it), `in scene` that scene's episodes. A fact whose valid
    /// interval `known as of` believed otherwise is tested against that one.
    @inline(__always) func admits(_ n: UInt32, flags: GraphIndex.Flags, in view: GraphIndex.View) -> Bool {
        if let asOf, !(believed?[n].map { $0.from <= asOf && asOf < $0.to } ?? view.valid(n, at: asOf)) { return false }
        if let during, !(believed?[n].map { $0.from < during.to && $0.to > during.from } ?? view.valid(n, overlapping: during.from, during.to)) {
            return false
        }
        if let scene, flags.contains(.episode), view.scene(of: n) != scene { return false }
        return true
    }

    /// Whether the node lies in the time the text names.
    @inline(__always) func inWindow(_ n: UInt32, in view: GraphIndex.View) -> Bool {
        guard let window else { return false }
        return view.inTime(n, from: window.from, to: window.to)
    }

    /// The product of the boosts that apply.
    @inline(__always) func boost(linked: Bool, inWindow: Bool) -> Double {
        var boost = 1.0
        if linked { boost *= entityFactor }
        if inWindow { boost *= temporalFactor }
        return boost
    }

    /// Whether a node with this activation and boost (the product of its
    /// boosts and length prior, or a bound on it) could not enter a top
    /// whose last place is `last`, whatever its base level. (The margin covers
    /// rounding: the bound is never below the score.)
    @inline(__always) func cannotReach(_ last: Double, activation: Double, boost: Double) -> Bool {
        let bound = activation * boost + baseLevelBound
        return bound + abs(bound) * 1e-9 < last
    }

    /// The node's score: its activation, each boost applied in turn and
    /// times the length prior, plus its weighted base level. The base level
    /// is added after the factors: it is negative for what was last met more
    /// than a day ago (ages count in days), and a factor above 1 applied to a
    /// negative score would rank a boosted item lower.
    @inline(__always) func score(_ n: UInt32, activation: Double, linked: Bool, inWindow: Bool, length: Double, in view: GraphIndex.View) -> Double {
        var boosted = activation
        if linked { boosted *= entityFactor }
        if inWindow { boosted *= temporalFactor }
        return boosted * length + min(baseLevelWeight * view.baseLevel(n, now: now), baseLevelBound)
    }
}
