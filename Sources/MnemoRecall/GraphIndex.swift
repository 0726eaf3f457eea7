import Foundation
import MnemoModel
import MnemoStore
import Synchronization

/// The graph recall spreads activation over, in memory: every entity,
/// episode, fact and scene of a space, and every persona attribute and
/// insight consolidation derived, as a dense node number, and the incidences
/// between them (a derived thing's person and support among them) as
/// weighted edges in both directions.
///
/// Edges built at start-up live in compact arrays (CSR: an offset per node into
/// one array of targets and one of weights); edges added by later writes go to
/// a small side table until the next rebuild. SQLite stays the record: the
/// index is rebuilt from it at start and refreshed from it after each commit
/// (`refresh`), never written to on its own.
public final class GraphIndex: Sendable {
    /// Edge weights by kind of incidence.
    public struct Weights: Sendable, Hashable {
        public var mention: Float = 1.0
        public var speaker: Float = 0.6
        public var addressee: Float = 0.6
        public var sceneOfEpisode: Float = 0.5
        public var factRole: Float = 1.0
        public var factSource: Float = 1.0
        public var sceneOfFact: Float = 0.5
        public var sceneMember: Float = 0.5
        /// Entities consolidation found to be one (`same_as`): a nickname and the full name.
        public var sameAs: Float = 1.0
        /// A persona attribute and its person.
        public var personaOf: Float = 0.5
        /// An insight and the person it is about.
        public var insightAbout: Float = 0.5
        /// A persona attribute or insight and an episode, fact or scene that
        /// supports it (`recall_support_weight`): activation climbs from the
        /// episodes to what sums them up and back down to the others.
        public var support: Float = 0.1
        public init() {}

        /// The weight of an edge of this kind.
        func weight(of kind: GraphIncidence.Kind) -> Float {
            switch kind {
            case .mention: mention
            case .speaker: speaker
            case .addressee: addressee
            case .sceneOfEpisode: sceneOfEpisode
            case .factRole: factRole
            case .factSource: factSource
            case .sceneOfFact: sceneOfFact
            case .sceneMember: sceneMember
            case .sameAs: sameAs
            case .personaOf: personaOf
            case .insightAbout: insightAbout
            case .support: support
            }
        }
    }

    /// Whether an edge counts in the fan of the node it leaves. Every edge
    /// does, except one from an entity, episode, fact or scene to a persona
    /// attribute or insight: what consolidation derives adds paths for
    /// activation without taking any from the paths the stored things had, so
    /// a consolidated space spreads over its episodes and facts as before,
    /// plus what climbs through the summaries. A persona attribute or insight
    /// divides among all its edges.
    @inlinable static func countsInFan(from: NodeKind, to: NodeKind) -> Bool {
        from.isDerived || !to.isDerived
    }

    /// Why a node is left out of default recall.
    public struct Flags: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let deleted = Flags(rawValue: 1)
        public static let retracted = Flags(rawValue: 2)
        public static let superseded = Flags(rawValue: 4)
        public static let archived = Flags(rawValue: 8)
        /// Not a reason to leave the node out: it is an episode or a fact, what
        /// recall answers with. Kept beside the flags so that recall learns
        /// both from one byte per node it reaches.
        public static let answerable = Flags(rawValue: 128)
        /// Not a reason either: the node is an episode (scene contiguity
        /// looks for them among thousands of reached nodes).
        public static let episode = Flags(rawValue: 64)
        /// Not a reason either: the node is a scene, persona attribute or
        /// insight, answered only when a recall's `kinds` asks for them.
        public static let summary = Flags(rawValue: 32)
        /// Not a reason either: a fact with no `valid_from`, valid since
        /// always (its time is when it was recorded) — for `as of` and `during`.
        public static let validSinceAlways = Flags(rawValue: 16)
        /// The flags that leave a node out (all but `answerable`, `episode`,
        /// `summary` and `validSinceAlways`).
        public static let exclusions: Flags = [.deleted, .retracted, .superseded, .archived]

