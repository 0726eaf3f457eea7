import NIOCore
import NIOHTTP1
import NIOPosix

/// Answers the HTTP requests of the metrics endpoint: `GET /metrics` (a query
/// string is ignored) gets 200 and the metrics in the Prometheus text format;
/// any other path 404, any other method 405. The metrics are read on NIO's
/// thread pool (a scrape reads every open space's file), never on the network
/// thread. Connections stay open between requests when the client asks so
/// (NIO's pipeline handler keeps pipelined requests in order).
final class MetricsHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// The exposition format's media type (version 0.0.4 of the text format).
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private let state: ServerState
    private let metrics: DaemonMetrics
    /// The head of the request being read, until its end arrives.
    private var request: HTTPRequestHead?

    init(state: ServerState, metrics: DaemonMetrics) {
        self.state = state
        self.metrics = metrics
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            request = head
        case .body:
            break
        case .end:
            guard let head = request else { return }
            request = nil
            answer(head, context: context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Nothing read for `MetricsServer.idleTimeout`: a client gone quiet, or
        // one that never finishes its request.
        if event is IdleStateHandler.IdleStateEvent { return context.close(promise: nil) }
        context.fireUserInboundEventTriggered(event)
    }

    private func answer(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard path == "/metrics" else {
            return respond(.notFound, body: "not found: the metrics are at /metrics\n", to: head, context: context)
        }
        guard head.method == .GET else {
            return respond(.methodNotAllowed, body: "only GET\n", extra: [("Allow", "GET")], to: head, context: context)
        }
        let (metrics, state) = (self.metrics, self.state)
        NIOThreadPool.singleton.runIfActive(eventLoop: context.eventLoop) { metrics.scrape(state) }
            .assumeIsolated()
            .whenComplete { result in
                switch result {
                case .success(let bytes):
                    self.respond(.ok, body: bytes, contentType: Self.contentType, to: head, context: context)
                case .failure(let error):
                    self.respond(.serviceUnavailable, body: "cannot read the metrics: \(error)\n", to: head, context: context)
                }
            }
    }

    private func respond(
        _ status: HTTPResponseStatus, body: String, extra: [(String, String)] = [], to request: HTTPRequestHead,
        context: ChannelHandlerContext
    ) {
        respond(status, body: Array(body.utf8), contentType: "text/plain; charset=utf-8", extra: extra, to: request, context: context)
    }

    private func respond(
        _ status: HTTPResponseStatus, body: [UInt8], contentType: String, extra: [(String, String)] = [],
        to request: HTTPRequestHead, context: ChannelHandlerContext
    ) {
        var headers = HTTPHeaders([("Content-Type", contentType), ("Content-Length", String(body.count))] + extra)
        let keepAlive = request.isKeepAlive
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: request.version, status: status, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        // An answer to HEAD has the headers of the body it does not send.
        if request.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        }
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive { written.assumeIsolated().whenComplete { _ in context.close(promise: nil) } }
    }
}
