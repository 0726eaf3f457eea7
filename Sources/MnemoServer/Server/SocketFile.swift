import Foundation
#if canImport(Glibc)
import Glibc
#endif
import MnemoModel

/// Preparing the path a Unix socket will be bound to.
enum SocketFile {
    /// Removes a stale socket left by a crash; refuses when a daemon still
    /// answers there or the path is not a socket.
    static func prepare(_ path: String) throws(MnemoError) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            let parent = (path as NSString).deletingLastPathComponent
            if !parent.isEmpty {
                // A directory that cannot be made fails the bind that follows,
                // with the path and the reason.
                try? FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            }
            return false
        }
        guard (info.st_mode & S_IFMT) == S_IFSOCK else {
            throw MnemoError(.conflict, "\(path) exists and is not a socket; refusing to replace it")
        }
        if answers(path) {
            throw MnemoError(.busy, "another daemon is listening on \(path)")
        }
        guard unlink(path) == 0 else {
            throw MnemoError(.internalError, "cannot remove stale socket \(path): \(String(cString: strerror(errno)))")
        }
        return true
    }

    /// Whether something accepts connections on the socket.
    static func answers(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        return result == 0
    }
}
