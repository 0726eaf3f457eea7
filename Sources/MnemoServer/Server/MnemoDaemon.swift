import Foundation
import Logging
import MnemoConsolidation
import MnemoModel
import MnemoStore
import NIOCore
import NIOExtras
import NIOPosix
import ServiceLifecycle
import UnixSignals

/// The daemon as a service: it locks the data directory, listens on the Unix
/// socket, serves connections, reloads `daemon.conf` on SIGHUP, and on graceful
/// shutdown (SIGTERM, SIGINT) stops accepting, answers what it has received,
/// closes every connection and releases its files.
public final class MnemoDaemon: Service, Sendable {
    public let state: ServerState
    private let reloadConfig: @Sendable () throws -> DaemonConfig
    private let lock: DataDirectoryLock

    /// - Parameter reloadConfig: reads the configuration again (file and flags) for SIGHUP.
    public init(config: DaemonConfig, logger: Logger, reloadConfig: @escaping @Sendable () throws -> DaemonConfig) throws(MnemoError) {
        lock = try DataDirectoryLock(directory: config.dataDirectory)
        for note in DataDirectoryModes.secure(config.dataDirectory) { logger.warning("\(note)") }
        do {
            let shared = try config.postgresTarget().map { target throws(MnemoError) in try PostgresStorage(target) }
            if let shared { logger.info("spaces are shared in \(shared.target) (storage = postgresql)") }
            let files = try SpaceManager(directory: config.dataDirectory, options: config.storeOptions, shared: shared) { store in
                Self.closeAbandonedRuns(in: store, logger: logger)
            }
            state = ServerState(config: config, files: files, logger: logger)
        } catch {
            lock.release()
            throw error
        }
        self.reloadConfig = reloadConfig
        do {
            // The recall graph of the default space is built before serving.
            let space = try state.spaces.space(SpaceManager.defaultSpace, create: true)
            _ = try space.recall.graph(weights: space.settings.recall.graphWeights)
            _ = try space.recall.textIndex()
            _ = try space.recall.nodeTextIndex()
        } catch {
            // A damaged default space must not take the others down with it: the
            // daemon serves, and each request in that space answers this error.
            logger.error(
                "the default space cannot be served: \(error.code.rawValue) \(error.message); the other spaces are served (docs/operations.md: What an OK promises)"
            )
        }
    }

    /// Journals as `interrupted` the consolidation runs of a space that a
    /// daemon killed mid-run left `running` (no other process consolidates
    /// it: this one holds the data directory). A space whose journal cannot
    /// be read or written now is logged, and served as it is.
    private static func closeAbandonedRuns(in store: MemoryStore, logger: Logger) {
        // In a shared space, a run left running may be going on on another
        // daemon: only the holder of the space's lease may close it.
        var lease: PostgresLease?
        if let replica = store.replica {
            lease = try? replica.takeLease()
            guard lease != nil else { return }
        }
        defer { lease?.release() }
        do {
            for run in try Journal.closeAbandonedRuns(in: store) {
                logger.warning(
                    "\(store.path): consolidation run \(run) was left running by a daemon that stopped; journaled as interrupted (its committed passes can be undone: undo consolidation \(run))"
                )
            }
        } catch {
            logger.warning("\(store.path): could not close consolidation runs left running: \(error.code.rawValue) \(error.message)")
        }
    }

