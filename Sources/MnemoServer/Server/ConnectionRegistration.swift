import MnemoModel
import NIOCore

/// A served connection's entry in the daemon's books: counted while it is open
/// (for `max_clients` and `stats`) and registered with its peer, so that a
/// reload that no longer lets the peer connect can close it.
final class ConnectionRegistration: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny
    typealias OutboundOut = ByteBuffer

    /// Sent down a connection's pipeline when a reload revoked its peer.
    struct Revoked: Sendable {
        var error: MnemoError
    }

    let state: ServerState
    let peer: Peer

    init(state: ServerState, peer: Peer) {
        self.state = state
        self.peer = peer
    }

    func channelActive(context: ChannelHandlerContext) {
        let state = self.state
        // Checked again, against the rules in force now: a reload may have come
        // between the check at accept and this moment.
        guard state.connections.admit(context.channel, peer: peer, rules: { state.config.access }) else {
            state.logger.warning("closed connection from \(peer): no longer in 'allow'")
            close(context: context, with: Self.revokedError(peer))
            return
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        state.connections.remove(context.channel)
        state.openConnections.subtract(1, ordering: .relaxed)
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let revoked = event as? Revoked {
            close(context: context, with: revoked.error)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// The answer a revoked connection gets before it is closed.
    static func revokedError(_ peer: Peer) -> MnemoError {
        MnemoError(.denied, "uid \(peer.uid) may no longer connect to this daemon (configuration reloaded); closing the connection")
    }

    /// One `ERR` line, then the connection closes. The line goes out if the
    /// socket takes it now; a client that does not read loses it, not the close.
    private func close(context: ChannelHandlerContext, with error: MnemoError) {
        var buffer = context.channel.allocator.buffer(capacity: 160)
        Reply.error(error).write(into: &buffer)
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        context.close(promise: nil)
    }
}
