import Synchronization

/// Per-node working memory of one recall, kept for the next one.
///
/// Plain buffers rather than Swift arrays: recall writes them once per edge it
/// follows, and arrays captured by the spreading loops paid a uniqueness and an
/// exclusivity check on every write (a third of a LoCoMo recall). A recall owns
/// its scratch alone (`ScratchPool.take`) and resets what it touched before
/// giving it back, so every entry is at its default between recalls.
final class RecallScratch: @unchecked Sendable {
    private(set) var capacity = 0
    /// Activation gathered so far.
    private(set) var activation = UnsafeMutablePointer<Double>.allocate(capacity: 0)
    /// Activation arriving in the current hop.
    private(set) var incoming = UnsafeMutablePointer<Double>.allocate(capacity: 0)
    /// The node that first sent activation to this one (`.max`: none).
    private(set) var parent = UnsafeMutablePointer<UInt32>.allocate(capacity: 0)
    /// 0 not a seed, 1 text, 2 entity, 3 about.
    private(set) var seed = UnsafeMutablePointer<UInt8>.allocate(capacity: 0)
    /// Whether the node is a neighbour of an entity the query names.
    private(set) var linked = UnsafeMutablePointer<Bool>.allocate(capacity: 0)
    /// Nodes whose entries are not at their defaults, to reset them afterwards.
    var touched: [UInt32] = []
    var linkedNodes: [UInt32] = []

    /// Makes room for `count` nodes, every new entry at its default.
    func ensure(_ count: Int) {
        guard capacity < count else { return }
        let grown = max(count, capacity * 2)
        func regrow<T>(_ old: UnsafeMutablePointer<T>, _ initial: T) -> UnsafeMutablePointer<T> {
            let new = UnsafeMutablePointer<T>.allocate(capacity: grown)
            new.initialize(repeating: initial, count: grown)   // all old entries are at their defaults too
            old.deallocate()
            return new
        }
        activation = regrow(activation, 0)
        incoming = regrow(incoming, 0)
        parent = regrow(parent, .max)
        seed = regrow(seed, 0)
        linked = regrow(linked, false)
        capacity = grown
    }

    /// Puts every entry a recall changed back to its default.
    func reset() {
        for n in touched {
            let i = Int(n)
            activation[i] = 0; incoming[i] = 0; parent[i] = .max; seed[i] = 0
        }
        for n in linkedNodes { linked[Int(n)] = false }
        touched.removeAll(keepingCapacity: true)
        linkedNodes.removeAll(keepingCapacity: true)
    }

    deinit {
        activation.deallocate(); incoming.deallocate(); parent.deallocate(); seed.deallocate(); linked.deallocate()
    }
}

/// Scratch for concurrent recalls: each recall takes one and gives it back
/// clean, so a recall costs what it touches, not the size of the graph.
public final class ScratchPool: Sendable {
    private let free = Mutex<[RecallScratch]>([])
    public init() {}

    func take(count: Int) -> RecallScratch {
        let scratch = free.withLock { $0.popLast() } ?? RecallScratch()
        scratch.ensure(count)
        return scratch
    }

    func give(_ scratch: RecallScratch) {
        scratch.reset()
        free.withLock { $0.append(scratch) }
    }
}
