import Foundation
import MnemoModel

#if canImport(Glibc)
import Glibc
#endif

/// Preparing the path a Unix socket will be bound to.
enum SocketFile {
    /// Removes a stale socket left by a crash; refuses when a daemon still
    /// answers there or the path is not a socket. A missing parent directory is
    /// created, searchable by the classes of users `mode` lets connect.
    static func prepare(_ path: String, mode: mode_t) throws(MnemoError) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            let parent = (path as NSString).deletingLastPathComponent
            if !parent.isEmpty && !FileManager.default.fileExists(atPath: parent) {
                try createParent(parent, socketMode: mode)
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

    /// Creates the socket's directory and any missing parent: 0700, plus
    /// search (not read) permission for group and others when `socketMode` lets
    /// them connect, so that they can reach the socket and list nothing.
    private static func createParent(_ parent: String, socketMode: mode_t) throws(MnemoError) {
        let search: mode_t = (socketMode & 0o070 != 0 ? 0o010 : 0) | (socketMode & 0o007 != 0 ? 0o001 : 0)
        var missing: [String] = []
        var directory = parent
        while !directory.isEmpty && directory != "/" && !FileManager.default.fileExists(atPath: directory) {
            missing.append(directory)
            directory = (directory as NSString).deletingLastPathComponent
        }
        for directory in missing.reversed() {
            if mkdir(directory, 0o700) != 0 {
                if errno == EEXIST { continue } // made by someone else meanwhile: theirs
                throw MnemoError(.internalError, "cannot create the socket's directory \(directory): \(String(cString: strerror(errno)))")
            }
            // mkdir's mode passes through the umask; chmod sets it exactly.
            if search != 0 && chmod(directory, 0o700 | search) != 0 {
                throw MnemoError(.internalError, "cannot set the mode of \(directory): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// A Unix stream socket bound to `path` whose file already has `mode`, not
    /// yet listening: until the caller listens, a connection attempt is refused
    /// whatever the mode, so there is no moment when the socket accepts
    /// connections under any mode but `mode`. (The file is created by `bind`
    /// under the process umask, then changed with `chmod`; `fchmod` on the
    /// descriptor does not reach the file once it is bound.)
    static func bind(_ path: String, mode: mode_t) throws(MnemoError) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw MnemoError(
                .invalid, "socket path \(path) is \(bytes.count) bytes; a Unix socket path must be under \(MemoryLayout.size(ofValue: address.sun_path))")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw MnemoError(.internalError, "cannot create a socket: \(String(cString: strerror(errno)))") }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw MnemoError(.internalError, "cannot bind \(path): \(reason)")
        }
        guard setMode(path, mode) else {
            let reason = String(cString: strerror(errno))
            close(fd)
            unlink(path)
            throw MnemoError(.internalError, "cannot set mode \(String(mode, radix: 8)) on \(path): \(reason)")
        }
        return fd
    }

    /// `chmod` that never follows a symbolic link (one swapped in after `bind`
    /// would hand its target the socket's mode).
    private static func setMode(_ path: String, _ mode: mode_t) -> Bool {
        if fchmodat(AT_FDCWD, path, mode, AT_SYMLINK_NOFOLLOW) == 0 { return true }
        guard errno == EOPNOTSUPP || errno == ENOTSUP else { return false }
        // A C library without AT_SYMLINK_NOFOLLOW support: check, then change.
        var info = stat()
        guard lstat(path, &info) == 0 else { return false }
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            errno = ELOOP
            return false
        }
        return chmod(path, mode) == 0
    }

    /// A note for the log when `mode` lets group or others connect but the
    /// socket's directory does not let them reach it (the default socket sits in
    /// the data directory, which is 0700: only the daemon's user can connect).
    static func reachabilityNote(_ path: String, mode: mode_t) -> String? {
        let parent = (path as NSString).deletingLastPathComponent
        var info = stat()
        guard stat(parent.isEmpty ? "." : parent, &info) == 0 else { return nil }
        var shut: [String] = []
        if mode & 0o070 != 0 && info.st_mode & 0o010 == 0 { shut.append("its group") }
        if mode & 0o007 != 0 && info.st_mode & 0o001 == 0 { shut.append("others") }
        guard !shut.isEmpty else { return nil }
        return "socket_mode \(String(mode, radix: 8)) lets \(shut.joined(separator: " and ")) connect, but \(parent.isEmpty ? "." : parent) "
            + "(mode \(String(info.st_mode & 0o777, radix: 8))) keeps them from reaching the socket; to serve other users, put it in a directory they can search (socket = ...)"
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
