import Foundation
import MnemoModel

#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock on a data directory (`<data_dir>/mnemod.pid`, flock), so
/// that two daemons never write the same spaces. The file holds the owner's pid
/// for the message the second daemon prints. It is opened with `O_NOFOLLOW`
/// (a symbolic link in its place is refused) and has mode 0600.
public final class DataDirectoryLock: Sendable {
    public let path: String
    private let descriptor: Int32

    public init(directory: String) throws(MnemoError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw MnemoError(.internalError, "cannot create data directory \(directory): \(error.localizedDescription)")
        }
        path = (directory as NSString).appendingPathComponent("mnemod.pid")
        // O_NOFOLLOW: a symbolic link planted here would make the daemon
        // truncate and write whatever file it points to.
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o600)
        guard fd >= 0 else {
            let reason = errno == ELOOP ? "it is a symbolic link" : String(cString: strerror(errno))
            throw MnemoError(.internalError, "cannot open \(path): \(reason)")
        }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw MnemoError(.internalError, "cannot use \(path): it is not a regular file")
        }
        // A file left by an older version may be wider; the pid is nobody else's business.
        if info.st_mode & 0o077 != 0 { _ = fchmod(fd, 0o600) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &buffer, 31, 0)
            close(fd)
            let pid = n > 0 ? String(decoding: buffer.prefix(n), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "unknown"
            throw MnemoError(.busy, "data directory \(directory) is in use by another mnemod (pid \(pid))")
        }
        let text = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
        descriptor = fd
    }

    /// Releases the lock (also released by the kernel if the process dies).
    public func release() {
        _ = ftruncate(descriptor, 0)
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
