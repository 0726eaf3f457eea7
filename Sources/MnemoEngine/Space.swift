import Foundation
import MnemoConsolidation
import MnemoModel
import MnemoRecall
import MnemoStore
import Synchronization

/// One open space and everything the daemon keeps of it: its store, the
/// ingestor that writes what `remember` finds (with the name dictionary and
/// what scene segmentation remembers), what recall keeps in memory (graph,
/// text index, answer rows, reinforcement), and the lock that lets one
/// consolidation run at a time.
///
/// Every per-space thing is reached through a `Space`; what must follow a
/// change of the store is decided in one place, `follow(_:)`
/// (`Space+Changes.swift`). The spaces of a data directory are opened and
/// kept by the `SpaceRegistry`.
public final class Space: Sendable {
    /// The space's name (`default`, or what `use` named).
    public let name: String
    public let store: MemoryStore
    /// The settings in force, shared by every space of the daemon.
    public let settings: SpaceSettings
    /// What recall keeps of this space in memory.
    public let recall: SpaceRecall
    /// Held by a consolidation run, an undo, or a `forget` (which must not
    /// run under a run that keeps what it read from pass to pass).
    public let runLock: RunLock
    /// How far an `export` or `import` of this space has come (`stats`).
    public let transfer = TransferProgress()
    private let ingestion = Mutex<SpaceIngestor?>(nil)
    /// When catching up with the shared space last failed (`catchUpWithSharedSpace`).
    private let catchUpFailed = Mutex<ContinuousClock.Instant?>(nil)
    /// A read is asking the server how far the shared space is (`catchUpWithSharedSpace`).
    private let catchUpAsking = Atomic<Bool>(false)
    /// How many changes memory has followed (`follow(_:)`): a recall ranked
    /// before the count moved may name what a write changed since.
    let followed = Atomic<UInt64>(0)

    public init(name: String, store: MemoryStore, settings: SpaceSettings = SpaceSettings()) {
        self.name = name
        self.store = store
        self.settings = settings
        runLock = RunLock(shared: store.replica)
        recall = SpaceRecall(store: store) { [settings] message in settings.warn(message) }
        store.observeRemoteChanges { [weak self] changes in self?.follow(.remote(changes)) }
    }

    /// Brings a replica of a shared space (`storage = postgresql`) up to the
    /// changes other daemons committed, before a statement is answered: up
    /// to what the change feed heard, or, while the feed is not listening,
    /// to what the server says. With the server unreachable, the replica
    /// answers as it is (a write then fails `BUSY` on its own).
    public func catchUpWithSharedSpace() {
        guard store.replica != nil, store.isBehindReplica else { return }
        let asking = !store.replicaFeedListening
        // With the server unreachable, a read does not wait for it again
        // and again: for a second after a failure, the replica answers as it
        // is; and one read at a time asks, while the others answer at once.
        if asking, let failed = catchUpFailed.withLock({ $0 }), ContinuousClock.now - failed < .seconds(1) { return }
        if asking {
            guard catchUpAsking.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        }
        defer { if asking { catchUpAsking.store(false, ordering: .releasing) } }
        do {
            try store.catchUp(asking: asking)
            catchUpFailed.withLock { $0 = nil }
        } catch {
            catchUpFailed.withLock { $0 = .now }
            settings.warn(
                "space \(name): catching up with \(store.replica?.description ?? "the shared space") failed (\(error.code.rawValue) \(error.message)); answering from this daemon's replica"
            )
        }
    }

    /// The space's ingestor, built now if it is not yet (which reads every name).
    func ingestor() throws(MnemoError) -> SpaceIngestor {
        if let existing = existingIngestor { return existing }
        let file = (store.path as NSString).lastPathComponent
        let created = try SpaceIngestor(store: store, settings: settings.ingest) { [settings] message in
            settings.warn("space \(file): \(message)")
        }
        return ingestion.withLock { slot in
            if let raced = slot { return raced }
            slot = created
            return created
        }
    }

    /// The ingestor if it was built (nothing is read).
    var existingIngestor: SpaceIngestor? { ingestion.withLock { $0 } }

    /// Drops the ingestor, to be rebuilt from the store with the settings in force.
    func dropIngestor() { ingestion.withLock { $0 = nil } }

    /// Whether a recall in this space could be answered from memory alone:
    /// graph, text index and name dictionary built.
    public var isInMemory: Bool { recall.isReady && existingIngestor != nil }
}
