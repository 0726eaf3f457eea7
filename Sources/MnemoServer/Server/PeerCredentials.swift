#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// The layout of Linux's `struct ucred`, which Glibc only declares under
/// `_GNU_SOURCE` and Swift therefore does not see.
struct KernelPeerCredentials: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}

extension Channel {
    /// The connecting process's pid, uid and gid (SO_PEERCRED), from the kernel.
    func peerCredentials() -> EventLoopFuture<Peer> {
        guard let provider = self as? SocketOptionProvider else {
            return eventLoop.makeFailedFuture(ChannelError.operationUnsupported)
        }
        return provider.unsafeGetSocketOption(level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
            .map { (cred: KernelPeerCredentials) in Peer(pid: cred.pid, uid: cred.uid, gid: cred.gid) }
    }
}