        /// The reasons a stored row gives to leave its node out, and whether
        /// it is valid since always.
        init(_ row: GraphNodeRow) {
            self = []
            if row.retracted { insert(.retracted) }
            if row.superseded { insert(.superseded) }
            if row.archived { insert(.archived) }
            if row.validSinceAlways { insert(.validSinceAlways) }
        }
    }

    @usableFromInline
    struct Storage: Sendable {
        @usableFromInline var dense: [NodeKind: [Int64: UInt32]] = [:]
        @usableFromInline var nodes: [NodeID] = []
        /// The node's own time (µs): an episode's `at`, a fact's valid_from or
        /// recorded_at, a scene's opening, a persona attribute's last_seen or
        /// recorded_at, an insight's creation.
        @usableFromInline var times: [Int64] = []
        @usableFromInline var flags: [Flags] = []
        @usableFromInline var offsets: [Int] = [0]
        @usableFromInline var targets: [UInt32] = []
        @usableFromInline var weights: [Float] = []
        @usableFromInline var extra: [UInt32: [(UInt32, Float)]] = [:]
        @usableFromInline var extraEdges = 0
        /// Nodes a refresh retired (a persona attribute or insight a
        /// consolidation run changed gets a new node): memory a rebuild frees.
        @usableFromInline var retired = 0
        /// Each node's fan among its built edges (`View.fan`).
        @usableFromInline var fans: [Int32] = []
        /// Each scene's episodes in time order, for temporal contiguity.
        @usableFromInline var sceneEpisodes: [UInt32: [UInt32]] = [:]
        /// Each episode's scene.
        @usableFromInline var sceneOf: [UInt32: UInt32] = [:]
        /// The scenes in (time, node) order: those inside a time a recall's
        /// text names are found by halving (`View.scenes(from:to:)`).
        @usableFromInline var scenesByTime: [UInt32] = []
        /// Each episode's speaker, for the episodes that have one.
        @usableFromInline var speakerOf: [UInt32: UInt32] = [:]
        /// Each node's text length in characters, capped at 65,535: an
        /// episode's; 0 for every other kind.
        @usableFromInline var lengths: [UInt16] = []
        /// The sum and count of the episodes' lengths, for their mean.
        @usableFromInline var lengthTotal = 0
        @usableFromInline var lengthCount = 0
        /// The resolved time expressions of each episode, [from, to) in µs.
        @usableFromInline var episodeTimes: [UInt32: [(Int64, Int64)]] = [:]
        /// The end of each fact's valid interval (µs), for the facts whose
        /// interval has one (ended or superseded: few): only `as of` and
        /// `during` read it, so the common open fact costs nothing here.
        @usableFromInline var validTo: [UInt32: Int64] = [:]
    }

    /// Recalls read it together, refreshes change it alone (`ReadWriteLock`):
    /// a recall that spreads far holds up the refreshes of its space, not
    /// its other recalls.
    let storage: ReadWriteLock<Storage>
    /// When each node was mentioned or recalled: under a lock of its own, so
    /// that recording a recall never waits for the recalls still spreading.
    let accesses: Mutex<AccessTable>
    /// The store's removals when this was built (`ReadContext.removals`):
    /// a recall it ranks is not written to the activation log once the
    /// store has had another (a `forget`, an undone consolidation run).
    let removals: Int64
    /// How many times its space had discarded the recalls waiting when this
    /// was built (`SpaceRecall`, which sets it before it shares the index): a
    /// recall it ranks after the next time is not recorded.
    let forgets = Atomic(0)
    public let weights: Weights
    /// Held by a refresh from its read to its apply, so that refreshes apply
    /// in the order of the states they read (each reads a state at least as
    /// new as the last one applied). Recalls never take it.
    let refreshing = Mutex(())

    init(storage: Storage, accesses: AccessTable = AccessTable(), removals: Int64 = 0, weights: Weights) {
        self.storage = ReadWriteLock(storage)
        self.accesses = Mutex(accesses)
        self.removals = removals
        self.weights = weights
    }

    // MARK: - Reading

    public var nodeCount: Int { storage.withReadLock { $0.nodes.count } }

    /// Whether a rebuild would free much: refreshes never take edges out,
    /// so a node retired by a consolidation run keeps its edges (and those
    /// pointing at it) until a build, and every run retires the persona
    /// attributes and insights it touched; and edges added since the build
    /// sit in a side table that costs more to read than the built arrays.
    /// True when retired nodes exceed a quarter of all nodes, or added edges
    /// the built ones, each past a floor (`floor` retired nodes, 16 times as
    /// many edges) so that a small space is not rebuilt over and over.
    public func isWasteful(floor: Int = wasteFloor) -> Bool {
        storage.withReadLock { s in
            s.retired > max(floor, s.nodes.count / 4) || s.extraEdges > max(floor * 16, s.targets.count)
        }
    }

    /// The floor of `isWasteful`.
    public static let wasteFloor = 4096
    public var edgeCount: Int { storage.withReadLock { $0.targets.count + $0.extraEdges } }

    /// Approximate bytes held by the index (arrays and side tables).
    public var byteSize: Int {
        storage.withReadLock { s in
            s.nodes.count * (MemoryLayout<NodeID>.stride + 8 + 1 + 8 + 4) + s.targets.count * 8
                + s.extraEdges * 8 + s.dense.values.reduce(0) { $0 + $1.count * 16 } + s.validTo.count * 16 + s.scenesByTime.count * 4
        }
    }

    /// The dense number of a stored thing, if it is in the index.
    public func node(_ id: NodeID) -> UInt32? { storage.withReadLock { $0.dense[id.kind]?[id.number] } }

    /// Records that these nodes were recalled (or mentioned) at `time`.
    public func recordAccess(_ nodes: [UInt32], at time: Int64) {
        accesses.withLock { table in
            for n in nodes { table.append(n, at: time) }
        }
    }

    /// Runs `body` with read access to the whole index (one read lock for a
    /// whole recall; other recalls read beside it). `body` must not call
    /// back into this index's other accessors, which take the lock again
    /// (`ReadWriteLock`).
    public func withView<T>(_ body: (View) throws -> T) rethrows -> T {
        try storage.withReadLock { s in try body(View(storage: s, index: self)) }
    }

    /// `withView` if the index can be read at once: `nil` while a refresh
    /// changes it or waits to (a network thread, which may not wait, leaves
    /// the recall to a worker then).
    public func withViewIfFree<T>(_ body: (View) throws -> T) throws -> T? {
        try storage.withReadLockIfFree { s in try body(View(storage: s, index: self)) }
    }

    /// The built edges and the flags of every node, as `View.withBuffers` lends
    /// them (edges added since the build are in `View.addedEdges(of:)`).
    public struct Buffers {
        @usableFromInline let offsets: UnsafeBufferPointer<Int>
        @usableFromInline let targets: UnsafeBufferPointer<UInt32>
        @usableFromInline let weights: UnsafeBufferPointer<Float>
        @usableFromInline let flagsOf: UnsafeBufferPointer<Flags>

        @inlinable init(
            offsets: UnsafeBufferPointer<Int>, targets: UnsafeBufferPointer<UInt32>,
            weights: UnsafeBufferPointer<Float>, flagsOf: UnsafeBufferPointer<Flags>
        ) {
            self.offsets = offsets
            self.targets = targets
            self.weights = weights
            self.flagsOf = flagsOf
        }

        @inlinable public func flags(_ n: UInt32) -> Flags { flagsOf[Int(n)] }
        @inlinable public func edgeRange(of n: UInt32) -> Range<Int> { offsets[Int(n)]..<offsets[Int(n) + 1] }
        @inlinable public func target(_ edge: Int) -> UInt32 { targets[edge] }
        @inlinable public func weight(_ edge: Int) -> Float { weights[edge] }
        /// Where a node's flags, a node's offsets and an edge's target and
        /// weight live, for prefetch hints.
        @inlinable public func flagsAddress(_ n: UInt32) -> UnsafeRawPointer { UnsafeRawPointer(flagsOf.baseAddress! + Int(n)) }
        @inlinable public func offsetAddress(_ n: UInt32) -> UnsafeRawPointer { UnsafeRawPointer(offsets.baseAddress! + Int(n)) }
        @inlinable public func targetAddress(_ edge: Int) -> UnsafeRawPointer { UnsafeRawPointer(targets.baseAddress! + edge) }
        @inlinable public func weightAddress(_ edge: Int) -> UnsafeRawPointer { UnsafeRawPointer(weights.baseAddress! + edge) }
    }

    /// Read access to the index while `withView` holds it.
    /// Its accessors are inlinable: recall calls them for every edge it follows.
    public struct View {
        @usableFromInline let storage: Storage
        /// The index, for its access table (which has a lock of its own).
        let index: GraphIndex

        @inlinable public var count: Int { storage.nodes.count }
        @inlinable public func id(_ n: UInt32) -> NodeID { storage.nodes[Int(n)] }
        @inlinable public func node(_ id: NodeID) -> UInt32? { storage.dense[id.kind]?[id.number] }
        @inlinable public func time(_ n: UInt32) -> Int64 { storage.times[Int(n)] }
        @inlinable public func flags(_ n: UInt32) -> Flags { storage.flags[Int(n)] }

        /// The number a node's activation is divided by as it spreads: its
        /// edges, less those from a stored thing to what consolidation derived
        /// from it (`GraphIndex.countsInFan`).
        /// A node whose every edge leads to what was derived from it (an
        /// entity known only by its pinned persona attributes) has a fan of 1,
        /// not 0: it still spreads.
        @inlinable public func fan(_ n: UInt32) -> Int {
            var counted = Int(storage.fans[Int(n)])
            let added = storage.extra.isEmpty ? nil : storage.extra[n]
            if let added {
                let from = storage.nodes[Int(n)].kind
                counted += added.reduce(0) { $0 + (GraphIndex.countsInFan(from: from, to: storage.nodes[Int($1.0)].kind) ? 1 : 0) }
            }
            if counted > 0 { return counted }
            let edges = storage.offsets[Int(n) + 1] - storage.offsets[Int(n)] + (added?.count ?? 0)
            return edges > 0 ? 1 : 0
        }

        /// Calls `body` with each neighbour and the edge's weight.
        @inlinable public func forEachNeighbor(of n: UInt32, _ body: (UInt32, Float) -> Void) {
            let i = Int(n)
            for k in storage.offsets[i]..<storage.offsets[i + 1] { body(storage.targets[k], storage.weights[k]) }
            if !storage.extra.isEmpty, let extra = storage.extra[n] { for (t, w) in extra { body(t, w) } }
        }

        /// The positions of a node's built edges, for `target(_:)` and
        /// `weight(_:)`; edges added since the build are in `addedEdges(of:)`.
        /// (Loops over these need no closure, which hot loops that write
        /// their own state prefer to `forEachNeighbor`.)
        @inlinable public func edgeRange(of n: UInt32) -> Range<Int> {
            storage.offsets[Int(n)]..<storage.offsets[Int(n) + 1]
        }
        @inlinable public func target(_ edge: Int) -> UInt32 { storage.targets[edge] }
        @inlinable public func weight(_ edge: Int) -> Float { storage.weights[edge] }
        @inlinable public func addedEdges(of n: UInt32) -> [(UInt32, Float)]? {
            storage.extra.isEmpty ? nil : storage.extra[n]
        }

        /// Runs `body` with the edge arrays and flags as buffers, for loops that
        /// follow many edges: no bounds checks, no reference counting. The
        /// buffers are valid only inside `body`.
        @inlinable public func withBuffers<T>(_ body: (Buffers) throws -> T) rethrows -> T {
            try storage.offsets.withUnsafeBufferPointer { offsets in
                try storage.targets.withUnsafeBufferPointer { targets in
                    try storage.weights.withUnsafeBufferPointer { weights in
                        try storage.flags.withUnsafeBufferPointer { flags in
                            try body(Buffers(offsets: offsets, targets: targets, weights: weights, flagsOf: flags))
                        }
                    }
                }
            }
        }

        /// This view with other flags for some nodes, for one recall: what
        /// `known as of` leaves out or lets back in (`KnownBeliefs`). The
        /// flags are copied (a byte a node); nothing else is.
        func changingFlags(_ changes: [(UInt32, Flags)]) -> View {
            var changed = storage
            for (n, flags) in changes { changed.flags[Int(n)] = flags }
            return View(storage: changed, index: index)
        }

        /// The scene an episode belongs to.
        @inlinable public func scene(of episode: UInt32) -> UInt32? { storage.sceneOf[episode] }

        /// Whether `t`, a neighbour of `entity`, is an item the entity speaks
        /// for, which the entity boost rewards: an episode the entity spoke, or
        /// one that has no speaker and mentions it; any other kind of neighbour
        /// (a fact it fills a role of, a scene it took part in, its persona
        /// attributes). An episode someone else spoke that names the entity
        /// ("Thanks, Mel!") is not: asked about a person, recall looks for what
        /// that person said.
        @inlinable public func speaksFor(_ entity: UInt32, _ t: UInt32) -> Bool {
            guard storage.flags[Int(t)].contains(.episode), let speaker = storage.speakerOf[t] else { return true }
            return speaker == entity
        }

        /// The length prior of node `n` (`recall_length_prior`): an episode's
        /// length over the mean episode's, capped at `LengthPrior.ratioCap`
        /// either way, to the power `exponent`; 1 for every other kind.
        @inlinable public func lengthFactor(_ n: UInt32, exponent: Double) -> Double {
            let length = storage.lengths[Int(n)]
            guard exponent != 0, length > 0, storage.lengthCount > 0 else { return 1 }
            let mean = Double(storage.lengthTotal) / Double(storage.lengthCount)
            let ratio = min(max(Double(length) / mean, 1 / LengthPrior.ratioCap), LengthPrior.ratioCap)
            return pow(ratio, exponent)
        }

        /// Whether the node's own time or (for an episode) one of the times its
        /// text names falls in `[from, to)`.
        @inlinable public func inTime(_ n: UInt32, from: Int64, to: Int64) -> Bool {
            let t = storage.times[Int(n)]
            if t >= from && t < to { return true }
            return !storage.episodeTimes.isEmpty && storage.episodeTimes[n]?.contains { $0.0 < to && $0.1 > from } ?? false
        }

        /// Whether the item was valid at `t` (µs): an episode that had
        /// happened by then, a fact whose valid interval `[valid_from,
        /// valid_to)` contains it (from always when it has no `valid_from`,
        /// as `match … as of` reads it).
        @inlinable public func valid(_ n: UInt32, at t: Int64) -> Bool {
            let i = Int(n)
            guard storage.flags[i].contains(.validSinceAlways) || storage.times[i] <= t else { return false }
            return storage.validTo.isEmpty || storage.validTo[n].map { t < $0 } ?? true
        }

        /// Whether the item's valid time overlaps `[from, to)` (µs): for a
        /// fact its valid interval, for an episode its own time or a time its
        /// text names (`inTime`).
        @inlinable public func valid(_ n: UInt32, overlapping from: Int64, _ to: Int64) -> Bool {
            let i = Int(n)
            let flags = storage.flags[i]
            guard flags.contains(.answerable) && !flags.contains(.episode) else { return inTime(n, from: from, to: to) }
            let start = flags.contains(.validSinceAlways) ? Int64.min : storage.times[i]
            let end = storage.validTo.isEmpty ? nil : storage.validTo[n]
            return start < to && (end.map { $0 > from } ?? true)
        }

        /// The scenes that opened in `[from, to)` (µs), in time order.
        @inlinable public func scenes(from: Int64, to: Int64) -> ArraySlice<UInt32> {
            let list = storage.scenesByTime
            let times = storage.times
            let low = list.partitionPoint { times[Int($0)] < from }
            let high = list.partitionPoint { times[Int($0)] < to }
            return list[low..<max(low, high)]
        }

        /// The episodes within `within` turns before and after an episode in
        /// its scene, each with how many turns away it is.
        @inlinable public func timeNeighbors(of episode: UInt32, within: Int = 1) -> [(episode: UInt32, distance: Int)] {
            guard within > 0, let scene = storage.sceneOf[episode], let list = storage.sceneEpisodes[scene] else { return [] }
            // A scene's episodes are in (time, node) order: found by halving, in a scene of any size.
            let times = storage.times
            let key = (times[Int(episode)], episode)
            let low = list.partitionPoint { (times[Int($0)], $0) < key }
            guard let at = low < list.count && list[low] == episode ? low : list.firstIndex(of: episode) else { return [] }
            return (max(0, at - within)...min(list.count - 1, at + within)).filter { $0 != at }.map { (list[$0], abs($0 - at)) }
        }

        /// No node's base level (below) is higher: every access adds at most
        /// 24^d (ages count as at least an hour; a folded one adds a mean of
        /// such terms), and no node has more accesses than its creation plus
        /// the most accesses of any node, folded ones counted.
        public func baseLevelBound(decay d: Double = 0.5) -> Double {
            let most = index.accesses.withLock { $0.most }
            return log((d == 0.5 ? Double(24).squareRoot() : pow(24, d)) * Double(1 + most))
        }

        /// ACT-R's base-level activation B = ln Σ (now − t)^(−d) over the node's
        /// creation (its own time) and its mentions and recalls, ages in days,
        /// older accesses folded (`AccessHistory`): at most
        /// `AccessHistory.foldAbove` exact terms and `AccessHistory.segmentLimit`
        /// folded ones.
        public func baseLevel(_ n: UInt32, now: Int64, decay d: Double = 0.5) -> Double {
            let created = AccessHistory.term(age: AccessHistory.days(now - storage.times[Int(n)]), decay: d)
            // Only the look-up holds the lock: the sum runs beside the other recalls'.
            let history = index.accesses.withLock { $0.history(n) }
            return log(created + (history?.sum(now: now, decay: d) ?? 0))
        }

        /// Every edge as (from, to, weight) with stored ids, and what the
        /// entity boost and the length prior read beside the edges (an
        /// episode's speaker and length), for comparing indexes.
        public func edges() -> Set<String> {
            var result = Set<String>()
            for n in 0..<UInt32(storage.nodes.count) where !storage.flags[Int(n)].contains(.deleted) {
                forEachNeighbor(of: n) { t, w in
                    if !storage.flags[Int(t)].contains(.deleted) { result.insert("\(id(n)) \(id(t)) \(w)") }
                }
                if let speaker = storage.speakerOf[n] { result.insert("\(id(n)) spoken by \(id(speaker))") }
                if storage.lengths[Int(n)] > 0 { result.insert("\(id(n)) length \(storage.lengths[Int(n)])") }
            }
            return result
        }
    }
}
