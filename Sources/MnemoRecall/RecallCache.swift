import MnemoModel
import Synchronization

/// What recall reads from SQLite and keeps, so that a recall over cached rows
/// opens no read transaction at all:
/// - episodes as answered, by id: an episode is never rewritten, so its answer
///   line (serialised without the closing brace, so that a score can follow)
///   stays right until a `forget`;
/// - the entity a name in a query denotes: only `forget`, `undo consolidation`
///   and consolidation's `same_as` links change that, and each drops the cache
///   (`SpaceRecall.drop` / `forgetAnswers`). Names not found are not kept:
///   the next write may create them.
package final class RecallCache: Sendable {
    private let episodes = Mutex<[Int64: String]>([:])
    /// By bytes (`ExactName`), as SQLite finds names.
    private let entities = Mutex<[ExactName: Int64]>([:])

    func episode(_ id: Int64) -> String? { episodes.withLock { $0[id] } }
    package func setEpisode(_ id: Int64, _ fields: String) {
        episodes.withLock { all in
            if all.count > 100_000 { all.removeAll(keepingCapacity: true) }
            all[id] = fields
        }
    }

    /// The entity a normalised name denotes, if a recall looked it up before.
    func entity(_ norm: String) -> Int64? { entities.withLock { $0[ExactName(norm)] } }
    func setEntity(_ norm: String, _ id: Int64) {
        entities.withLock { all in
            if all.count > 100_000 { all.removeAll(keepingCapacity: true) }
            all[ExactName(norm)] = id
        }
    }
}
