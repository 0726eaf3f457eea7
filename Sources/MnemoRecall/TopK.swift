/// The best `k` of a stream of scored items, kept best first without sorting
/// them all: recall ranks thousands of candidates to return ten.
/// Higher scores come first; equal scores go to the lower id.
struct TopK<ID: Comparable> {
    let k: Int
    private(set) var items: [(ID, Double)] = []

    init(_ k: Int) {
        self.k = k
        items.reserveCapacity(k + 1)
    }

    /// The score an item must beat to enter, once `k` items are kept.
    var last: Double? { items.count == k ? items.last?.1 : nil }

    static func before(_ a: (ID, Double), _ b: (ID, Double)) -> Bool { a.1 == b.1 ? a.0 < b.0 : a.1 > b.1 }

    mutating func add(_ candidate: (ID, Double)) {
        guard k > 0 else { return }
        if items.count == k, !Self.before(candidate, items[k - 1]) { return }
        var at = items.count
        while at > 0, Self.before(candidate, items[at - 1]) { at -= 1 }
        items.insert(candidate, at: at)
        if items.count > k { items.removeLast() }
    }

    /// The best `k` of `candidates`.
    static func of(_ candidates: some Sequence<(ID, Double)>, k: Int) -> [(ID, Double)] {
        var top = TopK(k)
        for candidate in candidates { top.add(candidate) }
        return top.items
    }
}
