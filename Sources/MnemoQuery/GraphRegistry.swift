import Dispatch
import MnemoGraph
import MnemoModel
import MnemoStore
import Synchronization

/// One recall graph per open space: built from the store on first use, then
/// refreshed after every committed write that touches it.
public final class GraphRegistry: Sendable {
    private let graphs = Mutex<[String: GraphIndex]>([:])
    private let current: Mutex<RecallSettings>
    private let reinforcements = DispatchQueue(label: "mnemo.reinforce")

    public init(settings: RecallSettings = RecallSettings()) { current = Mutex(settings) }

    public var settings: RecallSettings { current.withLock { $0 } }
    public func replace(_ settings: RecallSettings) { current.withLock { $0 = settings } }

    /// The graph of a space, built now if it is not yet.
    public func graph(for store: MemoryStore) throws(MnemoError) -> GraphIndex {
        if let graph = graphs.withLock({ $0[store.path] }) { return graph }
        let built = try GraphIndex.build(from: store)
        return graphs.withLock { all in
            if let raced = all[store.path] { return raced }
            all[store.path] = built
            return built
        }
    }

    /// The graph if it was built (writes to a space nobody recalls from cost nothing).
    public func existing(for store: MemoryStore) -> GraphIndex? { graphs.withLock { $0[store.path] } }

    func refresh(_ ids: [NodeID], in store: MemoryStore) throws(MnemoError) {
        try existing(for: store)?.refresh(ids, from: store)
    }

    /// Drops a space's graph; the next recall rebuilds it (after `forget`).
    func drop(_ store: MemoryStore) {
        _ = graphs.withLock { $0.removeValue(forKey: store.path) }
    }

    /// Records what recall returned: in the graph at once, in the activation log
    /// in the background (a recall does not wait for a write).
    func reinforce(_ nodes: [UInt32], graph: GraphIndex, store: MemoryStore, at time: Timestamp) {
        guard !nodes.isEmpty else { return }
        graph.recordAccess(nodes, at: time.microseconds)
        let ids = graph.withView { view in nodes.map { view.id($0) } }
        reinforcements.async {
            try? store.write { w in
                for id in ids {
                    try w.db.execute(sql: "INSERT INTO activation(node_kind, node_id, at, event) VALUES (?, ?, ?, 'recalled')",
                                     arguments: [String(id.kind.rawValue), id.number, time.microseconds])
                }
            }
        }
    }
}
