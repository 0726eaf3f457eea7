import Foundation
import Logging
import MnemoEngine
import MnemoQuery
import MnemoRecall
import MnemoRegex
import MnemoStore
import Synchronization

/// What every connection of one daemon shares: the configuration in force
/// (replaced on SIGHUP), the spaces, counters and statistics.
public final class ServerState: Sendable {
    private let configuration: Mutex<DaemonConfig>
    private let currentLogger: Mutex<Logger>
    /// The open spaces, each with what the daemon keeps of it in memory.
    public let spaces: SpaceRegistry
    public let statistics: Statistics
    /// What the metrics endpoint serves; `nil` unless `metrics_listen` is set.
    public let metrics: DaemonMetrics?
    public let startedAt = Date()
    /// Connections open now, and since start.
    public let openConnections = Atomic<Int>(0)
    public let totalConnections = Atomic<Int>(0)
    public let rejectedConnections = Atomic<Int>(0)
    /// Reads answered on a network thread within `inline_read_budget`, and
    /// reads that ran past it (or found no connection free) and moved to a worker.
    public let inlineReads = Atomic<Int>(0)
    public let readsMovedToWorker = Atomic<Int>(0)
    /// Recalls that ran past `recall_inline_budget` on a network thread and
    /// moved to a worker (ranked again, or answered from the same ranking).
    public let recallsOverInlineBudget = Atomic<Int>(0)
    /// The connections being served, with their peers.
    public let connections = ConnectionRegistry()

    /// - Parameter files: the space files of the data directory.
    public init(config: DaemonConfig, files: SpaceManager, logger: Logger) {
        configuration = Mutex(config)
        currentLogger = Mutex(logger)
        metrics = config.metricsListen == nil ? nil : DaemonMetrics()
        statistics = Statistics(registry: metrics?.registry)
        let settings = SpaceSettings(
            ingest: config.ingestSettings, recall: config.recall,
            consolidation: config.consolidationSettings)
        spaces = SpaceRegistry(files: files, settings: settings)
        RegexLimits.current = config.regexLimits
        settings.onWarning { [weak self] message in self?.logger.warning("\(message)") }
    }

    public var config: DaemonConfig { configuration.withLock { $0 } }
    public var logger: Logger { currentLogger.withLock { $0 } }

    /// Installs a reloaded configuration; returns the keys whose change needs a restart.
    @discardableResult
    public func replace(with new: DaemonConfig) -> [String] {
        let old = config
        let (applied, ignored) = new.reloaded(over: old)
        configuration.withLock { $0 = applied }
        if new.maxSpaceSize != old.maxSpaceSize {
            for (space, error) in spaces.files.limitSize(to: new.maxSpaceSize) {
                logger.error("max_space_size could not be applied to space \(space): \(error.code.rawValue) \(error.message)")
            }
        }
        spaces.replace(ingest: applied.ingestSettings, recall: applied.recall, consolidation: applied.consolidationSettings)
        RegexLimits.current = applied.regexLimits
        currentLogger.withLock { $0.logLevel = applied.logLevel }
        return ignored
    }

    /// Closes every connection whose peer the rules in force no longer let
    /// connect, each after an `ERR DENIED` line (on its own event loop); the
    /// peers, for the log. A connection that keeps its place but lost or gained
    /// read or write rights needs nothing: every statement is checked against
    /// the rules in force when it runs.
    @discardableResult
    public func closeRevokedConnections() -> [Peer] {
        let revoked = connections.revoke(under: config.access)
        for (channel, peer) in revoked {
            channel.pipeline.fireUserInboundEventTriggered(ConnectionRegistration.Revoked(error: ConnectionRegistration.revokedError(peer)))
        }
        return revoked.map(\.peer)
    }
}
