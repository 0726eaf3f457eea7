/// The text `help` prints: the entries of the statement table
/// (`StatementTraits.help`), in its order. `docs/query-language.md` carries
/// the same entries word for word (a test checks it).
public enum Help {
    public static let topics: [(statement: String, text: String)] = StatementKind.allCases.compactMap { kind in
        let traits = kind.traits
        guard case .entry(let text) = traits.help else { return nil }
        return (traits.name, text)
    }

    /// The entries for `topic` (all when `nil`); empty when unknown. `help scene
    /// open` finds `scene`.
    public static func entries(for topic: String?) -> [(statement: String, text: String)] {
        guard let topic else { return topics }
        if let exact = topics.first(where: { $0.statement == topic }) { return [exact] }
        let first = topic.split(separator: " ").first.map(String.init) ?? topic
        return topics.filter { $0.statement == first }
    }
}
