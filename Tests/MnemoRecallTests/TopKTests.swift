import MnemoModel
import Testing

@testable import MnemoRecall

/// `TopK` keeps exactly what sorting every candidate and taking the first k
/// would, ties to the lower id, whether it keeps an ordered array (small k)
/// or a heap (large k); `last` is the k-th score once k are kept.
@Suite("the best k of a stream")
struct TopKTests {
    @Test(
        "the first k of all the candidates sorted, with ties, at every k around the switch to a heap",
        arguments: [0, 1, 5, TopK<UInt32>.sortedLimit, TopK<UInt32>.sortedLimit + 1, 500, 3000])
    func sameAsSorting(k: Int) {
        var generator = SeededGenerator(state: UInt64(k) + 7)
        for round in 0..<20 {
            let count = Int((generator.next() >> 33) % 4000)
            // Few distinct scores, so that many tie and the id decides.
            let candidates = (0..<count).map { i in (UInt32(i), Double((generator.next() >> 33) % UInt64(round % 2 == 0 ? 50 : 100_000))) }
                .shuffled(using: &generator)
            var top = TopK<UInt32>(k)
            var lastSeen: [Double?] = []
            for candidate in candidates {
                top.add(candidate)
                lastSeen.append(top.last)
            }
            let sorted = candidates.sorted(by: TopK<UInt32>.before)
            let expected = Array(sorted.prefix(k))
            #expect(top.items.map(\.0) == expected.map(\.0))
            #expect(top.items.map(\.1) == expected.map(\.1))
            #expect(top.last == (count >= k && k > 0 ? expected.last?.1 : nil))
            // Once k are kept the bar only rises.
            let bars = lastSeen.compactMap { $0 }
            #expect(zip(bars, bars.dropFirst()).allSatisfy { $0 <= $1 })
        }
    }
}
