import MnemoModel

extension NodeKind {
    /// The table that holds the stored things of this kind, by `id`.
    var table: String {
        switch self {
        case .entity: "entity"
        case .episode: "episode"
        case .fact: "fact"
        case .scene: "scene"
        case .persona: "persona_attribute"
        case .insight: "insight"
        }
    }
}
