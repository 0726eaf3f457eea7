/// What an export holds besides the record a space cannot be rebuilt
/// without (entities and aliases, declarations, scenes, episodes, every
/// version of every fact, provenance, pinned persona attributes, the forget
/// journal): `export to "..." with derived, activation`.
public struct ExportContents: Hashable, Sendable {
    /// What consolidation derived: persona attributes that are not pinned,
    /// insights, `same_as` links between entities, scene summaries and
    /// reflections, each with its support.
    public var derived: Bool
    /// The activation log: when each node was mentioned and recalled (with
    /// the folded older accesses), which recall's base level is made of.
    public var activation: Bool

    public init(derived: Bool = false, activation: Bool = false) {
        self.derived = derived
        self.activation = activation
    }
}
