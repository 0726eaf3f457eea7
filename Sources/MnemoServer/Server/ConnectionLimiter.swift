import MnemoModel
import NIOCore

/// Counts a connection while it is open (for `max_clients` and `stats`).
final class ConnectionCounter: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny
    let state: ServerState

    init(state: ServerState) { self.state = state }

    func channelInactive(context: ChannelHandlerContext) {
        state.openConnections.subtract(1, ordering: .relaxed)
        context.fireChannelInactive()
    }
}

/// Sends one `ERR` line to a connection that may not be served, then closes it.
final class RejectHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let error: MnemoError

    init(_ error: MnemoError) { self.error = error }

    func channelActive(context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: 128)
        Reply.error(error).write(into: &buffer)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in channel.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
