import Foundation
import MnemoModel
import Testing

@Suite("Access history: the base level's accesses, folded")
struct AccessHistoryTests {
    static let day: Int64 = 86_400_000_000

    /// Σ age^−d over every access exactly, as the base level was before folding.
    func exactSum(_ times: [Int64], now: Int64, decay d: Double) -> Double {
        times.reduce(0) { $0 + pow(AccessHistory.days(now - $1), -d) }
    }

    @Test("However many accesses are added, at most foldAbove are kept exactly and segmentLimit segments folded, and every one is counted")
    func bounded() throws {
        var history = AccessHistory()
        for i in 0..<10_000 { history.append(Int64(i) * 1_000_000) }
        #expect(history.recent.count <= AccessHistory.foldAbove)
        #expect(history.recent.count >= AccessHistory.exactKept)
        #expect(history.folded.count <= AccessHistory.segmentLimit)
        #expect(history.count == 10_000)
        #expect(history.folded.first?.first == 0)
        // The newest accesses are the ones kept exactly.
        let newest: Int64 = 9_999 * 1_000_000
        #expect(history.recent.max() == newest)
        #expect(try #require(history.folded.last).last < history.recent.min()!)
    }

    /// Accesses in time order: hourly, at random over a year, and in bursts
    /// (fifty recalls in an hour, every nine days), which one segment spread
    /// over all of them would underestimate by a fifth.
    @Test(
        "The folded sum stays within 1% of the exact one: hourly, random and bursty accesses, d = 0.3, 0.5, 0.8, 1",
        arguments: [0.3, 0.5, 0.8, 1.0])
    func approximation(decay d: Double) {
        let now = 1_000 * Self.day
        var rng = SeededRandom(state: 16)
        let hourly = (0..<2_400).map { now - Int64($0) * Self.day / 24 }
        let random = (0..<3_000).map { _ in now - Int64.random(in: 0..<(365 * Self.day), using: &rng) }
        var bursts: [Int64] = []
        for burst in 0..<40 {
            let end: Int64 = now - Int64(burst) * 9 * Self.day
            for minute in 0..<50 { bursts.append(end - Int64(minute) * 60_000_000) }
        }
        for (name, times, tolerance) in [("hourly", hourly, 0.01), ("random", random, 0.01), ("bursts", bursts, 0.01)] {
            var history = AccessHistory()
            for t in times.sorted() { history.append(t) }
            #expect(!history.folded.isEmpty)
            let exact = exactSum(times, now: now, decay: d)
            let folded = history.sum(now: now, decay: d)
            #expect(abs(folded - exact) / exact < tolerance, "\(name), d \(d): exact \(exact), folded \(folded)")
        }
    }

    @Test("Without folded accesses the sum is exact, and folding in any order keeps the count and the span")
    func exactWhenShort() {
        let now = 100 * Self.day
        let times = (1...10).map { now - Int64($0) * Self.day }
        let history = AccessHistory(recent: times)
        #expect(abs(history.sum(now: now, decay: 0.5) - exactSum(times, now: now, decay: 0.5)) < 1e-12)

        var rng = SeededRandom(state: 3)
        var shuffled = AccessHistory(recent: (0..<100).map { Int64($0) * Self.day }.shuffled(using: &rng))
        shuffled.fold(keeping: 4)
        #expect(shuffled.count == 100)
        #expect(shuffled.recent.sorted() == [96, 97, 98, 99].map { $0 * Self.day })
        // 96 folded accesses in 8 segments, oldest first, end to end.
        #expect(shuffled.folded.count == AccessHistory.segmentLimit)
        #expect(shuffled.folded.first?.first == 0 && shuffled.folded.last?.last == 95 * Self.day)
        for (a, b) in zip(shuffled.folded, shuffled.folded.dropFirst()) { #expect(a.last < b.first) }
    }

    @Test("Accesses out of order and at equal times: every one counted, at most 8 segments, no two beginning together, the sum within 5%")
    func outOfOrderAndTies() {
        var rng = SeededRandom(state: 5)
        var history = AccessHistory()
        var times: [Int64] = []
        for i in 0..<5_000 {
            // Mostly now-ish, in bursts of equal times, with old ones arriving late.
            let t: Int64 = i % 7 == 0 ? Int64.random(in: 0..<(100 * Self.day), using: &rng) : 100 * Self.day + Int64(i / 10) * 60_000_000
            history.append(t)
            times.append(t)
        }
        #expect(history.count == 5_000)
        #expect(history.folded.count <= AccessHistory.segmentLimit)
        #expect(Set(history.folded.map(\.first)).count == history.folded.count)
        #expect(history.folded.map(\.first) == history.folded.map(\.first).sorted())
        let now = 101 * Self.day
        let exact = exactSum(times, now: now, decay: 0.5)
        #expect(abs(history.sum(now: now, decay: 0.5) - exact) / exact < 0.05, "\(history.sum(now: now, decay: 0.5)) \(exact)")
    }

    @Test(
        "Near d = 1 the folded sum is continuous and lies between the terms of its span's ends",
        arguments: [0.999, 0.99999, 1 - 1e-9, 1.0, 1 + 1e-9, 1.00001])
    func nearOne(decay d: Double) {
        let now = 3_000 * Self.day
        for (first, last) in [(Int64(100), Int64(1_000)), (Int64(0), Self.day), (Int64(0), 2_000 * Self.day)] {
            let segment = AccessHistory.Folded(count: 1_000, first: first, last: last)
            let sum = AccessHistory.foldedSum(segment, now: now, decay: d)
            let young = AccessHistory.days(now - last)
            let old = AccessHistory.days(now - first)
            #expect(sum <= 1_000 * pow(young, -d) * (1 + 1e-12) && sum >= 1_000 * pow(old, -d) * (1 - 1e-12), "d \(d): \(sum)")
            let atOne = AccessHistory.foldedSum(segment, now: now, decay: 1)
            #expect(abs(sum - atOne) / atOne < 1e-3 + abs(1 - d) * 20, "d \(d): \(sum) beside \(atOne) at d = 1")
        }
    }

    @Test("Folded accesses all at one time count as that many accesses then")
    func foldedAtOneTime() {
        let now = 50 * Self.day
        let sum = AccessHistory.foldedSum(AccessHistory.Folded(count: 7, first: 10 * Self.day, last: 10 * Self.day), now: now, decay: 0.5)
        #expect(abs(sum - 7 / 40.0.squareRoot()) < 1e-12)
    }
}

/// SplitMix64, so the random accesses are the same on every run.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
