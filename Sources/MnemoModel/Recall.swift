/// `recall "text" about NAME in scene NAME during I as of T depth N include archived limit N explain`
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
    public var depth: Int?
    public var includeArchived: Bool
    public var limit: Int?
    public var explain: Bool

    /// The memberwise initialiser, for the parser and tests: not API.
    package init(
        text: String, about: String? = nil, scene: String? = nil, during: TimeRange? = nil, asOf: Timestamp? = nil,
        depth: Int? = nil, includeArchived: Bool, limit: Int? = nil, explain: Bool
    ) {
        self.text = text
        self.about = about
        self.scene = scene
        self.during = during
        self.asOf = asOf
        self.depth = depth
        self.includeArchived = includeArchived
        self.limit = limit
        self.explain = explain
    }
}
