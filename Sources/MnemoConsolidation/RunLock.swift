import MnemoModel
import Synchronization

/// Whether a space has a consolidation run or an undo in progress: one at a
/// time per space. Each open space has one (the space engine's `Space`).
public final class RunLock: Sendable {
    private let held = Atomic<Bool>(false)
    public init() {}

    /// Whether a run, an undo or a `forget` holds it now.
    public var isHeld: Bool { held.load(ordering: .acquiring) }

    func hold<T>(_ body: () throws(MnemoError) -> T) throws(MnemoError) -> T {
        try take()
        defer { held.store(false, ordering: .releasing) }
        return try body()
    }

    /// Runs `body` with no run or undo in progress in the space, and none
    /// starting meanwhile (`BUSY` if one is in progress): `forget` holds it,
    /// since a run keeps in memory, from one pass to the next, what it read.
    public func excluding<T>(_ body: () throws -> T) throws -> T {
        try take()
        defer { held.store(false, ordering: .releasing) }
        return try body()
    }

    private func take() throws(MnemoError) {
        guard held.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
            throw MnemoError(.busy, "a consolidation is already in progress in this space; try again when it ends")
        }
    }
}
