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
    }

    /// The best `recall_text_seeds` episodes by BM25 over the text's words,
    /// best first, scores scaled to (0, 1].
    var textHits: [(episode: Int64, score: Double)]
    /// The best `recall_text_seeds` facts, scenes, persona attributes and
    /// insights by BM25 over their texts, scaled the same way.
    var nodeHits: [(node: NodeID, score: Double)]
    /// The entities the text names, in the order it names them, then `about`'s.
    var entities: [Entity]
    /// The scene `in scene` names.
    var scene: Int64?
    /// The first time the text names ("last May"): items in it are boosted.
    var window: TimeRange?
}
