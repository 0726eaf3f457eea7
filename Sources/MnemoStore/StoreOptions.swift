import MnemoModel

/// How a `MemoryStore` opens its SQLite file.
public struct StoreOptions: Sendable {
    /// SQLite page cache per connection, in KiB (SQLite's `cache_size = -N`).
    public var cacheSizeKiB: Int = 65_536
    /// How much of the file SQLite reads through a memory map instead of
    /// `read` calls (SQLite's `mmap_size`); 0 turns the map off. Writes never
    /// go through the map.
    public var mmapSizeBytes: Int = 1 << 30
    /// WAL pages after which a background connection folds the WAL back into
    /// the file (`Checkpointer`); at four times as many the writer does it
    /// itself. About 64 MiB by default.
    public var checkpointPages: Int = 16_384
    /// How many entries the recent filler table may hold before a commit
    /// moves them to the settled one (`FillerIndex`); `nil` lets the limit grow
    /// with the index, as √(4096 × settled entries), at least 16,384.
    public var recentFillerLimit: Int? = nil
    /// How many read connections may run at once beside the single writer.
    public var maximumReaders: Int = 8
    /// How long a connection waits on a lock held by another process, in seconds.
    public var busyTimeout: Double = 5
    /// `synchronous = FULL` makes each commit survive power loss, not only a
    /// crash of the process (`NORMAL`, the default in WAL mode).
    public var synchronousFull: Bool = false
    /// Open without writing: no migration, every write fails with `READONLY`.
    public var readOnly: Bool = false
    /// Apply only migrations up to this version (tests of upgrades); `nil` = all.
    public var migrateUpTo: Int? = nil
    /// The source of "now" for recorded times; tests script a timeline with it.
    public var clock: @Sendable () -> Timestamp = { Timestamp.now() }

    public init() {}
}
