import BenchmarkSupport

/// What the benchmark writes and asks: fact `i` is
/// `item(i: i, owner: pN, about: pM, note: "three made-up words")`, its
/// people and words drawn from a generator seeded by `i`, so that any fact
/// can be written again without the ones before it; a one-row `match`
/// binds `i`; a recall asks three words of the notes.
struct FactWorkload {
    /// People the facts name: `p0` to `p<people-1>`.
    var people = 2_000
    var vocabulary = Vocabulary.spelled(3_000)

    /// The `assert` of fact `i`.
    func assertion(_ i: Int) -> String {
        var rng = SplitMix64(state: UInt64(i) &* 0x9E37_79B9 &+ 1)
        return "assert item(i: \(i), owner: p\(rng.next(people)), about: p\(rng.next(people)), note: \"\(vocabulary.phrase(3, &rng))\")"
    }

    /// A `match` of one row: the owner of fact `i`.
    func oneRowMatch(_ i: Int) -> String { "match item(i: \(i), owner: ?o)" }

    /// A recall of three words of the vocabulary.
    func recall(_ rng: inout SplitMix64) -> String { "recall \"\(vocabulary.phrase(3, &rng))\" limit 10" }
}
