import DequeModule
import NIOCore
import NIOPosix
import Synchronization

/// The threads statements run on off the network threads: one pool for
/// writes and one for everything else (reads, consolidation, backups).
///
/// Writes to a space take turns on its SQLite writer anyway; given threads of
/// their own, they never wait behind slow reads. With one pool, four slow
/// `match`es would hold every worker, and a `remember` to another space would
/// wait until the first of them stopped.
///
/// And a write pool thread never waits for a space's writer: at most one
/// batch per space is on the pool at a time, the others wait their turn in
/// that space's queue (`SpaceQueues`), holding no thread. Writes piling up on
/// a space whose writer is busy (a long `forget`, a consolidation pass) leave
/// the other spaces' writes every thread.
struct WorkerPools: Sendable {
    let reads: NIOThreadPool
    let writes: NIOThreadPool
    private let queues = SpaceQueues()

    /// `threads` for each pool (`worker_threads`).
    init(threads: Int) {
        reads = NIOThreadPool(numberOfThreads: threads)
        writes = NIOThreadPool(numberOfThreads: threads)
    }

    func start() {
        reads.start()
        writes.start()
    }

    /// Runs a batch of writes to `space` on the write pool after the batches
    /// for that space submitted before it; fails if the pool has stopped.
    func runWrite<T: Sendable>(space: String, eventLoop: EventLoop, _ body: @escaping @Sendable () -> T) -> EventLoopFuture<T> {
        let promise = eventLoop.makePromise(of: T.self)
        let pool = writes
        let queues = self.queues
        queues.submit(space) { next in
            pool.submit { state in
                if state == .active {
                    promise.succeed(body())
                } else {
                    promise.fail(NIOThreadPoolError.ThreadPoolInactive())
                }
                next()
            }
        }
        return promise.futureResult
    }

    /// Stops both pools once their work is done; throws the first failure
    /// after trying both.
    func shutdownGracefully() async throws {
        var failure: Error?
        do { try await reads.shutdownGracefully() } catch { failure = error }
        do { try await writes.shutdownGracefully() } catch { failure = failure ?? error }
        if let failure { throw failure }
    }
}

/// One FIFO of jobs per space, at most one job of a space started at a time.
/// A job is given `next`, which it calls when it is done: that starts the
/// space's next job.
final class SpaceQueues: Sendable {
    typealias Job = @Sendable (_ next: @escaping @Sendable () -> Void) -> Void
    /// The spaces with a job started, and what waits behind it.
    private let waiting = Mutex<[String: Deque<Job>]>([:])

    func submit(_ space: String, _ job: @escaping Job) {
        let startNow = waiting.withLock { all -> Bool in
            if all[space] != nil {
                all[space]!.append(job)
                return false
            }
            all[space] = []
            return true
        }
        if startNow { start(space, job) }
    }

    private func start(_ space: String, _ job: Job) {
        job { [self] in
            let next = waiting.withLock { all -> Job? in
                guard let first = all[space]?.popFirst() else {
                    all[space] = nil
                    return nil
                }
                return first
            }
            if let next { start(space, next) }
        }
    }
}