    public func run() async throws {
        let config = state.config
        let logger = state.logger
        let path = config.socketPath
        defer { lock.release() }
        // The process-wide event loops (one per core), never shut down before exit.
        let group = MultiThreadedEventLoopGroup.singleton
        // First, so that an address that cannot be bound stops start-up before
        // anything else is made (a ConfigError: mnemod exits as for a bad value).
        var metricsChannel: (any Channel)? = nil
        if let address = config.metricsListen, let metrics = state.metrics {
            metricsChannel = try await MetricsServer.listen(on: address, state: state, metrics: metrics, group: group)
            logger.info("serving metrics on http://\(address.text)/metrics")
        }
        defer { metricsChannel?.close(promise: nil) }
        let socketMode = mode_t(config.socketMode)
        if try SocketFile.prepare(path, mode: socketMode) { logger.notice("removed a stale socket file at \(path)") }
        // Bound and given its mode before it listens: never reachable under another mode.
        let listening = try SocketFile.bind(path, mode: socketMode)

        let pools = WorkerPools(threads: config.workerThreads)
        pools.start()
        let quiesce = ServerQuiescingHelper(group: group)
        let state = self.state

        let channel: Channel
        do {
            channel = try await ServerBootstrap(group: group)
                .serverChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(quiesce.makeServerChannelHandler(channel: channel))
                    }
                }
                // A client that shuts its sending side still gets every answer
                // (ConnectionHandler closes once they are written).
                .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
                // One read per readiness event: a client waiting for its answer
                // sent everything there is, and a second read would only find
                // nothing (a wasted system call per request). Pipelined requests
                // still arrive many per read.
                .childChannelOption(ChannelOptions.maxMessagesPerRead, value: 1)
                .childChannelInitializer { channel in
                    Self.initialize(channel, state: state, pools: pools)
                }
                .withBoundSocket(listening)
                .get()
        } catch {
            unlink(path)
            try? await pools.shutdownGracefully() // no request ever ran on them
            throw MnemoError(.internalError, "cannot listen on \(path): \(error)")
        }
        // The bootstrap listened with its default backlog; room for bursts of connects.
        _ = listen(listening, Self.backlog)
        if let note = SocketFile.reachabilityNote(path, mode: socketMode) { logger.notice("\(note)") }
        logger.info("mnemod \(getpid()) listening on \(path) (mode \(String(config.socketMode, radix: 8))), data in \(config.dataDirectory)")

        let shutdown = group.next().makePromise(of: Void.self)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { [self] in
                for await _ in await UnixSignalsSequence(trapping: .sighup) { self.reload() }
            }
            tasks.addTask { await ConsolidationSchedule(state: state).run() }
            try await withGracefulShutdownHandler {
                try await channel.closeFuture.get()
            } onGracefulShutdown: {
                logger.info("shutting down: no new connections; finishing requests in flight")
                // A consolidation run stops at its next pass (journaled as interrupted).
                state.spaces.settings.stopRuns()
                quiesce.initiateShutdown(promise: shutdown)
            }
            tasks.cancelAll()
        }
        do { try await shutdown.futureResult.get() } catch { logger.warning("closing connections at shutdown: \(error)") }
        do { try await pools.shutdownGracefully() } catch { logger.warning("stopping worker threads at shutdown: \(error)") }
        unlink(path)
        logger.info("stopped")
    }

    /// Connections waiting to be accepted before the kernel refuses more.
    static let backlog: Int32 = 256

    /// Builds a connection's pipeline, or a rejection if it may not be served.
    /// The peer's groups are looked up on a thread pool (NSS may block); the
    /// connection is served once its pipeline is complete.
    private static func initialize(_ channel: Channel, state: ServerState, pools: WorkerPools) -> EventLoopFuture<Void> {
        channel.peer(lookingUpGroupsOn: .singleton).flatMapThrowing { lookedUp in
            let (peer, failure) = lookedUp
            if let failure {
                state.logger.warning("cannot look up the groups of \(peer) (\(failure)): only its primary group counts")
            }
            let config = state.config
            let sync = channel.pipeline.syncOperations
            if !config.access.mayConnect(peer) {
                state.rejectedConnections.add(1, ordering: .relaxed)
                state.logger.warning("denied connection from \(peer): not in 'allow'")
                try sync.addHandler(RejectHandler(MnemoError(.denied, "uid \(peer.uid) may not connect to this daemon")))
                return
            }
            let open = state.openConnections.add(1, ordering: .relaxed).newValue
            if open > config.maxClients {
                state.openConnections.subtract(1, ordering: .relaxed)
                state.rejectedConnections.add(1, ordering: .relaxed)
                state.logger.warning("refused connection from \(peer): max_clients (\(config.maxClients)) reached")
                try sync.addHandler(RejectHandler(MnemoError(.busy, "too many clients (max_clients = \(config.maxClients)); try again later")))
                return
            }
            state.totalConnections.add(1, ordering: .relaxed)
            // Past max_pending_output of unsent answers the channel is not
            // writable, and the connection waits for its client (backpressure).
            try channel.syncOptions?.setOption(
                ChannelOptions.writeBufferWaterMark,
                value: .init(low: config.maxPendingOutput / 2, high: config.maxPendingOutput))
            try sync.addHandler(ConnectionRegistration(state: state, peer: peer))
            if config.idleTimeout > .zero {
                try sync.addHandler(IdleStateHandler(readTimeout: TimeAmount(config.idleTimeout)))
            }
            try sync.addHandler(ByteToMessageHandler(RequestFrameDecoder(maxLine: { state.config.maxLine })))
            try sync.addHandler(ConnectionHandler(session: Session(peer: peer), state: state, pools: pools))
        }
    }

    /// Re-reads the configuration; keeps the old one if the new one is bad.
    func reload() {
        let logger = state.logger
        do {
            let new = try reloadConfig()
            let ignored = state.replace(with: new)
            logger.info("reloaded configuration: limits and access rules in force")
            for peer in state.closeRevokedConnections() {
                logger.warning("closing connection from \(peer): no longer in 'allow'")
            }
            if !ignored.isEmpty {
                logger.warning("changed keys that need a restart were not applied: \(ignored.joined(separator: ", "))")
            }
        } catch {
            logger.error("reload failed, keeping the running configuration: \(error)")
        }
    }
}
