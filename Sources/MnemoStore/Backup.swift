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
        let target = try CreatedFile(creating: destination, for: "backup")
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
