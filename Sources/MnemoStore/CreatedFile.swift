import Foundation
import MnemoModel

#if canImport(Glibc)
import Glibc
#endif

/// A new file the daemon writes at a path a client named (a backup, an
/// export): created by this call, written only through the descriptor that
/// created it, removed on failure only while its name still refers to it.
///
/// The daemon may run with more rights than the client that names the
/// path, so the path is handled as hostile ground: it must be absolute (a
/// relative path would land wherever the daemon happens to run), else
/// `INVALID`; the file is created with `O_CREAT|O_EXCL|O_NOFOLLOW`, mode
/// 0600, so an existing file, or a symbolic link even to nowhere, is refused
/// (`CONFLICT`) and left as it was.
package final class CreatedFile {
    let path: String
    private var descriptor: Int32
    private let device: UInt64
    private let inode: UInt64

    /// Creates the file; `purpose` names the statement in messages.
    package init(creating path: String, for purpose: String) throws(MnemoError) {
        guard path.hasPrefix("/") else {
            throw MnemoError(.invalid, "\(purpose) needs an absolute path; \"\(path)\" is relative")
        }
        guard !path.utf8.contains(0) else {
            throw MnemoError(.invalid, "a \(purpose) path cannot hold a NUL character")
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let code = errno
            let reason = String(cString: strerror(code))
            switch code {
            case EEXIST: throw MnemoError(.conflict, "\(path) exists; \(purpose) never overwrites or follows an existing name")
            case ENOENT: throw MnemoError(.notFound, "no directory \((path as NSString).deletingLastPathComponent)")
            case ELOOP, ENOTDIR, ENAMETOOLONG, EINVAL: throw MnemoError(.invalid, "cannot create \(path): \(reason)")
            case EISDIR: throw MnemoError(.invalid, "\(path) names a directory; \(purpose) needs the name of a new file")
            case EACCES, EPERM: throw MnemoError(.denied, "the daemon may not create \(path): \(reason)")
            case EROFS: throw MnemoError(.readOnly, "\(path) is on a read-only file system")
            case ENOSPC, EDQUOT: throw MnemoError(.full, "no space to create \(path)")
            default: throw MnemoError(.internalError, "cannot create \(path): \(reason)")
            }
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw MnemoError(.internalError, "cannot stat \(path) after creating it: \(reason)")
        }
        self.path = path
        descriptor = fd
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// Copies the bytes of the file at `source` into the destination.
    func write(contentsOf source: String) throws(MnemoError) -> Int64 {
        let input = open(source, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard input >= 0 else { throw MnemoError(.internalError, "cannot read the backup scratch copy: \(String(cString: strerror(errno)))") }
        defer { close(input) }
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        var total: Int64 = 0
        while true {
            let n = read(input, buffer, chunk)
            if n < 0 {
                if errno == EINTR { continue }
                throw MnemoError(.internalError, "reading the backup scratch copy: \(String(cString: strerror(errno)))")
            }
            if n == 0 { return total }
            var offset = 0
            while offset < n {
                let written = Glibc.write(descriptor, buffer + offset, n - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw Self.writeError(errno, path)
                }
                offset += written
            }
            total += Int64(n)
        }
    }

    /// Appends `bytes`.
    package func append(_ bytes: UnsafeRawBufferPointer) throws(MnemoError) {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw Self.writeError(errno, path)
            }
            offset += written
        }
    }

    /// Makes the file durable and closes it.
    package func finish() throws(MnemoError) {
        guard fsync(descriptor) == 0 else { throw Self.writeError(errno, path) }
        let fd = descriptor
        descriptor = -1
        guard close(fd) == 0 else { throw Self.writeError(errno, path) }
    }

    /// Closes the destination and removes it if its name still refers to the
    /// file this backup created; anything put there since is left alone.
    package func abandon() {
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
        var info = stat()
        guard lstat(path, &info) == 0, UInt64(info.st_dev) == device, UInt64(info.st_ino) == inode else { return }
        unlink(path)
    }

    private static func writeError(_ code: Int32, _ path: String) -> MnemoError {
        switch code {
        case ENOSPC, EDQUOT: MnemoError(.full, "disk full writing \(path)")
        default: MnemoError(.internalError, "writing \(path): \(String(cString: strerror(code)))")
        }
    }
}
