import Dispatch
import Foundation
import MnemoModel
import MnemoStore
import Synchronization

/// What recall keeps in memory of one space: its graph and text index, built
/// from the store on first use and refreshed after every committed write that
/// touches them; the answer rows it has read (`RecallCache`); and the recalls
/// not yet written to the space's activation log (reinforcement).
///
/// The space engine's `Space` owns one, and decides when it is refreshed or
/// dropped; nothing here knows about statements.
public final class SpaceRecall: Sendable {
    public let store: MemoryStore
    /// Where warnings go (the daemon's log): a flush of reinforcement that failed.
    private let warn: @Sendable (String) -> Void

    private let built = Mutex(Built())
    /// Where the activation log is written. At the default priority: the
    /// flush holds the store's writer while it commits, and a thread at a
    /// lower priority (libdispatch's `.background` is nice 10 on Linux)
    /// would make every write wait behind it on a busy machine, and pass
    /// its priority on to the threads it starts.
    private let reinforcements = DispatchQueue(label: "mnemo.reinforce")
    /// Recalls not yet written to the activation log, with when they happened.
    private let pending = Mutex<[(NodeID, Int64)]?>(nil)
    /// Recalls the activation log missed since the last warning, and when that was.
    private let unlogged = Mutex<(missed: Int, lastWarned: Date)>((0, .distantPast))

    /// Makes every `refresh` throw this error while it is set: the failure a
    /// read of the store can have (an I/O error), for tests of what follows
    /// one. Never set outside tests.
    let refreshFault = Mutex<MnemoError?>(nil)

    /// What is built, and how many times it was dropped: an index built while
    /// a `drop` ran may hold what was just forgotten, so it serves the recall
    /// that built it but is not kept.
    private struct Built {
        var graph: GraphIndex?
        var text: TextIndex?
        var nodeText: NodeTextIndex?
        var cache: RecallCache?
        var drops = 0
    }

    public init(store: MemoryStore, warn: @escaping @Sendable (String) -> Void = { _ in }) {
        self.store = store
        self.warn = warn
    }

    /// The graph, built now (with these edge weights) if it is not yet.
    public func graph(weights: GraphIndex.Weights = GraphIndex.Weights()) throws(MnemoError) -> GraphIndex {
        try kept(\.graph) { () throws(MnemoError) in try GraphIndex.build(from: store, weights: weights) }
    }

    /// The in-memory BM25 index of the texts of facts, scenes, persona
    /// attributes and insights, built now if it is not yet.
    public func nodeTextIndex() throws(MnemoError) -> NodeTextIndex {
        try kept(\.nodeText) { () throws(MnemoError) in try NodeTextIndex.build(from: store) }
    }

    /// The in-memory BM25 index of the space's episodes, built now if it is not yet.
    public func textIndex() throws(MnemoError) -> TextIndex {
        try kept(\.text) { () throws(MnemoError) in try TextIndex.build(from: store) }
    }

    /// The graph if it was built (writes to a space nobody recalls from cost nothing).
    public var existingGraph: GraphIndex? { built.withLock { $0.graph } }

    /// The text index if it was built.
    public var existingTextIndex: TextIndex? { built.withLock { $0.text } }

    /// The index of other texts if it was built.
    public var existingNodeTextIndex: NodeTextIndex? { built.withLock { $0.nodeText } }

    /// Whether a recall would find the graph and text indexes built (the first
    /// recall of a space builds them, which can take seconds).
    public var isReady: Bool { built.withLock { $0.graph != nil && $0.text != nil && $0.nodeText != nil } }

    /// What `slot` holds, else built and kept (unless a `drop` ran meanwhile).
    private func kept<T: Sendable>(
        _ slot: WritableKeyPath<Built, T?> & Sendable,
        build: () throws(MnemoError) -> T
    ) throws(MnemoError) -> T {
        let (existing, before) = built.withLock { ($0[keyPath: slot], $0.drops) }
        if let existing { return existing }
        let made = try build()
        return built.withLock { state in
            if let raced = state[keyPath: slot] { return raced }
            if state.drops == before { state[keyPath: slot] = made }
            return made
        }
    }

    /// Brings what is built up to date with the committed rows `ids`.
    package func refresh(_ ids: [NodeID]) throws(MnemoError) {
        if let fault = refreshFault.withLock({ $0 }) { throw fault }
        try existingGraph?.refresh(ids, from: store)
        if ids.contains(where: { $0.kind == .episode }), let index = existingTextIndex {
            try index.catchUp(with: store)
        }
        try existingNodeTextIndex?.refresh(ids, from: store)
    }

    /// Drops the graph, text indexes and cached answers; the next recall
    /// rebuilds them from the store.
    ///
    /// After a `forget` (`discardingRecalls`), recalls not yet written to the
    /// activation log are dropped too: they may name a forgotten row whose
    /// id a new one could take before they are written.
    package func drop(discardingRecalls: Bool = false) {
        if discardingRecalls { pending.withLock { $0 = nil } }
        built.withLock { $0 = Built(drops: $0.drops + 1) }
    }

    /// Drops the answer rows kept (after consolidation moved episodes into
    /// scenes and linked names to one entity).
    package func forgetAnswers() {
        built.withLock { $0.cache = nil }
    }

    /// What recall keeps of the space's rows. Take it before reading: a cache
    /// dropped meanwhile (by `forget` or consolidation) is replaced, and what a
    /// stale read puts in the old one is never seen again.
    package func recallCache() -> RecallCache {
        built.withLock { state in
            if let cache = state.cache { return cache }
            let cache = RecallCache()
            state.cache = cache
            return cache
        }
    }

    /// Records what recall returned: in the graph at once, in the activation log
    /// soon after, in one write for all recalls of the last moment (a recall
    /// never waits for a write).
    package func reinforce(_ nodes: [UInt32], graph: GraphIndex, at time: Timestamp) {
        guard !nodes.isEmpty else { return }
        graph.recordAccess(nodes, at: time.microseconds)
        let events = graph.withView { view in nodes.map { (view.id($0), time.microseconds) } }
        let first = pending.withLock { waiting -> Bool in
            guard waiting != nil else {
                waiting = events
                return true
            }
            waiting!.append(contentsOf: events)
            return false
        }
        guard first else { return }
        reinforcements.asyncAfter(deadline: .now() + .milliseconds(200)) { [self] in
            guard
                let events = pending.withLock({ waiting in
                    defer { waiting = nil }
                    return waiting
                })
            else { return }
            do {
                try store.write { w in try w.recordRecalls(events.map { (node: $0.0, at: $0.1) }) }
            } catch {
                // The graph has them; the log misses them. Said at most once a
                // minute (on a full disk every flush fails).
                let missed = unlogged.withLock { entry -> Int? in
                    entry.missed += events.count
                    guard Date().timeIntervalSince(entry.lastWarned) >= 60 else { return nil }
                    defer { entry = (0, Date()) }
                    return entry.missed
                }
                if let missed {
                    warn("\(store.path): \(missed) recalls not written to the activation log (\(error)); the graph has them until a restart")
                }
            }
        }
    }
}
