import GRDB
import MnemoModel
import MnemoStore

extension GraphIndex {
    /// Builds the index from everything the store holds.
    public static func build(from store: MemoryStore, weights: Weights = Weights()) throws(MnemoError) -> GraphIndex {
        let storage = try store.read { r in
            var builder = Builder(db: r.db, weights: weights)
            return try builder.build()
        }
        return GraphIndex(storage: storage, weights: weights)
    }

    /// Brings the index up to date with the rows of these stored things (after a
    /// commit that created or changed them): adds them and their incidences,
    /// updates their flags, marks deleted the ones that are gone.
    public func refresh(_ ids: [NodeID], from store: MemoryStore) throws(MnemoError) {
        guard !ids.isEmpty else { return }
        let weights = self.weights
        try store.read { r in
            try storage.withLock { s in
                var builder = Builder(db: r.db, weights: weights)
                builder.storage = s
                for id in ids { try builder.refresh(id) }
                s = builder.storage
            }
        }
    }
}

/// Reads nodes and incidences from SQLite into `GraphIndex.Storage`.
struct Builder {
    let db: Database
    let weights: GraphIndex.Weights
    var storage = GraphIndex.Storage()

    init(db: Database, weights: GraphIndex.Weights) {
        self.db = db
        self.weights = weights
    }

    // MARK: Full build

    mutating func build() throws -> GraphIndex.Storage {
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
        try Self.forEachRow(db, "SELECT node_kind, node_id, at FROM activation") { row in
            let letter: String = row[0]
            if let kind = NodeKind(rawValue: Character(letter)), let n = dense(NodeID(kind, row[1])) {
                storage.accesses[n, default: []].append(row[2])
                storage.mostAccesses = max(storage.mostAccesses, storage.accesses[n]!.count)
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

    // MARK: Refresh

    /// Reads one node's row; `nil` when it no longer exists.
    mutating func load(_ id: NodeID) throws -> UInt32? {
        let row: Row?
        var flags: GraphIndex.Flags = []
        switch id.kind {
        case .entity:
            row = try Row.fetchOne(db, sql: "SELECT created_at, archived FROM entity WHERE id = ?", arguments: [id.number])
            if let row, row[1] as Bool { flags = .archived }
        case .episode:
            row = try Row.fetchOne(db, sql: "SELECT at, archived FROM episode WHERE id = ?", arguments: [id.number])
            if let row, row[1] as Bool { flags = .archived }
        case .fact:
            row = try Row.fetchOne(db, sql: """
                SELECT COALESCE(valid_from, recorded_at), retracted_at IS NOT NULL, superseded_by IS NOT NULL, archived FROM fact WHERE id = ?
                """, arguments: [id.number])
            if let row { flags = Self.factFlags(row[1], row[2], row[3]) }
        case .scene:
            row = try Row.fetchOne(db, sql: "SELECT opened_at FROM scene WHERE id = ?", arguments: [id.number])
        case .persona, .insight:
            return nil
        }
        guard let row else {
            if let n = dense(id) { storage.flags[Int(n)].insert(.deleted) }
            return nil
        }
        return add(id, time: row[0], flags: flags)
    }

    mutating func refresh(_ id: NodeID) throws {
        guard let n = try load(id) else { return }
        func link(_ other: NodeID, _ w: Float) throws {
            guard let m = try load(other) else { return }
            connect(n, m, w)
            connect(m, n, w)
        }
        switch id.kind {
        case .episode:
            for row in try Row.fetchAll(db, sql: "SELECT entity_id, role FROM episode_entity WHERE episode_id = ?", arguments: [id.number]) {
                try link(NodeID(.entity, row[0]), roleWeight(row[1]))
            }
            if let scene = try Int64.fetchOne(db, sql: "SELECT scene_id FROM episode WHERE id = ?", arguments: [id.number]) {
                try link(NodeID(.scene, scene), weights.sceneOfEpisode)
                if let sc = dense(NodeID(.scene, scene)), storage.sceneOf[n] == nil {
                    storage.sceneOf[n] = sc
                    var list = storage.sceneEpisodes[sc, default: []]
                    let at = storage.times[Int(n)]
                    let index = list.firstIndex { storage.times[Int($0)] > at || (storage.times[Int($0)] == at && $0 > n) } ?? list.count
                    list.insert(n, at: index)
                    storage.sceneEpisodes[sc] = list
                }
            }
            storage.episodeTimes[n] = try Row.fetchAll(db, sql: "SELECT from_time, to_time FROM episode_time WHERE episode_id = ?",
                                                       arguments: [id.number]).map { ($0[0], $0[1]) }
            for fact in try Int64.fetchAll(db, sql: "SELECT fact_id FROM fact_source WHERE episode_id = ?", arguments: [id.number]) {
                try link(NodeID(.fact, fact), weights.factSource)
            }
        case .fact:
            for entity in try Int64.fetchAll(db, sql: "SELECT DISTINCT value FROM fact_role WHERE fact_id = ? AND kind = 0", arguments: [id.number]) {
                try link(NodeID(.entity, entity), weights.factRole)
            }
            for episode in try Int64.fetchAll(db, sql: "SELECT episode_id FROM fact_source WHERE fact_id = ?", arguments: [id.number]) {
                try link(NodeID(.episode, episode), weights.factSource)
            }
            if let scene = try Int64.fetchOne(db, sql: "SELECT scene_id FROM fact WHERE id = ?", arguments: [id.number]) {
                try link(NodeID(.scene, scene), weights.sceneOfFact)
            }
        case .scene:
            for entity in try Int64.fetchAll(db, sql: "SELECT DISTINCT entity_id FROM scene_member WHERE scene_id = ?", arguments: [id.number]) {
                try link(NodeID(.entity, entity), weights.sceneMember)
            }
        case .entity:
            for row in try Row.fetchAll(db, sql: """
                SELECT to_id FROM entity_link WHERE from_id = ?1 AND kind = 'same_as'
                UNION SELECT from_id FROM entity_link WHERE to_id = ?1 AND kind = 'same_as'
                """, arguments: [id.number]) {
                try link(NodeID(.entity, row[0]), weights.sameAs)
            }
        case .persona, .insight:
            break
        }
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
