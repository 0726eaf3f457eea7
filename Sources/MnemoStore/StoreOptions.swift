import MnemoModel

/// How a `MemoryStore` opens its SQLite file.
public struct StoreOptions: Sendable {
    /// SQLite page cache per connection, in KiB (SQLite's `cache_size = -N`).
    public var cacheSizeKiB: Int = 65_536
    /// How much of the file SQLite reads through a memory map instead of
    /// `read` calls (SQLite's `mmap_size`); 0 turns the map off. Writes never
    /// go through the map.
    public var mmapSizeBytes: Int = 1 << 30
    /// The SQLite page size of a file this store creates, in bytes: a power
    /// of two from 512 to 65,536. A file keeps the size it was created with.
    ///
    /// Larger pages make bulk ingest faster (fewer, larger writes to the WAL,
    /// shallower B-trees: 8 KiB ingests 1M facts about a sixth faster than
    /// 4 KiB) and small commits slower (each writes every page it touches
    /// whole: a lone `remember` about a tenth slower). docs/storage.md has
    /// the figures.
    public var pageSize: Int = 8_192
    /// WAL pages after which a background connection folds the WAL back into
    /// the file (`Checkpointer`); at four times as many the writer does it
    /// itself. `nil`: about 64 MiB of WAL, whatever the page size.
    public var checkpointPages: Int? = nil
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

    /// The bytes of WAL that `checkpointPages` stands for when it is `nil`.
    static let checkpointBytes = 64 << 20

    /// Whether `size` is a page size SQLite accepts.
    public static func isValidPageSize(_ size: Int) -> Bool {
        (512...65_536).contains(size) && size & (size - 1) == 0
    }
}
