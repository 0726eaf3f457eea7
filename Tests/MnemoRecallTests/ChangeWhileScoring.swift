import Foundation
import Synchronization

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
