import NIOCore
import NIOHTTP1
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// The metrics endpoint's listening channel: HTTP/1.1 on the TCP address of
/// `metrics_listen`, each connection answered by a `MetricsHTTPHandler`. It
/// runs on the daemon's event loops beside the Unix socket, and shares
/// nothing with it but the figures it reads.
enum MetricsServer {
    /// Binds `address` and listens. An address that cannot be bound (in use,
    /// not this machine's, a port below 1024 without the right) is a
    /// `ConfigError` at the line that set it, like a bad value.
    static func listen(
        on address: ListenAddress, state: ServerState, metrics: DaemonMetrics, group: any EventLoopGroup
    ) async throws(ConfigError) -> any Channel {
        do {
            return try await ServerBootstrap(group: group)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        try channel.pipeline.syncOperations.addHandler(MetricsHTTPHandler(state: state, metrics: metrics))
                    }
                }
                .bind(to: try address.socketAddress())
                .get()
        } catch {
            let reason = (error as? IOError).map { String(cString: strerror($0.errnoCode)) } ?? "\(error)"
            throw ConfigError(
                file: address.file, line: address.line,
                message: "metrics_listen: cannot listen on \(address.text): \(reason)")
        }
    }
}
