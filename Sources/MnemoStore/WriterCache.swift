import Foundation

/// Name → id look-ups the writer makes on every assertion, kept in memory.
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

    func entity(_ norm: String) -> Int64? { lock.withLock { entityIDs[norm] } }
    func setEntity(_ norm: String, _ id: Int64) { lock.withLock { entityIDs[norm] = id } }
    func predicate(_ name: String) -> PredicateInfo? { lock.withLock { predicates[name] } }
    func setPredicate(_ name: String, _ info: PredicateInfo) { lock.withLock { predicates[name] = info } }

    /// Forgets everything; the next look-ups go to SQLite.
    func reset() {
        lock.withLock {
            entityIDs.removeAll()
            predicates.removeAll()
        }
    }
}
