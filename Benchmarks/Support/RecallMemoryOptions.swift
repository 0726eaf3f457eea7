import ArgumentParser

/// `--dir`, `--facts`, `--episodes`, `--vocabulary`, `--entities`: the synthetic memory of
/// the recall-scale benchmarks (by default 1,000,000 facts over 100,000
/// entities and 200,000 episodes in 20,000 scenes, in 4,000 words), built once into `--dir` and reused by later
/// runs and by the other benchmarks that read it.
public struct RecallMemoryOptions: ParsableArguments {
    @Option(name: .customLong("dir"), help: "Where the store is built, and reused by later runs (delete it to rebuild).")
    public var directory = "/tmp/mnemo-recall"
    @Option(help: "Facts in the synthetic memory.")
    public var facts = 1_000_000
    @Option(help: "Episodes in the synthetic memory.")
    public var episodes = 200_000
    @Option(
        help: ArgumentHelp(
            "Distinct words the episodes are written in: the fewer, the longer each word's postings.",
            discussion: "Like --facts and --episodes, for a new store: a store already in --dir is used as it is."))
    public var vocabulary = 4_000
    @Option(
        help: ArgumentHelp(
            "People the episodes and facts name (speakers and those mentioned).",
            discussion:
                "For a new store: like the others, it is ignored when --dir holds one, but the statements measured still name people up to it, so give it as the store was built. Few people make recalls that name one reach thousands of episodes."
        ))
    public var entities = 100_000

    public init() {}

    public func validate() throws {
        guard vocabulary >= 1, entities >= 1 else { throw ValidationError("--vocabulary and --entities must be at least 1") }
    }

    /// `entities` people, and the episodes in 20,000 scenes.
    public var memory: SyntheticMemory {
        SyntheticMemory(
            episodes: episodes, facts: facts, entities: entities, episodesPerScene: episodes / 20_000, vocabulary: .spelled(vocabulary))
    }
}
