import MnemoModel

/// One link of the stored hypergraph, as recall's graph spreads over it: an
/// episode and an entity it names, a fact and an entity filling one of its
/// roles, a thing and its scene, two names found to be one entity, a persona
/// attribute or insight and its person and its support.
///
/// The store says what is linked and how; the graph gives each `Kind` its
/// weight and links both ways.
package struct GraphIncidence {
    /// How the two are linked; the graph weighs each kind on its own.
    package enum Kind: Int64, CaseIterable {
        /// An episode mentions an entity (`episode_entity`, any other role).
        case mention
        /// An entity speaks an episode.
        case speaker
        /// An episode is addressed to an entity.
        case addressee
        /// An episode belongs to a scene.
        case sceneOfEpisode
        /// An entity fills a role of a fact.
        case factRole
        /// A fact was found in an episode.
        case factSource
        /// A fact belongs to a scene.
        case sceneOfFact
        /// An entity takes part in a scene.
        case sceneMember
        /// Consolidation found two entities to be one (`same_as`).
        case sameAs
        /// A persona attribute belongs to a person (`persona_attribute.entity_id`).
        case personaOf
        /// An insight is about a person (`insight.subject_id`).
        case insightAbout
        /// A persona attribute or insight rests on an episode, fact or scene (`support`).
        case support
    }

    package var from: NodeID
    package var to: NodeID
    package var kind: Kind
}
