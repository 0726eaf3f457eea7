import GRDB
import MnemoModel
import MnemoStore

extension GraphIndex {
    /// Builds the index from everything the store holds.
    public static func build(from store: MemoryStore, weights: Weights = Weights()) throws(MnemoError) -> GraphIndex {
        let storage = try store.read { r in
            var builder = Builder(weights: weights)
            return try builder.build(from: r.db)
        }
        return GraphIndex(storage: storage, weights: weights)
    }
}

/// Reads nodes and incidences from SQLite into `GraphIndex.Storage`.
struct Builder {
    let weights: GraphIndex.Weights
    var storage = GraphIndex.Storage()

    init(weights: GraphIndex.Weights, storage: GraphIndex.Storage = GraphIndex.Storage()) {
        self.weights = weights
        self.storage = storage
    }

    // MARK: Full build

    mutating func build(from db: Database) throws -> GraphIndex.Storage {
        try Self.forEachRow(db, "SELECT id, created_at, archived FROM entity") { row in
            add(NodeID(.entity, row[0]), time: row[1], flags: (row[2] as Bool) ? .archived : [])
        }
        try Self.forEachRow(db, "SELECT id, opened_at FROM scene") { row in
            add(NodeID(.scene, row[0]), time: row[1], flags: [])
        }
        try Self.forEachRow(db, "SELECT id, at, archived FROM episode ORDER BY scene_id, at, id") { row in
            add(NodeID(.episode, row[0]), time: row[1], flags: (row[2] as Bool) ? .archived : [])
        }
        try Self.forEachRow(db, """
            SELECT id, COALESCE(valid_from, recorded_at), retracted_at IS NOT NULL, superseded_by IS NOT NULL, archived FROM fact
            """) { row in
            add(NodeID(.fact, row[0]), time: row[1], flags: Self.factFlags(row[2], row[3], row[4]))
        }
        var edges: [(UInt32, UInt32, Float)] = []
        func link(_ a: NodeID, _ b: NodeID, _ w: Float) {
            guard let x = dense(a), let y = dense(b) else { return }
            edges.append((x, y, w))
            edges.append((y, x, w))
        }
        try Self.forEachRow(db, "SELECT episode_id, entity_id, role FROM episode_entity") { row in
            link(NodeID(.episode, row[0]), NodeID(.entity, row[1]), roleWeight(row[2]))
        }
        try Self.forEachRow(db, "SELECT id, scene_id FROM episode WHERE scene_id IS NOT NULL ORDER BY scene_id, at, id") { row in
            let episode = NodeID(.episode, row[0]), scene = NodeID(.scene, row[1])
            link(episode, scene, weights.sceneOfEpisode)
            if let e = dense(episode), let sc = dense(scene) {
                storage.sceneEpisodes[sc, default: []].append(e)
                storage.sceneOf[e] = sc
            }
        }
        // (A fact naming an entity twice links it twice; the pairs are made unique below.)
        try Self.forEachRow(db, "SELECT fact_id, value FROM fact_role WHERE kind = 0") { row in
            link(NodeID(.fact, row[0]), NodeID(.entity, row[1]), weights.factRole)
        }
        try Self.forEachRow(db, "SELECT fact_id, episode_id FROM fact_source") { row in
            link(NodeID(.fact, row[0]), NodeID(.episode, row[1]), weights.factSource)
        }
        try Self.forEachRow(db, "SELECT id, scene_id FROM fact WHERE scene_id IS NOT NULL") { row in
            link(NodeID(.fact, row[0]), NodeID(.scene, row[1]), weights.sceneOfFact)
        }
        try Self.forEachRow(db, "SELECT DISTINCT scene_id, entity_id FROM scene_member") { row in
            link(NodeID(.scene, row[0]), NodeID(.entity, row[1]), weights.sceneMember)
        }
        try Self.forEachRow(db, "SELECT from_id, to_id FROM entity_link WHERE kind = 'same_as'") { row in
            link(NodeID(.entity, row[0]), NodeID(.entity, row[1]), weights.sameAs)
        }
        try Self.forEachRow(db, "SELECT episode_id, from_time, to_time FROM episode_time") { row in
            if let n = dense(NodeID(.episode, row[0])) { storage.episodeTimes[n, default: []].append((row[1], row[2])) }
        }
        try ReadContext(db: db).forEachAccess { node, access in
            guard let n = dense(node) else { return }
            switch access {
            case .folded(let folded): storage.accesses[n, default: AccessHistory()].addFolded(folded)
            case .exact(let at): storage.accesses[n, default: AccessHistory()].append(at)
            }
            storage.mostAccesses = max(storage.mostAccesses, storage.accesses[n]!.count)
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
        storage.targets = edges.map(\.1)
        storage.weights = edges.map(\.2)
        return storage
    }

    /// Calls `body` with each row of a query, one row at a time: a full build
    /// reads millions of rows, which fetched into an array first would all be
    /// in memory at once (and leave the heap that much larger).
    static func forEachRow(_ db: Database, _ sql: String, _ body: (Row) throws -> Void) throws {
        let rows = try Row.fetchCursor(db, sql: sql)
        while let row = try rows.next() { try body(row) }
    }

    static func factFlags(_ retracted: Bool, _ superseded: Bool, _ archived: Bool) -> GraphIndex.Flags {
        var flags: GraphIndex.Flags = []
        if retracted { flags.insert(.retracted) }
        if superseded { flags.insert(.superseded) }
        if archived { flags.insert(.archived) }
        return flags
    }

    func roleWeight(_ role: String) -> Float {
        switch role {
        case "speaker": weights.speaker
        case "addressee": weights.addressee
        default: weights.mention
        }
    }

    func dense(_ id: NodeID) -> UInt32? { storage.dense[id.kind]?[id.number] }

    @discardableResult
    mutating func add(_ id: NodeID, time: Int64, flags given: GraphIndex.Flags) -> UInt32 {
        let flags = switch id.kind {
        case .episode: given.union([.answerable, .episode])
        case .fact: given.union(.answerable)
        default: given
        }
        if let n = dense(id) {
            storage.times[Int(n)] = time
            storage.flags[Int(n)] = flags
            return n
        }
        let n = UInt32(storage.nodes.count)
        storage.dense[id.kind, default: [:]][id.number] = n
        storage.nodes.append(id)
        storage.times.append(time)
        storage.flags.append(flags)
        storage.offsets.append(storage.offsets.last ?? 0)
        return n
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
