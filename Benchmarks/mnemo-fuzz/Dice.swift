import BenchmarkSupport

/// The fuzzer's source of choices: a seeded SplitMix64, so a seed names one
/// sequence of inputs, on any machine.
struct Dice: RandomNumberGenerator {
    private var rng: SplitMix64

    init(seed: UInt64) { rng = SplitMix64(state: seed) }

    /// A number in `0..<n`.
    mutating func below(_ n: Int) -> Int { rng.next(n) }

    /// A number in `range`.
    mutating func within(_ range: ClosedRange<Int>) -> Int { range.lowerBound + below(range.count) }

    /// True one time in `n`.
    mutating func oneIn(_ n: Int) -> Bool { below(n) == 0 }

    /// True with probability `percent` / 100.
    mutating func percent(_ percent: Int) -> Bool { below(100) < percent }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// An index into `weights`, each chosen in proportion to its weight.
    mutating func weighted(_ weights: [Int]) -> Int {
        var roll = below(weights.reduce(0, +))
        for (i, w) in weights.enumerated() {
            if roll < w { return i }
            roll -= w
        }
        return weights.count - 1
    }

    mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: rng.next()) }

    mutating func next() -> UInt64 { rng.next() }
}
