import Dispatch
import Foundation
import GRDB
import Synchronization

/// Merges the segments of the episodes' full-text index (`episode_fts`) on a
/// thread of its own, in small steps between writes, instead of inside the
/// commits that add to it.
///
/// Each commit that adds episodes writes a new segment of the index, and
/// FTS5 merges segments as it goes (its `automerge` option): every 64 leaf
/// pages written, the commit that crosses the mark also does 64 pages of
/// merging for each level of the index. At a million episodes that is one
/// `remember` in 64 taking 14–27 ms instead of 1 (docs/benchmarks.md, "Writes
/// beside long recalls"). A writable store turns `automerge` off (the setting
/// is kept in the index's own table) and, after a commit that added to the
/// index, this merger runs FTS5's `merge` command, `pagesPerStep` pages at a
/// time, each step a transaction of its own on the store's writer: a write
/// waits for one step at most. It stops when a step finds nothing to merge
/// (it changed fewer than two rows: FTS5's own test).
///
/// `merge` merges a level once it holds `usermerge` segments (FTS5's default,
/// 4), as `automerge` would have, so the index ends up as merged as before.
/// Should the steps fall behind (a bulk import, a loaded machine), FTS5's
/// crisis merge (`crisismerge`, 16 segments on one level) still merges inside
/// a commit, so that a search never reads an unbounded number of segments.
final class FullTextMerger: Sendable {
    /// Pages of merging a step writes at most: a millisecond or two.
    static let pagesPerStep = 32

    private let queue = DispatchQueue(label: "mnemo.fts-merge", qos: .utility)
    private let state = Mutex(State())

    private struct State: ~Copyable {
        /// The pool, until the store lets it go: a step does not keep a
        /// closing store open beyond the step it is in.
        weak var pool: DatabasePool?
        /// A pass is scheduled or running.
        var running = false
        /// A commit added to the index since the running pass began.
        var again = false
        var closed = false
        /// Steps that merged something, and passes run, so far.
        var steps = 0
        var passes = 0
        /// Passes wait for this (tests).
        var held: DispatchSemaphore?
        /// When a failed step was last logged.
        var warned: ContinuousClock.Instant?
    }

    /// Turns FTS5's merging inside commits off on the writer `db` (once: the
    /// setting stays in the file).
    static func takeOver(_ db: Database) throws {
        let automerge = try Int.fetchOne(db, sql: "SELECT v FROM episode_fts_config WHERE k = 'automerge'")
        if automerge != 0 { try db.execute(sql: "INSERT INTO episode_fts(episode_fts, rank) VALUES ('automerge', 0)") }
    }

    /// Starts merging for `pool`'s store: a pass now (what the file was left
    /// with), and one after each commit that adds to the index (`schedule`).
    func start(_ pool: DatabasePool) {
        state.withLock { $0.pool = pool }
        schedule()
    }

    /// Runs a pass soon, unless one is running, which then goes on until
    /// nothing is left to merge, this commit's segment included.
    func schedule() {
        let start = state.withLock { state -> Bool in
            guard !state.closed, state.pool != nil else { return false }
            if state.running {
                state.again = true
                return false
            }
            state.running = true
            return true
        }
        if start { queue.async { self.pass() } }
    }

    /// Starts no more steps (the one under way finishes on its own).
    func close() {
        state.withLock { $0.closed = true }
    }

    /// Steps that merged something so far, and passes run to their end.
    var completedSteps: Int { state.withLock { $0.steps } }
    var completedPasses: Int { state.withLock { $0.passes } }

    /// Waits until no pass is scheduled or running, for `seconds` at most;
    /// whether it is idle (tests).
    @discardableResult
    func waitUntilIdle(seconds: Double = 30) -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1_000))
        while state.withLock({ $0.running }) {
            if ContinuousClock.now >= deadline { return false }
            usleep(1_000)
        }
        return true
    }

    /// Makes passes wait until `release` is signalled (tests).
    func hold(until release: DispatchSemaphore) {
        state.withLock { $0.held = release }
    }

    private func pass() {
        if let held = state.withLock({ $0.held }) {
            held.wait()
            held.signal()
        }
        while true {
            let pool = state.withLock { state -> DatabasePool? in
                state.again = false
                return state.closed ? nil : state.pool
            }
            // A step that fails (a busy or full file) leaves the index as it was,
            // merged or not: it stays correct, and the next commit tries again.
            var merged = false
            if let pool {
                do {
                    merged = try step(pool)
                } catch {
                    // Said at most once a minute: on a full disk every pass fails.
                    let say = state.withLock { state -> Bool in
                        if let last = state.warned, ContinuousClock.now - last < .seconds(60) { return false }
                        state.warned = .now
                        return true
                    }
                    if say { MemoryStore.log.warning("\(pool.path): merging the full-text index failed (\(error)); the next write tries again") }
                }
            }
            guard merged else {
                let done = state.withLock { state -> Bool in
                    guard !state.again || state.closed || state.pool == nil else { return false }
                    state.running = false
                    state.passes += 1
                    return true
                }
                if done { return }
                continue
            }
            state.withLock { $0.steps += 1 }
        }
    }

    /// One step of merging, in a transaction of its own; whether it merged anything.
    private func step(_ pool: DatabasePool) throws -> Bool {
        try pool.writeWithoutTransaction { db in
            // A pool closed under the merger (a dry run's scratch copy) has no
            // connection left, and SQLite must not be handed none.
            guard db.sqliteConnection != nil else { return false }
            let before = db.totalChangesCount
            try db.execute(sql: "INSERT INTO episode_fts(episode_fts, rank) VALUES ('merge', \(Self.pagesPerStep))")
            return db.totalChangesCount - before >= 2
        }
    }
}
