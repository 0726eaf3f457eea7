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

/// A benchmark's read-only connection to a store's file, for the rate at
/// which SQLite itself reads rows a daemon is serving from the same file at
/// the same time. Set up as the store sets up its readers — a page cache of
/// `cacheKiB` (the daemon's `cache_size`, 64 MiB by default), no memory map,
/// temporary tables in memory — so that both read on equal terms.
public func readOnlyStoreFileConnection(_ path: String, cacheKiB: Int = 64 * 1024) throws -> DatabaseQueue {
    var config = Configuration()
    config.readonly = true
    config.busyMode = .timeout(5)
    config.prepareDatabase { db in
        try db.execute(sql: "PRAGMA cache_size = -\(cacheKiB)")
        try db.execute(sql: "PRAGMA mmap_size = 0")
        try db.execute(sql: "PRAGMA temp_store = MEMORY")
    }
    return try DatabaseQueue(path: path, configuration: config)
}
