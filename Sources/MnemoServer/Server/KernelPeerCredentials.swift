import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// The layout of Linux's `struct ucred`, which Glibc only declares under
/// `_GNU_SOURCE` and Swift therefore does not see.
struct KernelPeerCredentials: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}

extension Channel {
    /// The connecting process's pid, uid and gid (SO_PEERCRED), from the
    /// kernel, with its user's groups looked up on `pool` (a look-up can block;
    /// the event loop goes on serving other connections meanwhile).
    func peer(lookingUpGroupsOn pool: NIOThreadPool) -> EventLoopFuture<(peer: Peer, failure: UserDatabase.Failure?)> {
        guard let provider = self as? SocketOptionProvider else {
            return eventLoop.makeFailedFuture(ChannelError.operationUnsupported)
        }
        let loop = eventLoop
        return provider.unsafeGetSocketOption(level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
            .flatMap { (cred: KernelPeerCredentials) in
                pool.runIfActive(eventLoop: loop) { Peer.lookingUp(pid: cred.pid, uid: cred.uid, gid: cred.gid) }
            }
    }
}
