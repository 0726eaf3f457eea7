import MnemoModel

/// What one `forget` took away, by kind: the rows it deleted, the scenes whose
/// derived text it cleared and the names it removed. Nothing of these may stay
/// anywhere in the space, the consolidation journal included.
struct ForgottenRows {
    var episodes: Set<Int64> = []
    var facts: Set<Int64> = []
    var entities: Set<Int64> = []
    var scenes: Set<Int64> = []
    var personas: Set<Int64> = []
    var insights: Set<Int64> = []
    var predicates: Set<Int64> = []
    /// Scenes kept whose summary and reflection were cleared: they were
    /// written from forgotten text or name a forgotten entity.
    var summaries: Set<Int64> = []
    /// Normalised names and aliases of the forgotten entities.
    var aliases: Set<String> = []
    /// The same names, to find them in derived text.
    var names = NameMentions()

    /// Whether the node of that kind letter (as `support` and `activation`
    /// spell it) and id is forgotten.
    func contains(_ letter: String, _ id: Int64) -> Bool {
        switch letter {
        case "e": episodes.contains(id)
        case "f": facts.contains(id)
        case "n": entities.contains(id)
        case "s": scenes.contains(id)
        case "p": personas.contains(id)
        case "i": insights.contains(id)
        default: false
        }
    }

    mutating func insert(_ node: NodeID) {
        switch node.kind {
        case .episode: episodes.insert(node.number)
        case .fact: facts.insert(node.number)
        case .entity: entities.insert(node.number)
        case .scene: scenes.insert(node.number)
        case .persona: personas.insert(node.number)
        case .insight: insights.insert(node.number)
        }
    }
}
