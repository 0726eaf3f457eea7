import Foundation
#if canImport(Glibc)
import Glibc
#endif
import MnemoModel

/// An exclusive lock on a data directory (`<data_dir>/mnemod.pid`, flock), so
/// that two daemons never write the same spaces. The file holds the owner's pid
/// for the message the second daemon prints.
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
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw MnemoError(.internalError, "cannot open \(path): \(String(cString: strerror(errno)))") }
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
