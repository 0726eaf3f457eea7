import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The metrics endpoint's listening channel: HTTP/1.1 on the TCP address of
/// `metrics_listen`, each connection answered by a `MetricsHTTPHandler`. It
/// runs on the daemon's event loops beside the Unix socket, and shares
/// nothing with it but the figures it reads.
enum MetricsServer {
    /// Connections open at once; one more is closed as it is accepted, so
    /// that the port cannot take the descriptors the socket and the spaces need.
    static let maximumConnections = 16
    /// A connection that sends nothing this long (half a request included) is closed.
    static let idleTimeout = TimeAmount.seconds(30)

    /// Binds `address` and listens. An address that cannot be bound (in use,
    /// not this machine's, a port below 1024 without the right) is a
    /// `ConfigError` at the line that set it, like a bad value.
    static func listen(
        on address: ListenAddress, state: ServerState, metrics: DaemonMetrics, group: any EventLoopGroup
    ) async throws(ConfigError) -> any Channel {
        let open = OpenConnections()
        do {
            return try await ServerBootstrap(group: group)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    guard open.admit(atMost: maximumConnections) else { return channel.close() }
                    channel.closeFuture.whenComplete { _ in open.leave() }
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idleTimeout))
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
