import Synchronization

/// Per-node working memory of one recall, kept for the next one.
///
/// Plain buffers rather than Swift arrays: recall writes them once per edge it
/// follows, and arrays captured by the spreading loops paid a uniqueness and an
/// exclusivity check on every write (a third of a LoCoMo recall). A recall owns
/// its scratch alone (`ScratchPool.take`) and resets what it touched before
/// giving it back, so every entry is at its default between recalls.
final class RecallScratch: @unchecked Sendable {
    /// What a recall knows of one node. The fields sit together so that
    /// reaching a node costs one cache line, not one per field.
    struct Entry {
        /// Activation gathered so far.
        var activation: Double = 0
        /// Activation arriving in the current hop.
        var incoming: Double = 0
        /// Whether the node is a neighbour of an entity the query names.
        var linked = false
    }

    private(set) var capacity = 0
    private(set) var entries = UnsafeMutablePointer<Entry>.allocate(capacity: 0)
    /// Nodes whose entries are not at their defaults, to reset them afterwards.
    var touched: [UInt32] = []
    var linkedNodes: [UInt32] = []

    /// Makes room for `count` nodes, every new entry at its default.
    func ensure(_ count: Int) {
        guard capacity < count else { return }
        let grown = max(count, capacity * 2)
        let new = UnsafeMutablePointer<Entry>.allocate(capacity: grown)
        new.initialize(repeating: Entry(), count: grown) // all old entries are at their defaults too
        entries.deallocate()
        entries = new
        capacity = grown
    }

    /// Puts every entry a recall changed back to its default.
    func reset() {
        for n in touched { entries[Int(n)] = Entry() }
        for n in linkedNodes { entries[Int(n)].linked = false }
        touched.removeAll(keepingCapacity: true)
        linkedNodes.removeAll(keepingCapacity: true)
    }

    deinit { entries.deallocate() }
}

/// Scratch for concurrent recalls: each recall takes one and gives it back
/// clean, so a recall costs what it touches, not the size of the graph.
/// Recalls of one space run at once, each with scratch of a few bytes per
/// node of its graph (tens of MB at 1M facts): at most `kept` wait for the
/// next recalls, and the others are freed as they are given back.
public final class ScratchPool: Sendable {
    private let free = Mutex<[RecallScratch]>([])
    public init() {}

    /// How many scratches are kept for the next recalls.
    static let kept = 4

    func take(count: Int) -> RecallScratch {
        let scratch = free.withLock { $0.popLast() } ?? RecallScratch()
        scratch.ensure(count)
        return scratch
    }

    /// Whether every scratch kept is as new: no activation, nothing
    /// incoming, nothing linked (what a recall stopped anywhere must leave).
    package var keptAreClean: Bool {
        free.withLock { kept in
            kept.allSatisfy { scratch in
                scratch.touched.isEmpty && scratch.linkedNodes.isEmpty
                    && (0..<scratch.capacity).allSatisfy { i in
                        let entry = scratch.entries[i]
                        return entry.activation == 0 && entry.incoming == 0 && !entry.linked
                    }
            }
        }
    }

    func give(_ scratch: RecallScratch) {
        scratch.reset()
        free.withLock { if $0.count < Self.kept { $0.append(scratch) } }
    }
}
