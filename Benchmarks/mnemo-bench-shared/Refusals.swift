import Synchronization

/// Answers that were errors, or not the rows expected, during the measures:
/// counted, and the first few kept to print. Shared by the measuring threads.
final class Refusals: Sendable {
    private let state = Mutex<(count: Int, first: [String])>((0, []))

    func record(_ what: String) {
        state.withLock {
            $0.count += 1
            if $0.first.count < 5 { $0.first.append(what) }
        }
    }

    var count: Int { state.withLock { $0.count } }

    /// "none", or the count and the first few.
    var summary: String {
        state.withLock { s in s.count == 0 ? "none" : "\(s.count), first: " + s.first.joined(separator: "; ") }
    }
}
