import MnemoModel

/// Decides, for an episode that names no scene, whether it continues the
/// speaker's current scene or starts a new one (SPEC §4):
/// - a gap longer than `maximumGap` since the speaker's previous episode starts
///   a new scene;
/// - so does a sharp shift of vocabulary: when at least `shiftThreshold` of the
///   episode's distinct terms and entities were never seen in the scene, and the
///   scene already has enough text to judge by.
public struct SceneSegmenter: Sendable, Hashable {
    /// Seconds of silence after which a speaker's next episode is a new scene.
    public var maximumGapSeconds: Int64
    /// The share of unseen terms (0...1) that counts as a change of subject.
    public var shiftThreshold: Double
    /// Episodes with fewer distinct terms never split on vocabulary.
    public var minimumTerms: Int
    /// A scene with fewer episodes than this never splits on vocabulary.
    public var minimumSceneEpisodes: Int

    public init(
        maximumGapSeconds: Int64 = 1800, shiftThreshold: Double = 0.9, minimumTerms: Int = 5,
        minimumSceneEpisodes: Int = 4
    ) {
        self.maximumGapSeconds = maximumGapSeconds
        self.shiftThreshold = shiftThreshold
        self.minimumTerms = minimumTerms
        self.minimumSceneEpisodes = minimumSceneEpisodes
    }

    public enum Decision: Hashable, Sendable {
        case continueScene
        case newScene(reason: String)
    }

    /// What the segmenter knows of the scene the speaker is in.
    public struct SceneState: Hashable, Sendable {
        public var lastEpisodeAt: Timestamp
        public var episodes: Int
        /// Terms and entity names seen in the scene (normalised).
        public var vocabulary: Set<String>

        public init(lastEpisodeAt: Timestamp, episodes: Int, vocabulary: Set<String>) {
            self.lastEpisodeAt = lastEpisodeAt
            self.episodes = episodes
            self.vocabulary = vocabulary
        }
    }

    public func decide(scene: SceneState?, at: Timestamp, terms: [String], entities: [String]) -> Decision {
        guard let scene else { return .newScene(reason: "no open scene") }
        let gap = (at.microseconds - scene.lastEpisodeAt.microseconds) / Timestamp.microsecondsPerSecond
        if gap > maximumGapSeconds { return .newScene(reason: "a gap of \(gap)s") }
        let words = Set(terms + entities.map { Name.normalize($0) })
        guard words.count >= minimumTerms, scene.episodes >= minimumSceneEpisodes else { return .continueScene }
        let unseen = Double(words.filter { !scene.vocabulary.contains($0) }.count) / Double(words.count)
        if unseen >= shiftThreshold {
            return .newScene(reason: "a change of subject (\(Int((unseen * 100).rounded()))% new terms)")
        }
        return .continueScene
    }
}
