import Foundation
import GRDB
import MnemoModel

#if canImport(Glibc)
import Glibc
#endif

extension MemoryStore {
    /// Copies the whole space, consistently, to a new file at `destination`
    /// (SQLite's online backup: writers are not blocked). Returns the bytes written.
    ///
    /// The daemon may run with more rights than the client that names the
    /// path, so the destination is handled as hostile ground:
    /// - it must be absolute (a relative path would land wherever the daemon
    ///   happens to run), else `INVALID`;
    /// - the file is created by this call with `O_CREAT|O_EXCL|O_NOFOLLOW`,
    ///   mode 0600: an existing file, or a symbolic link even to nowhere, is
    ///   refused (`CONFLICT`) and left as it was;
    /// - SQLite never opens anything at the destination (it would follow links
    ///   and create a `-journal` beside it): the backup is made into a scratch
    ///   file (`StoreOptions.scratchDirectory`, in the data directory only the
    ///   daemon can enter),
    ///   and its bytes are written through the descriptor this call created,
    ///   then synced;
    /// - on failure it removes the destination only if the name still refers to
    ///   the file it created (same device and inode).
    ///
    /// The price is a second write of the copy and free space for it in the
    /// data directory while the backup runs.
    @discardableResult
    public func backup(to destination: String) throws(MnemoError) -> Int64 {
        guard destination.hasPrefix("/") else {
            throw MnemoError(.invalid, "backup needs an absolute path; \"\(destination)\" is relative")
        }
        guard !destination.utf8.contains(0) else {
            throw MnemoError(.invalid, "a backup path cannot hold a NUL character")
        }
        let target = try BackupDestination(creating: destination)
        let scratch = scratchPath(".backup-" + UUID().uuidString)
        defer { unlink(scratch) }
        do {
            // Not durable by itself: the destination is synced once it holds the bytes.
            var configuration = Configuration()
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA journal_mode = OFF")
                try db.execute(sql: "PRAGMA synchronous = OFF")
            }
            let copy = try DatabaseQueue(path: scratch, configuration: configuration)
            try pool.backup(to: copy)
            try copy.close()
            let bytes = try target.write(contentsOf: scratch)
            try target.finish()
            return bytes
        } catch {
            target.abandon()
            throw MemoryStore.translate(error, path: destination)
        }
    }

    /// A scratch file of this store: `<scratch directory>/<file name><suffix>`.
    func scratchPath(_ suffix: String) -> String {
        let name = (path as NSString).lastPathComponent + suffix
        let directory = options.scratchDirectory ?? (path as NSString).deletingLastPathComponent
        return (directory as NSString).appendingPathComponent(name)
    }
}

/// The file a backup writes: created by the backup itself, written only
/// through the descriptor that created it, removed on failure only while its
/// name still refers to it.
final class BackupDestination {
    let path: String
    private var descriptor: Int32
    private let device: UInt64
    private let inode: UInt64

    init(creating path: String) throws(MnemoError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let code = errno
            let reason = String(cString: strerror(code))
            switch code {
            case EEXIST: throw MnemoError(.conflict, "\(path) exists; backup never overwrites or follows an existing name")
            case ENOENT: throw MnemoError(.notFound, "no directory \((path as NSString).deletingLastPathComponent)")
            case ELOOP, ENOTDIR, ENAMETOOLONG, EINVAL: throw MnemoError(.invalid, "cannot create \(path): \(reason)")
            case EISDIR: throw MnemoError(.invalid, "\(path) names a directory; backup needs the name of a new file")
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

    /// Makes the copy durable and closes it.
    func finish() throws(MnemoError) {
        guard fsync(descriptor) == 0 else { throw Self.writeError(errno, path) }
        let fd = descriptor
        descriptor = -1
        guard close(fd) == 0 else { throw Self.writeError(errno, path) }
    }

    /// Closes the destination and removes it if its name still refers to the
    /// file this backup created; anything put there since is left alone.
    func abandon() {
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
