import MnemoModel
import MnemoStore

extension GraphIndex {
    /// Builds the index from everything the store holds.
    public static func build(from store: MemoryStore, weights: Weights = Weights()) throws(MnemoError) -> GraphIndex {
        try build(from: store, weights: weights, snapshotBetween: {}, and: {})
    }

    /// Builds the index from the store's state as it is between `before`
    /// and `after` (`MemoryStore.read(snapshotBetween:and:_:)`).
    static func build(
        from store: MemoryStore, weights: Weights, snapshotBetween before: () -> Void, and after: () -> Void
    ) throws(MnemoError) -> GraphIndex {
        let (storage, accesses, removals) = try store.read(snapshotBetween: before, and: after) { r in
            var builder = Builder(weights: weights)
            let storage = try builder.build(from: r)
            return (storage, builder.accesses, try r.removals())
        }
        return GraphIndex(storage: storage, accesses: accesses, removals: removals, weights: weights)
    }
}

/// Makes `GraphIndex.Storage` of the store's nodes and incidences: all of them
/// for a build, the few a commit touched for a refresh (`RefreshRows`).
struct Builder {
    let weights: GraphIndex.Weights
    var storage = GraphIndex.Storage()
    /// A build's accesses, from the activation log.
    var accesses = AccessTable()
    /// Nodes a refresh retired and the nodes that took their places, whose
    /// accesses go with them (`AccessTable.move`).
    var replaced: [(retired: UInt32, by: UInt32)] = []
    /// Whether `add` keeps `scenesByTime` in order as each scene comes (a
    /// refresh); a full build sorts it once, at the end of its nodes.
    var ordersScenes = true

    init(weights: GraphIndex.Weights, storage: GraphIndex.Storage = GraphIndex.Storage()) {
        self.weights = weights
        self.storage = storage
    }

    // MARK: Full build

