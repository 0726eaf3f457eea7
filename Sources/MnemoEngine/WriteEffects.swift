import MnemoModel
import MnemoRecall

/// What committed writes change outside the store.
struct WriteEffects {
    /// Entity names the ingestion dictionary should know.
    var names: [String] = []
    /// Stored things whose graph node and edges must be refreshed.
    var touched: [NodeID] = []
    /// A `forget` ran: in-memory state of the space is rebuilt from the store.
    var forgot = false
    /// New episodes with the answer fields recall shows them with.
    var episodeFields: [(Int64, String)] = []
    /// Recall's cache of episode fields as it was before the transaction: if
    /// anything (a `forget` on another connection) drops the cache meanwhile,
    /// the fields go to the dropped one and can show nothing stale.
    var episodeCache: RecallCache?

    mutating func merge(_ other: WriteEffects) {
        names += other.names
        touched += other.touched
        episodeFields += other.episodeFields
        forgot = forgot || other.forgot
    }
}
