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
    public let spaces: SpaceManager
    public let statistics = Statistics()
    /// Compiled `where ~ /regex/` patterns, shared by all connections.
    public let regexes = Parser.regexes
    /// Per-space ingestion state (name dictionaries, scene segmentation).
    public let ingest: IngestRegistry
    /// Per-space recall graphs.
    public let graphs: GraphRegistry
    /// Consolidation settings and the runs in progress.
    public let consolidation: ConsolidationRegistry
    public let startedAt = Date()
    /// Connections open now, and since start.
    public let openConnections = Atomic<Int>(0)
    public let totalConnections = Atomic<Int>(0)
    public let rejectedConnections = Atomic<Int>(0)
    /// The connections being served, with their peers.
    public let connections = ConnectionRegistry()

    public init(config: DaemonConfig, spaces: SpaceManager, logger: Logger) {
        configuration = Mutex(config)
        currentLogger = Mutex(logger)
        ingest = IngestRegistry(settings: config.ingestSettings)
        graphs = GraphRegistry(settings: config.recall)
        consolidation = ConsolidationRegistry(settings: config.consolidationSettings)
        self.spaces = spaces
        RegexLimits.current = config.regexLimits
        consolidation.onWarning { [weak self] message in self?.logger.warning("\(message)") }
        graphs.onWarning { [weak self] message in self?.logger.warning("\(message)") }
        ingest.onWarning { [weak self] message in self?.logger.warning("\(message)") }
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
            for (space, error) in spaces.limitSize(to: new.maxSpaceSize) {
                logger.error("max_space_size could not be applied to space \(space): \(error.code.rawValue) \(error.message)")
            }
        }
        ingest.replace(applied.ingestSettings)
        graphs.replace(applied.recall)
        consolidation.replace(applied.consolidationSettings)
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
