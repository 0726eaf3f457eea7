import NIOPosix

/// The threads statements run on off the network threads: one pool for
/// writes and one for everything else (reads, consolidation, backups).
///
/// Writes to a space take turns on its SQLite writer anyway; given threads of
/// their own, they never wait behind slow reads. With one pool, four slow
/// `match`es would hold every worker, and a `remember` to another space would
/// wait until the first of them stopped.
struct WorkerPools: Sendable {
    let reads: NIOThreadPool
    let writes: NIOThreadPool

    /// `threads` for each pool (`worker_threads`).
    init(threads: Int) {
        reads = NIOThreadPool(numberOfThreads: threads)
        writes = NIOThreadPool(numberOfThreads: threads)
    }

    func start() {
        reads.start()
        writes.start()
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
