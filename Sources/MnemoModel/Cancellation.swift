import Synchronization

/// A request to stop long work, given by someone other than the thread doing it.
///
/// The server gives each request one. Its deadline timer (`request_timeout`),
/// the connection closing, or the daemon shutting down cancels it; the work
/// asks `check()` at points where stopping leaves nothing half done — between
/// rows of a long read, between solutions of a `match`, between the steps of
/// a recall, between the groups of a consolidation pass — and SQLite asks it
/// inside a long statement through the store's progress handler. Asking is
/// one relaxed atomic load (and, for work given a budget, a look at the
/// clock), cheap enough for every row.
///
/// The first reason given wins: a request that timed out and whose client
/// then left still reports the timeout.
public final class Cancellation: Sendable {
    /// Why the work should stop.
    public enum Reason: UInt8, Sendable {
        /// The request ran longer than `request_timeout`.
        case deadline = 1
        /// The client that asked closed its connection.
        case disconnected = 2
        /// The daemon is shutting down.
        case shutdown = 3
        /// Work on a network thread ran past its budget (`init(budget:)`):
        /// it stops, and runs again on a worker.
        case overBudget = 4
    }

    private let state = Atomic<UInt8>(0)
    /// What the timeout message names (e.g. `request_timeout (30s)`).
    private let limit: String
    /// `false` for `never`: cancelling it does nothing.
    private let cancellable: Bool
    /// When work given a budget stops by itself (`overBudget`); `nil` for
    /// work that only stops when someone cancels it.
    private let deadline: ContinuousClock.Instant?

    /// - Parameter limit: the limit a deadline enforces, as its error message names it.
    public init(limit: String = "request_timeout") {
        self.limit = limit
        cancellable = true
        deadline = nil
    }

    /// Work that may run for `budget` (on a network thread, which may not be
    /// held long): past it, it is cancelled (`overBudget`) by the first
    /// check that sees the time.
    public init(budget: Duration) {
        limit = "the inline budget (\(budget))"
        cancellable = true
        deadline = .now + budget
    }

    private init(neverCancelled: ()) {
        limit = ""
        cancellable = false
        deadline = nil
    }

    /// Work nobody can stop (tests, start-up, internal maintenance).
    public static let never = Cancellation(neverCancelled: ())

    /// Asks the work to stop; the first reason given is kept.
    public func cancel(_ reason: Reason) {
        guard cancellable else { return }
        _ = state.compareExchange(expected: 0, desired: reason.rawValue, ordering: .relaxed)
    }

    /// Why the work was asked to stop, if it was.
    public var reason: Reason? { Reason(rawValue: state.load(ordering: .relaxed)) }

    public var isCancelled: Bool { state.load(ordering: .relaxed) != 0 || ranOutOfBudget() }

    /// Throws the error that ends cancelled work; returns at once otherwise.
    @inline(__always)
    public func check() throws(MnemoError) {
        if state.load(ordering: .relaxed) != 0 || ranOutOfBudget() { throw error }
    }

    /// Whether a budget was given and has run out (and if so, cancels).
    @inline(__always)
    private func ranOutOfBudget() -> Bool {
        guard let deadline else { return false }
        return pastDeadline(deadline)
    }

    private func pastDeadline(_ deadline: ContinuousClock.Instant) -> Bool {
        guard ContinuousClock.now >= deadline else { return false }
        cancel(.overBudget)
        return true
    }

    /// The error cancelled work ends with.
    public var error: MnemoError {
        switch reason {
        case .deadline?: MnemoError(.timeout, "the request ran longer than \(limit) and was stopped")
        case .disconnected?: MnemoError(.timeout, "the client closed its connection; the request was stopped")
        case .shutdown?: MnemoError(.busy, "the daemon is shutting down; the request was stopped")
        case .overBudget?: MnemoError(.timeout, "the work ran past \(limit)")
        case nil: MnemoError(.internalError, "the request was not cancelled")
        }
    }
}
