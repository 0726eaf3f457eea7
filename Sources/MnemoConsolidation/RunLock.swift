import MnemoModel
import MnemoStore
import Synchronization

/// Whether a space has a consolidation run or an undo in progress: one at a
/// time per space. Each open space has one (the space engine's `Space`).
///
/// In a space shared in PostgreSQL it also takes the space's lease
/// (`PostgresLease`): one run at a time across every daemon.
public final class RunLock: Sendable {
    private let held = Atomic<Bool>(false)
    /// The shared space whose lease goes with the lock; `nil`: a space of this daemon's own.
    private let shared: PostgresReplica?
    /// The lease while the lock is held.
    private let lease = Mutex<PostgresLease?>(nil)

    public init(shared: PostgresReplica? = nil) { self.shared = shared }

    /// Whether a run, an undo or a `forget` holds it now.
    public var isHeld: Bool { held.load(ordering: .acquiring) }

    func hold<T>(_ body: () throws(MnemoError) -> T) throws(MnemoError) -> T {
        try take()
        defer { give() }
        return try body()
    }

    /// Runs `body` with no run or undo in progress in the space, and none
    /// starting meanwhile (`BUSY` if one is in progress): `forget` holds it,
    /// since a run keeps in memory, from one pass to the next, what it read.
    public func excluding<T>(_ body: () throws -> T) throws -> T {
        try take()
        defer { give() }
        return try body()
    }

    private func take() throws(MnemoError) {
        guard held.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
            throw MnemoError(.busy, "a consolidation is already in progress in this space; try again when it ends")
        }
        guard let shared else { return }
        do throws(MnemoError) {
            guard let taken = try shared.takeLease() else {
                throw MnemoError(.busy, "a consolidation of this space is in progress on another daemon (\(shared.description)); try again when it ends")
            }
            lease.withLock { $0 = taken }
        } catch {
            held.store(false, ordering: .releasing)
            throw error
        }
    }

    private func give() {
        // Released outside the mutex: it waits for the server's answer.
        let taken = lease.withLock { lease in
            defer { lease = nil }
            return lease
        }
        taken?.release()
        held.store(false, ordering: .releasing)
    }
}
