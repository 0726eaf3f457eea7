import DequeModule
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
    /// Held by a write of the activation log from when it takes the recalls
    /// waiting until SQLite has committed them, and by a graph build while it
    /// begins and takes the store's snapshot: a recall is then either in the
    /// log the build reads or waiting, and so in the build's journal — never
    /// both, never neither. Taken with the store's writer or a reader
    /// connection held, never while waiting for one. (A semaphore: the
    /// thread that releases it need not be the one that took it.)
    private let logGate = DispatchSemaphore(value: 1)
    /// Recalls the activation log missed since the last warning, and when that was.
    private let unlogged = Mutex<(missed: Int, lastWarned: Date)>((0, .distantPast))

    /// Makes every `refresh` throw this error while it is set: the failure a
    /// read of the store can have (an I/O error), for tests of what follows
    /// one. Never set outside tests.
    let refreshFault = Mutex<MnemoError?>(nil)

    /// Below how much left behind by refreshes the graph and the index of
    /// other texts are not rebuilt (`GraphIndex.isWasteful(floor:)`). Lowered
    /// by tests only.
    let wasteFloor = Mutex(GraphIndex.wasteFloor)

    /// Runs, while it is set, after an index is built and before it is
    /// kept: for tests of a write committed while a build reads the store.
    /// Never set outside tests.
    let afterBuild = Mutex<(@Sendable () -> Void)?>(nil)

    /// How long after a recall the activation log is written, in
    /// milliseconds. Raised by tests only, to keep recalls waiting.
    let writeDelay = Mutex(200)

    /// Runs, while it is set, after a graph build began and before it takes
    /// the store's snapshot: for tests of a recall made meanwhile. Never set
    /// outside tests.
    let beforeBuild = Mutex<(@Sendable () -> Void)?>(nil)

    /// Runs, while it is set, between two transactions of one write of the
    /// activation log (outside both, the writer free): for tests of what
    /// happens there. Never set outside tests.
    let betweenLogTransactions = Mutex<(@Sendable () -> Void)?>(nil)

    /// What is built, and how many times it was dropped: an index built while
    /// a `drop` ran may hold what was just forgotten, so it serves the recall
    /// that built it but is not kept.
    ///
    /// And what happened while an index was being built (`journal`): a build
    /// reads the store as it was when it began, and a write committed after
    /// that would otherwise find no index to refresh (or refresh the one the
    /// build replaces) and be missing from the one kept. Each build applies
    /// what the journal gained since it began before it is kept.
    private struct Built {
        var graph: GraphIndex?
        var text: TextIndex?
        var nodeText: NodeTextIndex?
        var cache: RecallCache?
        var drops = 0
        /// Where in the journal each build under way began, and what
        /// happened since the oldest began, numbered (`sequence` is the last
        /// number given).
        var builds: [Int] = []
        var sequence = 0
        var journal: [(number: Int, event: BuildJournalEvent)] = []
        /// Recalls not yet written to the activation log, with when they
        /// happened and the last forget of the graph that ranked them.
        var pending: Deque<(node: NodeID, at: Int64, removals: Int64)>?
        /// How many times recalls waiting were discarded (after a `forget` or an undone run):
        /// a graph built before names rows that may be gone, and what it
        /// ranks is not recorded.
        var forgets = 0
        /// Whether a rebuild that frees what refreshes left behind is under
        /// way, and when the last one failed (none is tried for a minute after).
        var compacting = false
        var compactionFailed: ContinuousClock.Instant?

        /// A build begins: where in the journal it starts.
        mutating func beginBuild() -> Int {
            builds.append(sequence)
            return sequence
        }

        /// A graph build begins, holding `logGate` until it has its
        /// snapshot: the recalls not yet written are not in what it reads,
        /// so its journal starts with them.
        mutating func beginGraphBuild() -> Int {
            let start = beginBuild()
            if let pending, !pending.isEmpty { note(.accesses(pending.map { ($0.node, $0.at) }, onlyFor: start)) }
            return start
        }

        /// The recalls waiting, taken to be written: all of them, or the
        /// first `limit`, the rest waiting on for the next write of the same
        /// pass (`more`). Recalls made after a take that left none schedule a
        /// write of their own.
        mutating func takePending(atMost limit: Int = .max) -> (taken: [(node: NodeID, at: Int64, removals: Int64)], more: Bool) {
            guard let count = pending?.count else { return ([], false) }
            guard count > limit else {
                defer { pending = nil }
                return (Array(pending!), false)
            }
            let taken = Array(pending!.prefix(limit))
            pending!.removeFirst(limit)
            return (taken, true)
        }

        /// Notes an event, if a build is under way to miss it.
        mutating func note(_ event: BuildJournalEvent) {
            guard !builds.isEmpty else { return }
            sequence += 1
            journal.append((sequence, event))
        }

        /// The build that began at `start` ended (kept, not kept or failed):
        /// what no build under way still needs leaves the journal.
        mutating func endBuild(_ start: Int) {
            if let at = builds.firstIndex(of: start) { builds.remove(at: at) }
            guard let oldest = builds.min() else {
                journal = []
                return
            }
            if let first = journal.first, first.number <= oldest { journal.removeAll { $0.number <= oldest } }
        }
    }

    /// What a build must apply before it is kept.
    private enum BuildJournalEvent {
        /// Committed rows, as `refresh` had them.
        case rows([NodeID])
        /// Recalled things (`reinforce`), each with when; for the build that
        /// began at `onlyFor` alone, if set (the recalls waiting when it
        /// began, which an earlier build has from the journal already).
        case accesses([(NodeID, Int64)], onlyFor: Int? = nil)

        /// Whether the build that began at `start` applies it.
        func applies(to start: Int) -> Bool {
            if case .accesses(_, let onlyFor?) = self { return onlyFor == start }
            return true
        }
    }

    public init(store: MemoryStore, warn: @escaping @Sendable (String) -> Void = { _ in }) {
        self.store = store
        self.warn = warn
    }

    /// The graph, built now (with these edge weights) if it is not yet.
    public func graph(weights: GraphIndex.Weights = GraphIndex.Weights()) throws(MnemoError) -> GraphIndex {
        let (existing, drops) = built.withLock { ($0.graph, $0.drops) }
        if let existing { return existing }
        return try buildGraph(replacing: nil, drops: drops, weights: weights)
    }

    /// Builds a graph and keeps it (`install`). It begins, and takes the
    /// store's snapshot, holding `logGate`, so that each recall is counted
    /// once: from the log if it was written before, from the journal if not.
    private func buildGraph(replacing: GraphIndex?, drops: Int, weights: GraphIndex.Weights) throws(MnemoError) -> GraphIndex {
        let start = Mutex<Int?>(nil)
        func building() throws(MnemoError) -> GraphIndex {
            var forgets = 0
            let graph = try GraphIndex.build(
                from: store, weights: weights,
                snapshotBetween: {
                    logGate.wait()
                    forgets = built.withLock { state in
                        start.withLock { $0 = state.beginGraphBuild() }
                        return state.forgets
                    }
                    beforeBuild.withLock { $0 }?()
                }, and: { logGate.signal() })
            graph.forgets.store(forgets, ordering: .releasing)
            return graph
        }
        return try install(\.graph, replacing: replacing, drops: drops, start: { start.withLock { $0 } }, catchUp: catchUp, build: building)
    }

    /// The in-memory BM25 index of the texts of facts, scenes, persona
    /// attributes and insights, built now if it is not yet.
    public func nodeTextIndex() throws(MnemoError) -> NodeTextIndex {
        try kept(\.nodeText, catchUp: catchUp) { () throws(MnemoError) in try NodeTextIndex.build(from: store) }
    }

    /// The in-memory BM25 index of the space's episodes, built now if it is not yet.
    public func textIndex() throws(MnemoError) -> TextIndex {
        try kept(\.text, catchUp: catchUp) { () throws(MnemoError) in try TextIndex.build(from: store) }
    }

    /// Applies to a graph built meanwhile what happened since its build began.
    private func catchUp(_ graph: GraphIndex, _ events: [BuildJournalEvent]) throws(MnemoError) {
        for event in events {
            switch event {
            case .rows(let ids): try graph.refresh(ids, from: store)
            case .accesses(let recalls, _):
                for (id, time) in recalls { if let n = graph.node(id) { graph.recordAccess([n], at: time) } }
            }
        }
    }

    private func catchUp(_ index: NodeTextIndex, _ events: [BuildJournalEvent]) throws(MnemoError) {
        for case .rows(let ids) in events { try index.refresh(ids, from: store) }
    }

    private func catchUp(_ index: TextIndex, _ events: [BuildJournalEvent]) throws(MnemoError) {
        let episodes = events.contains { event in
            if case .rows(let ids) = event { ids.contains { $0.kind == .episode } } else { false }
        }
        if episodes { try index.catchUp(with: store) }
    }

    /// How many recalls wait to be written to the activation log.
    var waitingRecalls: Int { built.withLock { $0.pending?.count ?? 0 } }

    /// The graph if it was built (writes to a space nobody recalls from cost nothing).
    public var existingGraph: GraphIndex? { built.withLock { $0.graph } }

    /// The text index if it was built.
    public var existingTextIndex: TextIndex? { built.withLock { $0.text } }

    /// The index of other texts if it was built.
    public var existingNodeTextIndex: NodeTextIndex? { built.withLock { $0.nodeText } }

    /// Whether a recall would find the graph and text indexes built (the first
    /// recall of a space builds them, which can take seconds).
    public var isReady: Bool { built.withLock { $0.graph != nil && $0.text != nil && $0.nodeText != nil } }

    /// What `slot` holds, else built and kept (unless a `drop` ran meanwhile):
    /// an index without recalls.
    private func kept<T: Sendable & AnyObject>(
        _ slot: WritableKeyPath<Built, T?> & Sendable,
        catchUp: (T, [BuildJournalEvent]) throws(MnemoError) -> Void,
        build: () throws(MnemoError) -> T
    ) throws(MnemoError) -> T {
        let (existing, drops, start) = built.withLock { state -> (T?, Int, Int) in
            if let existing = state[keyPath: slot] { return (existing, state.drops, state.sequence) }
            return (nil, state.drops, state.beginBuild())
        }
        if let existing { return existing }
        return try install(slot, replacing: nil, drops: drops, start: { start }, catchUp: catchUp, build: build)
    }

    /// Builds an index (begun at journal number `start`, by the caller or,
    /// once it returns, by `build`),
    /// applies what the journal gained meanwhile, and keeps it in `slot` —
    /// in place of `replacing`, if that is still there — unless a `drop` ran
    /// meanwhile. Ends the build however it goes.
    private func install<T: Sendable & AnyObject>(
        _ slot: WritableKeyPath<Built, T?> & Sendable,
        replacing: T?,
        drops: Int,
        start: () -> Int?,
        catchUp: (T, [BuildJournalEvent]) throws(MnemoError) -> Void,
        build: () throws(MnemoError) -> T
    ) throws(MnemoError) -> T {
        do {
            let made = try build()
            afterBuild.withLock { $0 }?()
            let start = start()!
            var applied = start
            while true {
                let (kept, missed) = built.withLock { state -> (T?, [(number: Int, event: BuildJournalEvent)]) in
                    let missed = state.journal.filter { $0.number > applied && $0.event.applies(to: start) }
                    // Dropped meanwhile: served once (to the recall that built it), never kept.
                    if state.drops != drops || missed.isEmpty {
                        state.endBuild(start)
                        if state.drops != drops { return (made, []) }
                        if let replacing {
                            guard state[keyPath: slot] === replacing else { return (made, []) }
                        } else if let raced = state[keyPath: slot] {
                            return (raced, [])
                        }
                        state[keyPath: slot] = made
                        return (made, [])
                    }
                    return (nil, missed)
                }
                if let kept { return kept }
                try catchUp(made, missed.map(\.event))
                applied = missed.last!.number
            }
        } catch {
            if let start = start() { built.withLock { $0.endBuild(start) } }
            throw error
        }
    }

    /// Brings what is built up to date with the committed rows `ids`.
    package func refresh(_ ids: [NodeID]) throws(MnemoError) {
        if let fault = refreshFault.withLock({ $0 }) { throw fault }
        let (graph, text, nodeText) = built.withLock { state in
            state.note(.rows(ids))
            return (state.graph, state.text, state.nodeText)
        }
        try graph?.refresh(ids, from: store)
        if ids.contains(where: { $0.kind == .episode }), let text {
            try text.catchUp(with: store)
        }
        try nodeText?.refresh(ids, from: store)
        compactIfWasteful(graph, nodeText)
    }

    /// Rebuilds the graph and the index of other texts in the background
    /// when refreshes have left much behind in them (`GraphIndex.isWasteful`,
    /// `NodeTextIndex.isWasteful`): recalls go on over the old ones meanwhile,
    /// and the new ones catch up with what was written before they are kept.
    private func compactIfWasteful(_ graph: GraphIndex?, _ nodeText: NodeTextIndex?) {
        let floor = wasteFloor.withLock { $0 }
        let graph = graph.flatMap { $0.isWasteful(floor: floor) ? $0 : nil }
        let nodeText = nodeText.flatMap { $0.isWasteful(floor: floor) ? $0 : nil }
        guard graph != nil || nodeText != nil else { return }
        // Only what is still kept (a refresh that took an index just before a
        // rebuild replaced it must not start another), and one rebuild at a time.
        let claim = built.withLock { state -> (drops: Int, graph: GraphIndex?, text: NodeTextIndex?)? in
            let oldGraph = graph.flatMap { $0 === state.graph ? $0 : nil }
            let oldText = nodeText.flatMap { $0 === state.nodeText ? $0 : nil }
            guard oldGraph != nil || oldText != nil, !state.compacting else { return nil }
            if let failed = state.compactionFailed, ContinuousClock.now - failed < .seconds(60) { return nil }
            state.compacting = true
            return (state.drops, oldGraph, oldText)
        }
        guard let claim else { return }
        DispatchQueue.global().async { [self] in
            var failed = false
            if let oldGraph = claim.graph {
                failed = !rebuild(named: "graph") { () throws(MnemoError) in
                    _ = try buildGraph(replacing: oldGraph, drops: claim.drops, weights: oldGraph.weights)
                }
            }
            if let oldText = claim.text {
                let kept = rebuild(named: "text index") { () throws(MnemoError) in
                    let start = built.withLock { $0.beginBuild() }
                    _ = try install(\.nodeText, replacing: oldText, drops: claim.drops, start: { start }, catchUp: catchUp) {
                        () throws(MnemoError) in try NodeTextIndex.build(from: store)
                    }
                }
                failed = failed || !kept
            }
            built.withLock { state in
                state.compacting = false
                state.compactionFailed = failed ? .now : nil
            }
        }
    }

    /// One index of a compaction, built and installed by `install` in place
    /// of the old one; false (with a warning) if the build failed, which
    /// leaves the old one, still refreshed (an install ends its build
    /// however it goes).
    private func rebuild(named name: String, _ install: () throws(MnemoError) -> Void) -> Bool {
        do {
            try install()
            return true
        } catch {
            warn("\(store.path): rebuilding the recall \(name) to free memory failed (\(error)); the old one is kept")
            return false
        }
    }

    /// Drops the graph, text indexes and cached answers; the next recall
    /// rebuilds them from the store.
    ///
    /// After a `forget` or an undone run (`discardingRecalls`), recalls not
    /// yet written to the activation log are dropped too: they may name a row
    /// that is gone, whose id a new one could take before they are written.
    package func drop(discardingRecalls: Bool = false) {
        built.withLock { state in
            if discardingRecalls {
                state.pending = nil
                state.forgets += 1
            }
            state.graph = nil
            state.text = nil
            state.nodeText = nil
            state.cache = nil
            state.drops += 1
        }
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

    /// Records what recall returned: in the graph at once (in `graph`, which
    /// ranked it, and in the one kept now if another), in the activation log
    /// soon after, in one write for all recalls of the last moment (a recall
    /// never waits for a write). It takes no lock of the graph that ranked
    /// it but its access table's, so a refresh waiting for a long recall does
    /// not hold it up; only when a rebuild has replaced that graph does it
    /// look the nodes up in the new one, under that one's read lock.
    package func reinforce(_ returned: [(node: UInt32, id: NodeID)], graph: GraphIndex, at time: Timestamp) {
        guard !returned.isEmpty else { return }
        graph.recordAccess(returned.map(\.node), at: time.microseconds)
        let events = returned.map { ($0.id, time.microseconds) }
        let (removals, forgets) = (graph.removals, graph.forgets.load(ordering: .acquiring))
        let waiting = events.map { (node: $0.0, at: $0.1, removals: removals) }
        let recorded = built.withLock { state -> (current: GraphIndex?, first: Bool)? in
            guard forgets == state.forgets else { return nil }
            // A graph being built gets them from the journal.
            state.note(.accesses(events))
            let first = state.pending == nil
            if state.pending == nil { state.pending = Deque(waiting) } else { state.pending!.append(contentsOf: waiting) }
            return (state.graph === graph ? nil : state.graph, first)
        }
        // Ranked by a graph built before a `forget`: its rows may be gone, and their ids taken.
        guard let (current, first) = recorded else { return }
        // Ranked by a graph a rebuild has replaced: the new one learns them too.
        if let current { current.recordAccess(events.compactMap { current.node($0.0) }, at: time.microseconds) }
        guard first else { return }
        reinforcements.asyncAfter(deadline: .now() + .milliseconds(writeDelay.withLock { $0 })) { [self] in writePendingRecalls() }
    }

    /// Writes the recalls not yet in the activation log, if there are any
    /// (on `reinforcements`), `logWriteEvents` (2,000) a transaction, so that a
    /// write of the space waits for one of them at most: recalls of
    /// thousands of results each (`limit 1000`) gather tens of thousands a
    /// moment, and one transaction of them all held the writer for tens of
    /// milliseconds.
    private func writePendingRecalls() {
        while writePendingRecallsOnce() { betweenLogTransactions.withLock { $0 }?() }
    }

    /// How many recalls of nodes one transaction of the activation log
    /// writes (tests make it small).
    let logWriteEvents = Mutex(2_000)

    /// Writes the first `logWriteEvents` recalls not yet in the activation
    /// log; whether more wait. Takes them, holding `logGate` until they are
    /// committed, only once it has the store's writer: a graph build waits
    /// for this one write's commit, never for the writes before it.
    private func writePendingRecallsOnce() -> Bool {
        guard built.withLock({ $0.pending != nil }) else { return false }
        var gated = false
        var events: [(node: NodeID, at: Int64, removals: Int64)] = []
        var more = false
        var current: Int64?
        do {
            try store.write { w in
                logGate.wait()
                gated = true
                w.whenTransactionEnds { [logGate] in logGate.signal() }
                let limit = max(1, logWriteEvents.withLock { $0 })
                (events, more) = built.withLock { $0.takePending(atMost: limit) }
                // Ranked before a forget or an undone run that has committed
                // (the space drops them once it follows it; this write may
                // come first): the rows they name may be gone, and a new row
                // may have taken an id.
                let removals = try w.reader.removals()
                current = removals
                try w.recordRecalls(events.filter { $0.removals == removals }.map { (node: $0.node, at: $0.at) })
            }
            return more
        } catch {
            // Refused before it began (a read-only store), or failed: they are
            // dropped, with those still waiting (a full disk would fail them
            // too), and the next recall schedules a write again.
            let rest = built.withLock { $0.takePending().taken }
            events = gated ? events + rest : rest
            // The graph has them; the log misses them. Said at most once a
            // minute (on a full disk every flush fails).
            let missed = unlogged.withLock { entry -> Int? in
                entry.missed += events.count { current == nil || $0.removals == current }
                guard Date().timeIntervalSince(entry.lastWarned) >= 60 else { return nil }
                defer { entry = (0, Date()) }
                return entry.missed
            }
            if let missed {
                warn("\(store.path): \(missed) recalls not written to the activation log (\(error)); the graph has them until it is next built")
            }
            return false
        }
    }
}
