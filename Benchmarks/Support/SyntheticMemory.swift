import MnemoModel
import MnemoStore

/// A synthetic memory written straight into a space's SQLite file: episodes of
/// 12 words from a vocabulary, each by a person and mentioning another, 10 (or
/// `episodesPerScene`) to a scene, a minute apart from 2023-01-01; then binary
/// facts `relation_K(person A, person B)`, each sourced from a random episode.
/// Drawn from `SplitMix64(state: 1)`, so the same sizes make the same memory.
/// (mnemo-bench-recall, -ping and -activation, and the queries they ask of it.)
public struct SyntheticMemory: Sendable {
    public var episodes: Int
    public var facts: Int
    /// People the episodes and facts name: `person 0` to `person N-1`.
    public var entities: Int
    public var episodesPerScene: Int
    /// Predicates the facts use: `relation_0` to `relation_N-1`.
    public var predicates = 20
    public var vocabulary: Vocabulary

    public init(episodes: Int, facts: Int, entities: Int, episodesPerScene: Int = 10, vocabulary: Vocabulary) {
        self.episodes = episodes
        self.facts = facts
        self.entities = entities
        self.episodesPerScene = max(1, episodesPerScene)
        self.vocabulary = vocabulary
    }

    /// Writes the memory into `store`, 1,000 rows a transaction. Returns the
    /// seconds the episodes took and the seconds the facts took.
    @discardableResult
    public func write(into store: MemoryStore) throws -> (episodes: Double, facts: Double) {
        var rng = SplitMix64(state: 1)
        let t0 = monotonicSeconds()
        var written = 0
        while written < episodes {
            try store.write { w in
                for _ in 0..<1000 where written < episodes {
                    _ = try w.createEpisode(
                        EpisodeInput(
                            text: vocabulary.phrase(12, &rng), speaker: "person \(rng.next(entities))",
                            at: Timestamp(year: 2023, month: 1, day: 1).adding(seconds: Int64(written) * 60),
                            scene: "scene \(written / episodesPerScene)", mentions: ["person \(rng.next(entities))"]))
                    written += 1
                }
            }
        }
        let t1 = monotonicSeconds()
        var asserted = 0
        while asserted < facts {
            try store.write { w in
                for _ in 0..<1000 where asserted < facts {
                    try w.assert(
                        FactAssertion(
                            "relation_\(rng.next(predicates))",
                            [Argument(.entity("person \(rng.next(entities))")), Argument(.entity("person \(rng.next(entities))"))],
                            sources: [Int64(1 + rng.next(episodes))]))
                    asserted += 1
                }
            }
        }
        return (t1 - t0, monotonicSeconds() - t1)
    }

    /// A new episode of 12 words of the vocabulary, by a person, as `remember`.
    public func rememberStatement(_ rng: inout SplitMix64) -> String {
        "remember \"\(vocabulary.phrase(12, &rng))\" by \"person \(rng.next(entities))\""
    }

    /// A recall of three words of the vocabulary, and in half of them a person too.
    public func recallStatement(_ rng: inout SplitMix64) -> String {
        let words = vocabulary.phrase(3, &rng)
        return rng.next(2) == 0 ? "recall \"\(words)\" limit 10" : "recall \"\(words) person \(rng.next(entities))\" limit 10"
    }
}
