import Synchronization

/// How many connections the metrics endpoint has open.
final class OpenConnections: Sendable {
    private let count = Mutex(0)

    /// Counts one more, unless `limit` are open already.
    func admit(atMost limit: Int) -> Bool {
        count.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    func leave() { count.withLock { $0 -= 1 } }
}
