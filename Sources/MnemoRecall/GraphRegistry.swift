import Dispatch
import Foundation
import MnemoModel
import MnemoStore
import Synchronization

/// One recall graph per open space: built from the store on first use, then
/// refreshed after every committed write that touches it.
public final class GraphRegistry: Sendable {
    private let graphs = Mutex<[String: GraphIndex]>([:])
    private let current: Mutex<RecallSettings>
    private let reinforcements = DispatchQueue(label: "mnemo.reinforce")
    /// Working arrays of recalls, reused.
    package let scratch = ScratchPool()

    public init(settings: RecallSettings = RecallSettings()) { current = Mutex(settings) }

    private let warnings = Mutex<(@Sendable (String) -> Void)?>(nil)

    /// Where warnings about a space's in-memory state go (the daemon's log):
    /// that it was found stale and dropped, to be rebuilt.
    public func onWarning(_ handler: @escaping @Sendable (String) -> Void) { warnings.withLock { $0 = handler } }
    package func warn(_ message: String) { warnings.withLock { $0 }?(message) }

    /// Makes every `refresh` throw this error while it is set: the failure a
    /// read of the store can have (an I/O error), for tests of what follows
    /// one. Never set outside tests.
    let refreshFault = Mutex<MnemoError?>(nil)

    public var settings: RecallSettings { current.withLock { $0 } }
    public func replace(_ settings: RecallSettings) { current.withLock { $0 = settings } }

    /// How many times spaces were dropped: an index built while a `drop` ran
    /// may hold what was just forgotten, so it serves the recall that built it
    /// but is not kept.
    private let drops = Mutex(0)

    /// The graph of a space, built now if it is not yet.
    public func graph(for store: MemoryStore) throws(MnemoError) -> GraphIndex {
        try kept(in: graphs, for: store) { () throws(MnemoError) in try GraphIndex.build(from: store) }
    }

    /// What `table` holds for the space, else built and kept (unless a `drop`
    /// ran while it was built).
    private func kept<T: Sendable>(in table: borrowing Mutex<[String: T]>, for store: MemoryStore,
                                   build: () throws(MnemoError) -> T) throws(MnemoError) -> T {
        if let existing = table.withLock({ $0[store.path] }) { return existing }
        let before = drops.withLock { $0 }
        let built = try build()
        return table.withLock { all in
            if let raced = all[store.path] { return raced }
            if drops.withLock({ $0 }) == before { all[store.path] = built }
            return built
        }
    }

    /// The graph if it was built (writes to a space nobody recalls from cost nothing).
    public func existing(for store: MemoryStore) -> GraphIndex? { graphs.withLock { $0[store.path] } }

    private let texts = Mutex<[String: TextIndex]>([:])

    /// Whether a recall in this space would find its graph and text index
    /// built (the first recall of a space builds them, which can take seconds).
    public func isReady(for store: MemoryStore) -> Bool {
        existing(for: store) != nil && texts.withLock { $0[store.path] } != nil
    }

    /// The text index if it was built.
    public func existingTextIndex(for store: MemoryStore) -> TextIndex? { texts.withLock { $0[store.path] } }

    /// The in-memory BM25 index of a space's episodes, built now if it is not yet.
    public func textIndex(for store: MemoryStore) throws(MnemoError) -> TextIndex {
        try kept(in: texts, for: store) { () throws(MnemoError) in try TextIndex.build(from: store) }
    }

    package func refresh(_ ids: [NodeID], in store: MemoryStore) throws(MnemoError) {
        if let fault = refreshFault.withLock({ $0 }) { throw fault }
        try existing(for: store)?.refresh(ids, from: store)
        if ids.contains(where: { $0.kind == .episode }), let index = texts.withLock({ $0[store.path] }) {
            try index.catchUp(with: store)
        }
    }

    /// Drops a space's graph and cached answers; the next recall rebuilds them (after `forget`).
    ///
    /// After a `forget` (`discardingRecalls`), recalls not yet written to the
    /// activation log are dropped too: they may name a forgotten row whose
    /// id a new one could take before they are written.
    package func drop(_ store: MemoryStore, discardingRecalls: Bool = false) {
        if discardingRecalls { _ = pending.withLock { $0.removeValue(forKey: store.path) } }
        drops.withLock { $0 += 1 }
        _ = graphs.withLock { $0.removeValue(forKey: store.path) }
        _ = texts.withLock { $0.removeValue(forKey: store.path) }
        _ = caches.withLock { $0.removeValue(forKey: store.path) }
    }

    /// Drops what recall keeps of a space's rows (after consolidation moved
    /// episodes into scenes and linked names to one entity).
    package func forgetAnswers(_ store: MemoryStore) {
        _ = caches.withLock { $0.removeValue(forKey: store.path) }
    }

    private let caches = Mutex<[String: RecallCache]>([:])

    /// What recall keeps of the space's rows. Take it before reading: a cache
    /// dropped meanwhile (by `forget` or consolidation) is replaced, and what a
    /// stale read puts in the old one is never seen again.
    package func recallCache(for store: MemoryStore) -> RecallCache {
        caches.withLock { all in
            if let cache = all[store.path] { return cache }
            let cache = RecallCache()
            all[store.path] = cache
            return cache
        }
    }

    /// Records what recall returned: in the graph at once, in the activation log
    /// soon after, in one write for all recalls of the last moment (a recall
    /// never waits for a write).
    package func reinforce(_ nodes: [UInt32], graph: GraphIndex, store: MemoryStore, at time: Timestamp) {
        guard !nodes.isEmpty else { return }
        graph.recordAccess(nodes, at: time.microseconds)
        let ids = graph.withView { view in nodes.map { view.id($0) } }
        let path = store.path
        let first = pending.withLock { all in
            let wasEmpty = all[path] == nil
            all[path, default: (store, [])].events += ids.map { ($0, time.microseconds) }
            return wasEmpty
        }
        guard first else { return }
        reinforcements.asyncAfter(deadline: .now() + .milliseconds(200)) { [self] in
            guard let (store, events) = pending.withLock({ $0.removeValue(forKey: path) }) else { return }
            do {
                try store.write { w in try w.recordRecalls(events.map { (node: $0.0, at: $0.1) }) }
            } catch {
                // The graph has them; the log misses them. Said at most once a
                // minute per space (on a full disk every flush fails).
                let missed = unlogged.withLock { all -> Int? in
                    var entry = all[path] ?? (missed: 0, lastWarned: .distantPast)
                    entry.missed += events.count
                    defer { all[path] = entry }
                    guard Date().timeIntervalSince(entry.lastWarned) >= 60 else { return nil }
                    defer { entry = (0, Date()) }
                    return entry.missed
                }
                if let missed {
                    warn("\(path): \(missed) recalls not written to the activation log (\(error)); the graph has them until a restart")
                }
            }
        }
    }

    private let pending = Mutex<[String: (store: MemoryStore, events: [(NodeID, Int64)])]>([:])
    /// Per space, recalls the activation log missed since the last warning, and when that was.
    private let unlogged = Mutex<[String: (missed: Int, lastWarned: Date)]>([:])
}
