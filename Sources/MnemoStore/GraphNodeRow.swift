import MnemoModel

/// A stored thing as recall's graph holds it: its id, its own time, and why a
/// recall might leave it out. Read by `ReadContext.forEachGraphNode` for a
/// build and `ReadContext.graphNode(_:)` for a refresh.
package struct GraphNodeRow {
    package var id: NodeID
    /// The thing's own time (µs): an entity's creation, a scene's opening, an
    /// episode's `at`, a fact's `valid_from` or else when it was recorded, a
    /// persona attribute's `last_seen` or else when it was recorded, an
    /// insight's creation.
    package var time: Int64
    /// Consolidation archived it (entities, episodes, facts).
    package var archived: Bool
    /// A fact or persona attribute that was retracted.
    package var retracted: Bool
    /// A fact another one superseded, or a persona attribute no longer valid
    /// (its `valid_to` is set).
    package var superseded: Bool
    /// A fact with no `valid_from`: valid since always, as `match … as of`
    /// reads it (its `time` is then when it was recorded).
    package var validSinceAlways = false
    /// The end of a fact's valid interval (µs), when it has one: an explicit
    /// `to`, or the start of the value that superseded it.
    package var validTo: Int64?
    /// An episode's text length in characters (recall's length prior).
    package var length = 0
}
