/// The atoms of a `match` not planned yet, best first: the highest score,
/// then the lowest position in the statement. A binary heap with lazy
/// updates: raising an atom's score pushes it again, and `pop` skips entries
/// whose score is stale or whose atom was already taken. Planning n atoms
/// costs O((n + occurrences) log n) instead of a scan of every atom per step.
struct PlanQueue {
    private var heap: [(score: Int, atom: Int)] = []
    private(set) var score: [Int]
    private var taken: [Bool]

    init(scores: [Int]) {
        score = scores
        taken = [Bool](repeating: false, count: scores.count)
        for (atom, s) in scores.enumerated() { push((s, atom)) }
    }

    /// Adds `amount` to an atom's score (if it is still waiting).
    mutating func raise(_ atom: Int, by amount: Int) {
        guard !taken[atom] else { return }
        score[atom] += amount
        push((score[atom], atom))
    }

    /// The best atom waiting, taken out of the queue; nil when none is left.
    mutating func pop() -> Int? {
        while let top = heap.first {
            let last = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                siftDown(0)
            }
            if !taken[top.atom] && top.score == score[top.atom] {
                taken[top.atom] = true
                return top.atom
            }
        }
        return nil
    }

    private static func before(_ a: (score: Int, atom: Int), _ b: (score: Int, atom: Int)) -> Bool {
        a.score != b.score ? a.score > b.score : a.atom < b.atom
    }

    private mutating func push(_ entry: (score: Int, atom: Int)) {
        heap.append(entry)
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard Self.before(heap[i], heap[parent]) else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        while true {
            let left = 2 * i + 1
            let right = left + 1
            var best = i
            if left < heap.count && Self.before(heap[left], heap[best]) { best = left }
            if right < heap.count && Self.before(heap[right], heap[best]) { best = right }
            guard best != i else { return }
            heap.swapAt(i, best)
            i = best
        }
    }
}
