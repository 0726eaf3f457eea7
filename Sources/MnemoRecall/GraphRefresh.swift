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
            let rows = try store.read { r in try RefreshRows(ids, reader: r, weights: weights) }
            storage.withWriteLock { s in
                // The storage moves into the builder and back: a copy would share the
                // arrays, and the first change would duplicate each of them.
                var builder = Builder(weights: weights, storage: GraphIndex.Storage())
                swap(&builder.storage, &s)
                defer { swap(&builder.storage, &s) }
                rows.apply(to: &builder)
                // Under the graph's lock still: a recall that sees the new nodes sees their accesses.
                if !builder.replaced.isEmpty {
                    accesses.withLock { table in for (retired, n) in builder.replaced { table.move(from: retired, to: n) } }
                }
            }
        }
    }
}

/// The rows a refresh of some stored things needs, read in one transaction:
/// each thing's node row and incidences, and the node row of everything it is
/// linked to.
struct RefreshRows {
    /// A node's time, flags, end of valid time and length; `nil` when the row is gone.
    typealias NodeRow = (time: Int64, flags: GraphIndex.Flags, validTo: Int64?, length: Int)?

    struct Item {
        var id: NodeID
        /// What it is linked to, with the edge's weight.
        var links: [(NodeID, Float)] = []
        /// An episode's scene, for the scene's time-ordered episodes.
        var scene: NodeID?
        /// An episode's speaker, for the entity boost.
        var speaker: NodeID?
        /// An episode's resolved time expressions, [from, to) in µs.
        var episodeTimes: [(Int64, Int64)]?
    }

    var nodes: [NodeID: NodeRow] = [:]
    var items: [Item] = []

    init(_ ids: [NodeID], reader: ReadContext, weights: GraphIndex.Weights) throws {
        for id in ids {
            guard try node(id, reader) != nil else {
                items.append(Item(id: id))
                continue
            }
            var item = Item(id: id)
            for incidence in try reader.graphIncidences(of: id) {
                item.links.append((incidence.to, weights.weight(of: incidence.kind)))
                _ = try node(incidence.to, reader)
                if incidence.kind == .sceneOfEpisode { item.scene = incidence.to }
                if incidence.kind == .speaker { item.speaker = incidence.to }
            }
            if id.kind == .episode { item.episodeTimes = try reader.episodeTimes(of: id.number).map { ($0.from, $0.to) } }
            items.append(item)
        }
    }

    /// Reads a node's row once; `nil` (and remembered so) when it no longer
    /// exists or is of a kind the index does not hold.
    private mutating func node(_ id: NodeID, _ reader: ReadContext) throws -> NodeRow {
        if let known = nodes[id] { return known }
        let row: NodeRow = try reader.graphNode(id).map { ($0.time, GraphIndex.Flags($0), $0.validTo, $0.length) }
        nodes[id] = .some(row)
        return row
    }

    /// Applies the rows: adds or updates every node read, marks deleted the
    /// ones that are gone, and adds the incidences. Memory only.
    func apply(to builder: inout Builder) {
        func load(_ id: NodeID) -> UInt32? {
            guard let read = nodes[id], let row = read else {
                if let n = builder.dense(id) { builder.storage.flags[Int(n)].insert(.deleted) }
                return nil
            }
            return builder.add(id, time: row.time, flags: row.flags, validTo: row.validTo, length: row.length)
        }
        for item in items {
            // A persona attribute or insight a run changed may rest on other
            // support than before, and edges are never taken out of the index:
            // it gets a new node, and the old one is marked deleted.
            let retired = item.id.kind == .persona || item.id.kind == .insight ? builder.dense(item.id) : nil
            if retired != nil { builder.retire(item.id) }
            guard let n = load(item.id) else { continue }
            // Its recalls go with it to its new node.
            if let retired { builder.replaced.append((retired, n)) }
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
            if let speaker = item.speaker, let s = builder.dense(speaker) { builder.storage.speakerOf[n] = s }
            if let episodeTimes = item.episodeTimes { builder.storage.episodeTimes[n] = episodeTimes }
        }
    }
}
