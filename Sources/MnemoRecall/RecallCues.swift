import MnemoModel

/// What a recall's text and clauses point at, found before the graph is
/// touched (`RecallEngine.cues`): the seeds of step 1 of docs/recall.md, and
/// the scene and time the later steps filter and boost by.
struct RecallCues {
    /// An entity to seed: named in the text, or given with `about`.
    struct Entity {
        var id: Int64
        /// The activation it starts with (`recall_entity_seed`, `recall_about_seed`).
        var strength: Double
        var kind: Seed
        /// The name as the text or `about` gave it, for `explain`.
        var name: String
    }

    /// The best `recall_text_seeds` episodes by BM25 over the text's words,
    /// best first, scores scaled to (0, 1].
    var textHits: [(episode: Int64, score: Double)]
    /// The best `recall_text_seeds` facts, scenes, persona attributes and
    /// insights by BM25 over their texts, scaled the same way.
    var nodeHits: [(node: NodeID, score: Double)]
    /// The words the full-text searches were made of (the text's, stop
    /// words and names left out), each once, for `explain` to say which a
    /// seed matched.
    var words: [CueWord]
    /// The entities the text names, in the order it names them, then `about`'s.
    var entities: [Entity]
    /// The scene `in scene` names.
    var scene: Int64?
    /// The first time the text names ("last May"): the scenes that opened in
    /// it are seeded, and items in it are boosted.
    var window: TimeMention?
}
