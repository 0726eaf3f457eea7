/// `recall "text" about NAME in scene NAME during I as of T known as of K depth N include archived kinds K, ... limit N explain`
///
/// Here rather than beside the other statements (`MnemoQuery`): it is what the
/// language parses and the recall engine (`MnemoRecall`) answers, and neither
/// of those modules depends on the other.
public struct Recall: Hashable, Sendable {
    public var text: String
    public var about: String?
    public var scene: String?
    public var during: TimeRange?
    public var asOf: Timestamp?
    /// `known as of K`: what the memory believed at recorded time `K` (each
    /// fact with the valid interval believed then); also the valid time
    /// asked about when `asOf` is not given, as for `match`.
    public var knownAsOf: Timestamp?
    public var depth: Int?
    public var includeArchived: Bool
    public var limit: Int?
    public var explain: Bool
    /// What may be answered (`kinds episode, fact, scene, persona, insight`);
    /// `nil` for the default, `Recall.defaultKinds`.
    public var kinds: Set<NodeKind>?

    /// What a recall answers when it names no kinds: episodes and facts
    /// (docs/recall.md says why).
    /// The `limit N` a recall may ask for: it ranks and keeps the best.
    public static let limits = 1...10_000
    /// The `depth N` (hops of spreading activation) a recall may ask for.
    public static let depths = 0...10

    public static let defaultKinds: Set<NodeKind> = [.episode, .fact]
    /// What a recall may answer.
    public static let answerableKinds: [NodeKind] = [.episode, .fact, .scene, .persona, .insight]

    /// The memberwise initialiser, for the parser and tests: not API.
    package init(
        text: String, about: String? = nil, scene: String? = nil, during: TimeRange? = nil, asOf: Timestamp? = nil,
        knownAsOf: Timestamp? = nil, depth: Int? = nil, includeArchived: Bool, limit: Int? = nil, explain: Bool, kinds: Set<NodeKind>? = nil
    ) {
        self.text = text
        self.about = about
        self.scene = scene
        self.during = during
        self.asOf = asOf
        self.knownAsOf = knownAsOf
        self.depth = depth
        self.includeArchived = includeArchived
        self.limit = limit
        self.explain = explain
        self.kinds = kinds
    }
}
