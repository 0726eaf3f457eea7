import Foundation

/// When one node was mentioned or recalled, as ACT-R's base-level activation
/// `B = ln Σ age^−d` needs it, in bounded space.
///
/// Every recall adds an access to each node it returns, so a node's exact
/// history grows without end, and every base level computed from it costs one
/// term per access. A history keeps its most recent accesses exactly
/// (`recent`) and folds older ones into a few segments (`folded`), each a
/// count and the span its accesses fell in, entering the sum as if spread
/// evenly over that span: Petrov's hybrid approximation of the base-level
/// equation ("A computationally efficient approximation of the base-level
/// learning equation in ACT-R", 2006), which folds into one such segment.
/// One segment misjudges bursts: a burst of recalls today folded together
/// with a year of older ones counts as if spread over the year. So a history
/// keeps up to `segmentLimit` segments: a fold adds each access it folds as a
/// segment of its own, oldest first, and past the limit the two adjacent
/// segments whose merged span is smallest beside their age are merged, where
/// spreading changes the sum least. A late access from long ago so never
/// stretches a segment of today's accesses over the months between.
///
/// The store's activation log (`activation`, `activation_folded`) and the
/// recall graph fold alike: past `foldAbove` exact accesses, all but the newest
/// `exactKept` are folded (the store when it writes a node's log, the graph
/// as accesses come).
public struct AccessHistory: Sendable, Equatable {
    /// Accesses a fold keeps exactly.
    public static let exactKept = 16
    /// Exact accesses a history may hold before it is folded.
    public static let foldAbove = 2 * exactKept
    /// Folded segments a history keeps at most.
    public static let segmentLimit = 8

    /// Accesses folded into a count: how many, and the oldest and newest of
    /// them (µs).
    public struct Folded: Sendable, Equatable {
        public var count: Int
        public var first: Int64
        public var last: Int64

        public init(count: Int, first: Int64, last: Int64) {
            self.count = count
            self.first = min(first, last)
            self.last = max(first, last)
        }

        /// These accesses together with `other`.
        public func merged(with other: Folded) -> Folded {
            Folded(count: count + other.count, first: min(first, other.first), last: max(last, other.last))
        }
    }

    /// The accesses kept exactly (µs), in no particular order.
    public private(set) var recent: [Int64]
    /// The older accesses, folded: at most `segmentLimit` segments, oldest
    /// first, no two beginning at the same time.
    public private(set) var folded: [Folded]

    public init(recent: [Int64] = [], folded: [Folded] = []) {
        self.recent = recent
        self.folded = []
        for segment in folded { addFolded(segment) }
    }

    /// Every access the history stands for, folded ones included.
    public var count: Int { recent.count + folded.reduce(0) { $0 + $1.count } }

    /// Adds an access; past `foldAbove` exact accesses, folds all but the
    /// newest `exactKept`.
    public mutating func append(_ time: Int64) {
        recent.append(time)
        if recent.count > Self.foldAbove { fold(keeping: Self.exactKept) }
    }

    /// Adds accesses folded elsewhere (a row of `activation_folded`), merging
    /// segments past `segmentLimit`.
    public mutating func addFolded(_ segment: Folded) {
        if let same = folded.firstIndex(where: { $0.first == segment.first }) {
            folded[same] = folded[same].merged(with: segment)
        } else {
            folded.insert(segment, at: folded.firstIndex { $0.first > segment.first } ?? folded.endIndex)
        }
        while folded.count > Self.segmentLimit { mergeClosestSegments() }
    }

    /// Folds all exact accesses but the newest `k`, oldest first, each
    /// added as a segment of its own (`addFolded` merges them).
    public mutating func fold(keeping k: Int) {
        guard recent.count > k else { return }
        recent.sort()
        let older = Array(recent[..<(recent.count - k)])
        recent.removeFirst(older.count)
        for t in older { addFolded(Folded(count: 1, first: t, last: t)) }
    }

    /// Merges the two adjacent segments whose merged span is smallest beside
    /// the age of its newer end (ages from the newest access the history
    /// holds, at least an hour).
    private mutating func mergeClosestSegments() {
        let newest = Double(max(recent.max() ?? .min, folded.map(\.last).max() ?? .min))
        var best = 0
        var bestCost = Double.infinity
        for i in 0..<(folded.count - 1) {
            let end = Double(max(folded[i + 1].last, folded[i].last))
            let cost = (end - Double(folded[i].first)) / max(newest - end, 3_600_000_000)
            if cost < bestCost {
                bestCost = cost
                best = i
            }
        }
        folded[best] = folded[best].merged(with: folded[best + 1])
        folded.remove(at: best + 1)
    }

    /// Σ age^−d over the accesses (ages in days, at least an hour), folded
    /// ones approximated as spread evenly over their segment.
    @inlinable
    public func sum(now: Int64, decay d: Double) -> Double {
        var total = 0.0
        for t in recent { total += Self.term(age: Self.days(now - t), decay: d) }
        for segment in folded { total += Self.foldedSum(segment, now: now, decay: d) }
        return total
    }

    /// An age in days, at least an hour (a memory is not infinitely fresh).
    @inlinable
    public static func days(_ microseconds: Int64) -> Double {
        max(Double(microseconds) / 86_400_000_000, 1.0 / 24)
    }

    /// One access's term, age^−d (with the usual d = 0.5 a square root: recall
    /// computes this for every candidate, and `pow` costs several times more).
    @inlinable
    public static func term(age: Double, decay d: Double) -> Double {
        d == 0.5 ? 1 / age.squareRoot() : pow(age, -d)
    }

    /// `count` accesses spread evenly over ages [young, old]: count times the
    /// mean of age^−d over that span,
    /// `count · (old^(1−d) − young^(1−d)) / ((1−d)(old − young))`, computed as
    /// `count · young^−d · expm1((1−d)·L) / ((1−d)·x)` with `x = old/young − 1`
    /// and `L = log1p(x)`, which stays exact as d nears 1 (where the plain
    /// form subtracts two nearly equal powers), and kept between the terms
    /// of the span's two ends, as a mean must be.
    @inlinable
    public static func foldedSum(_ folded: Folded, now: Int64, decay d: Double) -> Double {
        let young = days(now - folded.last)
        let old = days(now - folded.first)
        let n = Double(folded.count)
        guard old - young > 1e-9 else { return n * term(age: young, decay: d) }
        if d == 0.5 { return n * 2 / (old.squareRoot() + young.squareRoot()) }
        let x = (old - young) / young
        let logRatio = log1p(x)
        let e = 1 - d
        let mean = abs(e * logRatio) < 1e-12 ? logRatio / x : expm1(e * logRatio) / (e * x)
        let highest = term(age: young, decay: d)
        let lowest = term(age: old, decay: d)
        return n * min(max(highest * mean, lowest), highest)
    }
}
