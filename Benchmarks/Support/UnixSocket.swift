#if canImport(Glibc)
import Glibc
private let streamSocket = Int32(SOCK_STREAM.rawValue)
#elseif canImport(Darwin)
import Darwin
private let streamSocket = SOCK_STREAM
#endif

/// A blocking stream socket connected to the Unix socket at `path`, for the
/// benchmarks that speak to a server below `MnemoConnection` (raw bytes, another
/// protocol, a client that never reads). -1 with `errno` set when it cannot be
/// made; a path too long for `sun_path` is ENAMETOOLONG.
public func connectUnixSocket(_ path: String) -> Int32 {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
        errno = ENAMETOOLONG
        return -1
    }
    let fd = socket(AF_UNIX, streamSocket, 0)
    guard fd >= 0 else { return -1 }
    withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    guard connected == 0 else {
        let code = errno
        close(fd)
        errno = code
        return -1
    }
    return fd
}
