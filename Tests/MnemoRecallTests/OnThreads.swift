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
