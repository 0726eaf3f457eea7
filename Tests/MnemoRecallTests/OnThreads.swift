import Foundation
import Synchronization

/// Runs `body(k)` for k in 0..<count, each on a thread of its own started at
/// once (not a pool's, which may run them a core's worth at a time), and
/// returns when all have.
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let finished = DispatchSemaphore(value: 0)
    for k in 0..<count {
        Thread {
            body(k)
            finished.signal()
        }.start()
    }
    for _ in 0..<count { finished.wait() }
}

/// What `search` finds for each of `queries` queries when `threads` threads
/// at once each ask every one: by thread, then by query.
func searchedOnThreads<Found: Sendable>(_ threads: Int, queries: Int, _ search: @escaping @Sendable (Int) -> Found) -> [[Found]] {
    let found = Mutex<[Int: [Found]]>([:])
    onThreads(threads) { k in
        let mine = (0..<queries).map(search)
        found.withLock { $0[k] = mine }
    }
    return found.withLock { all in (0..<threads).map { all[$0]! } }
}

/// A change to make to an index from inside one of its searches, after the
/// search has taken what it reads (the index's `afterTaking`): armed, the
/// next search runs it on another thread and waits for it, for at most ten
/// seconds (a search still holding the index's lock would keep it waiting).
final class ChangeWhileScoring: Sendable {
    private let change = Mutex<(@Sendable () throws -> Void)?>(nil)
    private let outcome = Mutex<String?>(nil)

    init() {}

    /// Makes the next search run `body`.
    func arm(_ body: @escaping @Sendable () throws -> Void) { change.withLock { $0 = body } }

    /// What happened to the last change: "done", "failed: …" or "timed out".
    var result: String? { outcome.withLock { $0 } }

    /// The index's `afterTaking`.
    @Sendable func run() {
        guard
            let body = change.withLock({ c in
                defer { c = nil }
                return c
            })
        else { return }
        let finished = DispatchSemaphore(value: 0)
        Thread { [self] in
            do {
                try body()
                outcome.withLock { $0 = "done" }
            } catch {
                outcome.withLock { $0 = "failed: \(error)" }
            }
            finished.signal()
        }.start()
        if finished.wait(timeout: .now() + 10) == .timedOut { outcome.withLock { $0 = "timed out" } }
    }
}
