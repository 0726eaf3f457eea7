import Foundation
import MnemoModel
import MnemoQuery

/// The `remember`s of a write batch, prepared on another thread while the
/// writer stores the ones before them.
///
/// Preparing an episode (entities, times, rules; see `SpaceIngestor.prepare`)
/// needs no store, and the name dictionary it reads changes only after the
/// batch commits, so the result is the same as preparing inline; it just
/// leaves the single writer thread sooner.
final class RememberPreparation: @unchecked Sendable {
    private let condition = NSCondition()
    private var prepared: [SpaceIngestor.Prepared?]
    private var finished: [Bool]

    /// Starts preparing every `remember` among `statements`, in order.
    init(_ statements: [Statement], ingestor: SpaceIngestor, now: Timestamp) {
        let work: [(index: Int, remember: Remember)] = statements.enumerated().compactMap { index, statement in
            if case .remember(let r) = statement { (index, r) } else { nil }
        }
        prepared = Array(repeating: nil, count: statements.count)
        finished = statements.map { if case .remember = $0 { false } else { true } }
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            for (index, remember) in work {
                let result = ingestor.prepare(remember, now: now)
                condition.lock()
                prepared[index] = result
                finished[index] = true
                condition.broadcast()
                condition.unlock()
            }
        }
    }

    /// How many statements of a batch are `remember`s.
    static func remembers(in statements: [Statement]) -> Int {
        statements.reduce(0) { count, statement in if case .remember = statement { count + 1 } else { count } }
    }

    /// The preparation of statement `index`, waiting for it if needed; `nil`
    /// for a statement that is not a `remember`.
    func take(_ index: Int) -> SpaceIngestor.Prepared? {
        condition.lock()
        defer { condition.unlock() }
        while !finished[index] { condition.wait() }
        return prepared[index]
    }
}
