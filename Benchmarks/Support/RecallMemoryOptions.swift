import ArgumentParser

/// `--dir`, `--facts`, `--episodes`: the synthetic memory of the recall-scale
/// benchmarks (by default 1,000,000 facts over 100,000 entities and 200,000
/// episodes in 20,000 scenes), built once into `--dir` and reused by later
/// runs and by the other benchmarks that read it.
public struct RecallMemoryOptions: ParsableArguments {
    @Option(name: .customLong("dir"), help: "Where the store is built, and reused by later runs (delete it to rebuild).")
    public var directory = "/tmp/mnemo-recall"
    @Option(help: "Facts in the synthetic memory.")
    public var facts = 1_000_000
    @Option(help: "Episodes in the synthetic memory.")
    public var episodes = 200_000

    public init() {}

    /// 100,000 entities, and the episodes in 20,000 scenes.
    public var memory: SyntheticMemory {
        SyntheticMemory(
            episodes: episodes, facts: facts, entities: 100_000, episodesPerScene: episodes / 20_000, vocabulary: .spelled(4000))
    }
}
