import GRDB

/// A benchmark's own connection to a store's file, for what it measures beside
/// the store (a row deleted alone, the log as an older schema wrote it) or
/// reads of the stored rows. Set up as the store sets up its writer — WAL,
/// `synchronous = NORMAL`, `secure_delete`, a busy timeout, no checkpoint
/// inside a commit (the store checkpoints in the background) — so that both
/// are measured on equal terms.
public func storeFileConnection(_ path: String) throws -> DatabaseQueue {
    var config = Configuration()
    config.busyMode = .timeout(5)
    config.prepareDatabase { db in
        try db.execute(sql: "PRAGMA synchronous = NORMAL")
        try db.execute(sql: "PRAGMA secure_delete = ON")
        try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
    }
    return try DatabaseQueue(path: path, configuration: config)
}
