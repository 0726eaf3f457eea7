import Dispatch
import GRDB
import Synchronization

/// The read connections of a store's network-thread reads
/// (`MemoryStore.readInline`), taken without waiting.
///
/// A network thread must never wait for a connection: the pool's readers
/// may all be held by long reads on the workers, and a network thread that
/// waited for one would hold up every other connection it serves. So these
/// connections are not the pool's. `take` hands out an idle one or answers
/// `nil` at once, and the read then runs on a worker. Nor does a network
/// thread open one (that takes longer than the budget of the read that
/// would need it): when none is idle and fewer than `limit` are open, `take`
/// has one opened in the background, for the reads after. A space whose
/// reads never run inline never opens any. One per network thread is
/// enough, since a network thread runs one read at a time.
final class InlineReaders: Sendable {
    private struct State {
        var idle: [DatabaseQueue] = []
        var opened = 0
        var opening = false
        /// An open failed (a file another process locked, no descriptor
        /// left): no more tries, every read takes the pool.
        var failed = false
        var closed = false
    }

    private let state = Mutex(State())
    let limit: Int
    private let path: String
    private let open: @Sendable () throws -> DatabaseQueue

    /// At most `limit` connections to the file at `path`, each made by `open`.
    init(limit: Int, path: String, open: @escaping @Sendable () throws -> DatabaseQueue) {
        self.limit = limit
        self.path = path
        self.open = open
    }

    /// An idle connection, or `nil` at once when none is.
    func take() -> DatabaseQueue? {
        let (reader, openOne) = state.withLock { s -> (DatabaseQueue?, Bool) in
            if let reader = s.idle.popLast() { return (reader, false) }
            guard !s.failed, !s.closed, !s.opening, s.opened < limit else { return (nil, false) }
            s.opening = true
            return (nil, true)
        }
        if openOne { DispatchQueue.global().async { self.openOne() } }
        return reader
    }

    private func openOne() {
        do {
            let reader = try open()
            let keep = state.withLock { s -> Bool in
                s.opening = false
                guard !s.closed else { return false }
                s.opened += 1
                s.idle.append(reader)
                return true
            }
            if !keep { try? reader.close() }
        } catch {
            state.withLock { s in
                s.opening = false
                s.failed = true
            }
            MemoryStore.log.warning("\(path): a connection for reads on network threads did not open, they run on workers: \(error)")
        }
    }

    /// Gives back a connection `take` handed out.
    func give(_ reader: DatabaseQueue) {
        let keep = state.withLock { s -> Bool in
            guard !s.closed else { return false }
            s.idle.append(reader)
            return true
        }
        if !keep { try? reader.close() }
    }

    /// Closes the idle connections, and any given back or opened later:
    /// before the store's own, so that the last connection to close, which
    /// folds the WAL back into the file, is the writer.
    func closeAll() {
        let idle = state.withLock { s -> [DatabaseQueue] in
            s.closed = true
            defer { s.idle = [] }
            return s.idle
        }
        for reader in idle { try? reader.close() }
    }

    /// How many connections are open, for tests.
    var openCount: Int { state.withLock { $0.opened } }
}