    mutating func build(from reader: ReadContext) throws -> GraphIndex.Storage {
        ordersScenes = false
        try reader.forEachGraphNode { row in add(row.id, time: row.time, flags: GraphIndex.Flags(row), validTo: row.validTo, length: row.length) }
        let times = storage.times
        storage.scenesByTime.sort { (times[Int($0)], $0) < (times[Int($1)], $1) }
        ordersScenes = true
        // (A fact naming an entity twice links it twice; the pairs are made unique below.)
        var edges: [(UInt32, UInt32, Float)] = []
        try reader.forEachGraphIncidence { incidence in
            guard let from = dense(incidence.from), let to = dense(incidence.to) else { return }
            let w = weights.weight(of: incidence.kind)
            edges.append((from, to, w))
            edges.append((to, from, w))
            if incidence.kind == .sceneOfEpisode { // these come in each scene's time order
                storage.sceneEpisodes[to, default: []].append(from)
                storage.sceneOf[from] = to
            }
            if incidence.kind == .speaker { storage.speakerOf[from] = to }
        }
        try reader.forEachEpisodeTime { episode, from, to in
            if let n = dense(NodeID(.episode, episode)) { storage.episodeTimes[n, default: []].append((from, to)) }
        }
        try reader.forEachAccess { node, access in
            guard let n = dense(node) else { return }
            switch access {
            case .folded(let folded): accesses.addFolded(n, folded)
            case .exact(let at): accesses.append(n, at: at)
            }
        }
        // Compressed rows: edges grouped by source; a pair linked twice (a speaker
        // who also mentions themself) keeps one edge with the larger weight.
        edges.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 != $1.1 ? $0.1 < $1.1 : $0.2 > $1.2 }
        var unique: [(UInt32, UInt32, Float)] = []
        unique.reserveCapacity(edges.count)
        for edge in edges where unique.last.map({ $0.0 != edge.0 || $0.1 != edge.1 }) ?? true { unique.append(edge) }
        edges = unique
        var offsets = [Int](repeating: 0, count: storage.nodes.count + 1)
        for (from, _, _) in edges { offsets[Int(from) + 1] += 1 }
        for i in 0..<storage.nodes.count { offsets[i + 1] += offsets[i] }
        storage.offsets = offsets
        var fans = [Int32](repeating: 0, count: storage.nodes.count)
        for (from, to, _) in edges where GraphIndex.countsInFan(from: storage.nodes[Int(from)].kind, to: storage.nodes[Int(to)].kind) {
            fans[Int(from)] += 1
        }
        storage.fans = fans
        storage.targets = edges.map(\.1)
        storage.weights = edges.map(\.2)
        return storage
    }

    func dense(_ id: NodeID) -> UInt32? { storage.dense[id.kind]?[id.number] }

    @discardableResult
    mutating func add(_ id: NodeID, time: Int64, flags given: GraphIndex.Flags, validTo: Int64?, length: Int = 0) -> UInt32 {
        let flags =
            switch id.kind {
            case .episode: given.union([.answerable, .episode])
            case .fact: given.union(.answerable)
            case .scene, .persona, .insight: given.union(.summary)
            case .entity: given
            }
        let capped = UInt16(clamping: length)
        if let n = dense(id) {
            let moves = id.kind == .scene && storage.times[Int(n)] != time
            if moves { unplaceScene(n) }
            storage.times[Int(n)] = time
            if moves { placeScene(n) }
            storage.flags[Int(n)] = flags
            storage.validTo[n] = validTo
            setLength(n, capped)
            return n
        }
        let n = UInt32(storage.nodes.count)
        storage.dense[id.kind, default: [:]][id.number] = n
        storage.nodes.append(id)
        storage.times.append(time)
        storage.flags.append(flags)
        storage.offsets.append(storage.offsets.last ?? 0)
        storage.fans.append(0)
        storage.lengths.append(0)
        setLength(n, capped)
        if let validTo { storage.validTo[n] = validTo }
        if id.kind == .scene { placeScene(n) }
        return n
    }

    /// Puts a scene in `scenesByTime` at its (time, node) place (at the end
    /// while a full build loads its nodes).
    private mutating func placeScene(_ n: UInt32) {
        guard ordersScenes else { return storage.scenesByTime.append(n) }
        let times = storage.times
        let key = (times[Int(n)], n)
        storage.scenesByTime.insert(n, at: storage.scenesByTime.partitionPoint { (times[Int($0)], $0) < key })
    }

    /// Takes a scene out of `scenesByTime`, before its time changes.
    private mutating func unplaceScene(_ n: UInt32) {
        let times = storage.times
        let key = (times[Int(n)], n)
        let at = storage.scenesByTime.partitionPoint { (times[Int($0)], $0) < key }
        if at < storage.scenesByTime.count && storage.scenesByTime[at] == n {
            storage.scenesByTime.remove(at: at)
        } else if let found = storage.scenesByTime.firstIndex(of: n) {
            storage.scenesByTime.remove(at: found)
        }
    }

    /// Sets a node's length, keeping the sum and count of lengths for their mean.
    private mutating func setLength(_ n: UInt32, _ length: UInt16) {
        let old = storage.lengths[Int(n)]
        guard old != length else { return }
        if old > 0 {
            storage.lengthTotal -= Int(old)
            storage.lengthCount -= 1
        }
        if length > 0 {
            storage.lengthTotal += Int(length)
            storage.lengthCount += 1
        }
        storage.lengths[Int(n)] = length
    }

    /// Marks a node deleted and forgets which stored thing it stood for, so
    /// that `add` gives that thing a new node, without the old one's edges.
    mutating func retire(_ id: NodeID) {
        guard let n = dense(id) else { return }
        storage.flags[Int(n)].insert(.deleted)
        storage.dense[id.kind]?[id.number] = nil
        storage.retired += 1
    }

    /// Adds the edge, or raises its weight if the node already has it lighter.
    mutating func connect(_ a: UInt32, _ b: UInt32, _ w: Float) {
        let i = Int(a)
        if i + 1 < storage.offsets.count {
            for k in storage.offsets[i]..<storage.offsets[i + 1] where storage.targets[k] == b {
                storage.weights[k] = max(storage.weights[k], w)
                return
            }
        }
        if let at = storage.extra[a]?.firstIndex(where: { $0.0 == b }) {
            storage.extra[a]![at].1 = max(storage.extra[a]![at].1, w)
            return
        }
        storage.extra[a, default: []].append((b, w))
        storage.extraEdges += 1
    }
}
