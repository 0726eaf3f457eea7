import HeapModule

/// The best `k` of a stream of scored items, kept without sorting them all:
/// recall ranks thousands of candidates to return ten.
/// Higher scores come first; equal scores go to the lower id.
///
/// Up to `sortedLimit` items are kept in order, best first, and a candidate
/// is put in its place by a scan from the end: for the ten results a recall
/// usually returns, nothing is faster. More are kept in a heap whose minimum
/// is the worst kept (swift-collections' `Heap`), so that a candidate costs
/// O(log k) and not O(k): with `limit 10000` over thousands of candidates,
/// moving items down an ordered array took most of a recall.
struct TopK<ID: Comparable> {
    let k: Int
    /// Best first, when `k` ≤ `sortedLimit`.
    private var ordered: [(ID, Double)] = []
    /// When `k` > `sortedLimit`.
    private var heap = Heap<Kept>()

    /// The largest `k` kept as an ordered array.
    static var sortedLimit: Int { 64 }

    /// An item kept, ordered worst first.
    private struct Kept: Comparable {
        let item: (ID, Double)
        static func < (a: Kept, b: Kept) -> Bool { TopK.before(b.item, a.item) }
        static func == (a: Kept, b: Kept) -> Bool { a.item.0 == b.item.0 && a.item.1 == b.item.1 }
    }

    init(_ k: Int) {
        self.k = k
        if k <= Self.sortedLimit { ordered.reserveCapacity(k + 1) }
    }

    private var usesHeap: Bool { k > Self.sortedLimit }

    /// The items kept, best first.
    var items: [(ID, Double)] { usesHeap ? heap.unordered.map(\.item).sorted(by: Self.before) : ordered }

    /// The score an item must beat to enter, once `k` items are kept.
    var last: Double? {
        if usesHeap { return heap.count == k ? heap.min?.item.1 : nil }
        return k > 0 && ordered.count == k ? ordered[k - 1].1 : nil
    }

    static func before(_ a: (ID, Double), _ b: (ID, Double)) -> Bool { a.1 == b.1 ? a.0 < b.0 : a.1 > b.1 }

    mutating func add(_ candidate: (ID, Double)) {
        guard k > 0 else { return }
        if usesHeap {
            if heap.count < k {
                heap.insert(Kept(item: candidate))
            } else if let worst = heap.min, Self.before(candidate, worst.item) {
                heap.replaceMin(with: Kept(item: candidate))
            }
            return
        }
        if ordered.count < k {
            ordered.append(candidate)
        } else if !Self.before(candidate, ordered[k - 1]) {
            return
        }
        // Moved down into its place, the last one falling off when full (in
        // place: `insert` went through the generic `replaceSubrange`).
        ordered.withUnsafeMutableBufferPointer { kept in
            var at = kept.count - 1
            while at > 0, Self.before(candidate, kept[at - 1]) {
                kept[at] = kept[at - 1]
                at -= 1
            }
            kept[at] = candidate
        }
    }

    /// The best `k` of `candidates`.
    static func of(_ candidates: some Sequence<(ID, Double)>, k: Int) -> [(ID, Double)] {
        var top = TopK(k)
        for candidate in candidates { top.add(candidate) }
        return top.items
    }
}
