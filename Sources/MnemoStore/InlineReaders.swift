import GRDB
import Synchronization

/// The read connections of a store's network-thread reads
/// (`MemoryStore.readInline`), taken without waiting.
///
/// A network thread must never wait for a connection: the pool's readers
/// may all be held by long reads on the workers, and a network thread that
/// waited for one would hold up every other connection it serves. So these
/// connections are not the pool's. They are opened with the store (opening
/// one takes longer than the budget of the read that would need it), and
/// `take` hands out an idle one or answers `nil` at once; the read then
/// runs on a worker. One per network thread is enough, since a network
/// thread runs one read at a time.
final class InlineReaders: Sendable {
    private let idle: Mutex<[DatabaseQueue]>
    /// How many were opened.
    let count: Int

    /// Opens `count` connections with `open`. One that fails to open (a
    /// file another process locked, no descriptor left) is logged, and the
    /// reads it would have taken run on workers.
    init(count: Int, path: String, open: () throws -> DatabaseQueue) {
        var opened: [DatabaseQueue] = []
        for _ in 0..<max(0, count) {
            do {
                opened.append(try open())
            } catch {
                MemoryStore.log.warning("\(path): a connection for reads on network threads did not open, they run on workers: \(error)")
                break
            }
        }
        self.count = opened.count
        idle = Mutex(opened)
    }

    /// An idle connection, or `nil` when every one is in use.
    func take() -> DatabaseQueue? {
        idle.withLock { $0.popLast() }
    }

    /// Gives back a connection `take` handed out.
    func give(_ reader: DatabaseQueue) {
        idle.withLock { $0.append(reader) }
    }
}
