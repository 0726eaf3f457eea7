import Synchronization

/// What the connection threads of a run share: how many inputs were fully
/// answered so far (for the progress line), and the tallies they hand in.
final class RunProgress: Sendable {
    private let answered = Atomic<Int>(0)
    private let tallies = Mutex<Tally>(Tally())

    var inputsAnswered: Int { answered.load(ordering: .relaxed) }
    func inputAnswered() { answered.add(1, ordering: .relaxed) }

    func handIn(_ tally: Tally) { tallies.withLock { $0.merge(tally) } }
    var total: Tally { tallies.withLock { $0 } }
}
