import Foundation

/// Name → id look-ups the writer makes on every assertion, and the display
/// names of entities and scenes it answers with, kept in memory.
///
/// Only touched inside `MemoryStore.write`, which GRDB runs one at a time, so
/// it needs no lock of its own; the lock here only guards `reset()`, which a
/// failed write calls after its transaction rolled back (cached ids of rows
/// that were never committed must not survive).
final class WriterCache: @unchecked Sendable {
    struct PredicateInfo {
        var id: Int64
        var roles: [String]?
        var functional: Bool
    }

    private let lock = NSLock()
    private var entityIDs: [String: Int64] = [:]
    private var predicates: [String: PredicateInfo] = [:]
    private var entityNames: [Int64: String] = [:]
    private var sceneTitles: [Int64: String] = [:]

    func entity(_ norm: String) -> Int64? { lock.withLock { entityIDs[norm] } }
    func setEntity(_ norm: String, _ id: Int64) { lock.withLock { entityIDs[norm] = id } }
    func predicate(_ name: String) -> PredicateInfo? { lock.withLock { predicates[name] } }
    func setPredicate(_ name: String, _ info: PredicateInfo) { lock.withLock { predicates[name] = info } }
    func entityName(_ id: Int64) -> String? { lock.withLock { entityNames[id] } }
    func setEntityName(_ id: Int64, _ name: String) { lock.withLock { entityNames[id] = name } }
    func sceneTitle(_ id: Int64) -> String? { lock.withLock { sceneTitles[id] } }
    func setSceneTitle(_ id: Int64, _ title: String) { lock.withLock { sceneTitles[id] = title } }

    /// Forgets everything; the next look-ups go to SQLite.
    func reset() {
        lock.withLock {
            entityIDs.removeAll()
            predicates.removeAll()
            entityNames.removeAll()
            sceneTitles.removeAll()
        }
    }
}
