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

    /// Accesses spread out (hourly, at random) fold into segments that are
    /// nearly even; bursts (fifty recalls in an hour, every nine days) do
    /// not, and spreading them evenly underestimates the sum, most for a
    /// high decay: within 10% of it, a base level within 0.1.
    @Test("The folded sum stays within 1% of the exact one for spread-out accesses and within 10% for bursts, d = 0.3, 0.5, 0.8, 1",
          arguments: [0.3, 0.5, 0.8, 1.0])
    func approximation(decay d: Double) {
        let now = 1_000 * Self.day
        var rng = SystemRandomNumberGenerator()
        let hourly = (0..<2_400).map { now - Int64($0) * Self.day / 24 }
        let random = (0..<3_000).map { _ in now - Int64.random(in: 0..<(365 * Self.day), using: &rng) }
        var bursts: [Int64] = []
        for burst in 0..<40 {
            let end: Int64 = now - Int64(burst) * 9 * Self.day
            for minute in 0..<50 { bursts.append(end - Int64(minute) * 60_000_000) }
        }
        for (name, times, tolerance) in [("hourly", hourly, 0.01), ("random", random, 0.01), ("bursts", bursts, 0.1)] {
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

        var shuffled = AccessHistory(recent: (0..<100).map { Int64($0) * Self.day }.shuffled())
        shuffled.fold(keeping: 4)
        #expect(shuffled.count == 100)
        #expect(shuffled.recent.sorted() == [96, 97, 98, 99].map { $0 * Self.day })
        #expect(shuffled.folded == [AccessHistory.Folded(count: 96, first: 0, last: 95 * Self.day)])
    }

    @Test("Folded accesses all at one time count as that many accesses then")
    func foldedAtOneTime() {
        let now = 50 * Self.day
        let sum = AccessHistory.foldedSum(AccessHistory.Folded(count: 7, first: 10 * Self.day, last: 10 * Self.day), now: now, decay: 0.5)
        #expect(abs(sum - 7 / 40.0.squareRoot()) < 1e-12)
    }
}
