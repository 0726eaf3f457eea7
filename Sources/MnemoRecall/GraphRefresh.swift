import GRDB
import MnemoModel
import MnemoStore

extension GraphIndex {
    /// Brings the index up to date with the rows of these stored things (after a
    /// commit that created or changed them): adds them and their incidences,
    /// updates their flags, marks deleted the ones that are gone.
    ///
    /// In two steps, so that a recall never waits on SQLite: the rows are read
    /// first, without the index's lock (`RefreshRows`), then applied under it,
    /// which only touches memory.
    public func refresh(_ ids: [NodeID], from store: MemoryStore) throws(MnemoError) {
        guard !ids.isEmpty else { return }
        try refreshing.withLock { _ throws(MnemoError) in
            let rows = try store.read { r in try RefreshRows(ids, db: r.db, weights: weights) }
            storage.withLock { s in
                // The storage moves into the builder and back: a copy would share the
                // arrays, and the first change would duplicate each of them.
                var builder = Builder(weights: weights, storage: GraphIndex.Storage())
                swap(&builder.storage, &s)
                defer { swap(&builder.storage, &s) }
                rows.apply(to: &builder)
            }
        }
    }
}

/// The rows a refresh of some stored things needs, read in one transaction:
/// each thing's node row and incidences, and the node row of everything it is
/// linked to.
struct RefreshRows {
    /// A node's time and flags; `nil` when the row is gone.
    typealias NodeRow = (time: Int64, flags: GraphIndex.Flags)?

    struct Item {
        var id: NodeID
        /// What it is linked to, with the edge's weight.
        var links: [(NodeID, Float)] = []
        /// An episode's scene, for the scene's time-ordered episodes.
        var scene: NodeID?
        /// An episode's resolved time expressions, [from, to) in µs.
        var episodeTimes: [(Int64, Int64)]?
    }

    var nodes: [NodeID: NodeRow] = [:]
    var items: [Item] = []

    init(_ ids: [NodeID], db: Database, weights: GraphIndex.Weights) throws {
        func roleWeight(_ role: String) -> Float {
            switch role {
            case "speaker": weights.speaker
            case "addressee": weights.addressee
            default: weights.mention
            }
        }
        for id in ids {
            guard try node(id, db) != nil else {
                items.append(Item(id: id))
                continue
            }
            var item = Item(id: id)
            func link(_ other: NodeID, _ w: Float) throws {
                item.links.append((other, w))
                _ = try node(other, db)
            }
            switch id.kind {
            case .episode:
                for row in try Row.fetchAll(db, sql: "SELECT entity_id, role FROM episode_entity WHERE episode_id = ?", arguments: [id.number]) {
                    try link(NodeID(.entity, row[0]), roleWeight(row[1]))
                }
                if let scene = try Int64.fetchOne(db, sql: "SELECT scene_id FROM episode WHERE id = ?", arguments: [id.number]) {
                    try link(NodeID(.scene, scene), weights.sceneOfEpisode)
                    item.scene = NodeID(.scene, scene)
                }
                item.episodeTimes = try Row.fetchAll(db, sql: "SELECT from_time, to_time FROM episode_time WHERE episode_id = ?",
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
            items.append(item)
        }
    }

    /// Reads a node's row once; `nil` (and remembered so) when it no longer
    /// exists or is of a kind the index does not hold.
    private mutating func node(_ id: NodeID, _ db: Database) throws -> (time: Int64, flags: GraphIndex.Flags)? {
        if let known = nodes[id] { return known }
        var flags: GraphIndex.Flags = []
        var time: Int64?
        switch id.kind {
        case .entity:
            if let row = try Row.fetchOne(db, sql: "SELECT created_at, archived FROM entity WHERE id = ?", arguments: [id.number]) {
                time = row[0]
                if row[1] as Bool { flags = .archived }
            }
        case .episode:
            if let row = try Row.fetchOne(db, sql: "SELECT at, archived FROM episode WHERE id = ?", arguments: [id.number]) {
                time = row[0]
                if row[1] as Bool { flags = .archived }
            }
        case .fact:
            if let row = try Row.fetchOne(db, sql: """
                SELECT COALESCE(valid_from, recorded_at), retracted_at IS NOT NULL, superseded_by IS NOT NULL, archived FROM fact WHERE id = ?
                """, arguments: [id.number]) {
                time = row[0]
                flags = Builder.factFlags(row[1], row[2], row[3])
            }
        case .scene:
            time = try Int64.fetchOne(db, sql: "SELECT opened_at FROM scene WHERE id = ?", arguments: [id.number])
        case .persona, .insight:
            break
        }
        let row: NodeRow = time.map { ($0, flags) }
        nodes[id] = .some(row)
        return row
    }

    /// Applies the rows: adds or updates every node read, marks deleted the
    /// ones that are gone, and adds the incidences. Memory only.
    func apply(to builder: inout Builder) {
        func load(_ id: NodeID) -> UInt32? {
            guard let read = nodes[id], let row = read else {
                if id.kind != .persona && id.kind != .insight, let n = builder.dense(id) {
                    builder.storage.flags[Int(n)].insert(.deleted)
                }
                return nil
            }
            return builder.add(id, time: row.time, flags: row.flags)
        }
        for item in items {
            guard let n = load(item.id) else { continue }
            for (other, w) in item.links {
                guard let m = load(other) else { continue }
                builder.connect(n, m, w)
                builder.connect(m, n, w)
            }
            if let scene = item.scene, let sc = builder.dense(scene), builder.storage.sceneOf[n] == nil {
                builder.storage.sceneOf[n] = sc
                var list = builder.storage.sceneEpisodes[sc, default: []]
                let times = builder.storage.times
                let at = times[Int(n)]
                let index = list.firstIndex { times[Int($0)] > at || (times[Int($0)] == at && $0 > n) } ?? list.count
                list.insert(n, at: index)
                builder.storage.sceneEpisodes[sc] = list
            }
            if let episodeTimes = item.episodeTimes { builder.storage.episodeTimes[n] = episodeTimes }
        }
    }
}
