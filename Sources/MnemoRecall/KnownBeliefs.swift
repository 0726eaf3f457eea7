import MnemoModel
import MnemoStore

/// What a recall `known as of K` sees in place of today's beliefs: the
/// graph holds what the memory believes now, and the store says how the
/// memory's beliefs at `K` differ (`BeliefsAt`).
///
/// - What the memory did not hold at `K` (a fact none of whose beliefs was
///   held then, anything recorded after `K`) is flagged `deleted` in the
///   recall's view: it neither seeds, nor receives, nor is answered.
/// - What it believed then and retracted since loses its `retracted` flag.
/// - A fact whose valid interval changed since `K` (a supersession, a late
///   correction) is tested for `as of` and `during` against the interval
///   believed at `K` (`intervals`), by `Scoring`.
///
/// The spread otherwise follows today's graph: its edges, fans and
/// reinforcement. So the items answered, and their valid time, are those of
/// `K`; the order among them is today's.
struct KnownBeliefs {
    /// The valid intervals believed at `K` that differ from the graph's,
    /// [from, to) in µs, by node.
    let intervals: [UInt32: (from: Int64, to: Int64)]
    /// The flags the recall's view gives nodes in place of the graph's.
    let flags: [(UInt32, GraphIndex.Flags)]

    init(_ beliefs: BeliefsAt, in view: GraphIndex.View) {
        var flags: [(UInt32, GraphIndex.Flags)] = []
        func change(_ id: NodeID, _ body: (inout GraphIndex.Flags) -> Void) {
            guard let n = view.node(id) else { return }
            var f = view.flags(n)
            body(&f)
            flags.append((n, f))
        }
        for id in beliefs.unknown { change(id) { $0.insert(.deleted) } }
        for id in beliefs.retractedSince { change(id) { $0.remove(.retracted) } }
        var intervals: [UInt32: (from: Int64, to: Int64)] = [:]
        for (fact, valid) in beliefs.earlier {
            change(NodeID(.fact, fact)) { $0.remove(.retracted) }
            if let n = view.node(NodeID(.fact, fact)) {
                intervals[n] = valid.microseconds
            }
        }
        self.flags = flags
        self.intervals = intervals
    }
}
