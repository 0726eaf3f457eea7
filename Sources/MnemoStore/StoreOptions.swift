import MnemoModel

/// How a `MemoryStore` opens its SQLite file.
public struct StoreOptions: Sendable {
    /// SQLite page cache per connection, in KiB (SQLite's `cache_size = -N`).
    public var cacheSizeKiB: Int = 65_536
    /// How much of the file SQLite reads through a memory map instead of
    /// `read` calls (SQLite's `mmap_size`); 0, the default, turns the map off.
    ///
    /// Off because a mapped file that is truncated or fails to read (a disk
    /// error, a file shortened by another process) raises SIGBUS on the
    /// reading thread, which kills the whole daemon and every space with it;
    /// through `read` the same fault is an error of that one space. The map
    /// made point look-ups on a 1M-fact store faster (p99 0.11–0.15 ms
    /// against 0.19–0.21 ms, docs/storage.md); a program that owns its file
    /// alone, such as a benchmark, may turn it on.
    public var mmapSizeBytes: Int = 0
    /// The largest the database file may grow, in bytes (SQLite's
    /// `max_page_count`, in pages of the file's size); `nil`: no limit but
    /// the disk's. A write that would grow the file past it fails with
    /// `FULL` and changes nothing, as on a full disk. The WAL is not counted.
    public var maxSizeBytes: Int? = nil
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
    /// Read connections kept apart for short reads on network threads
    /// (`MemoryStore.readInline`), opened in the background when first
    /// needed, each with a page cache of at most 8 MiB; 0: none, every read
    /// goes through the pool of `maximumReaders`.
    public var inlineReaders: Int = 0
    /// Where the store puts the scratch files of a backup or a dry run (each
    /// deleted when done): a directory of their own, so that no scratch name
    /// can ever be a space's. `nil`: beside the database file.
    public var scratchDirectory: String? = nil
    /// How long a connection waits on a lock held by another process, in seconds.
    public var busyTimeout: Double = 5
    /// `synchronous = FULL` makes each commit survive power loss, not only a
    /// crash of the process (`NORMAL`, the default in WAL mode).
    public var synchronousFull: Bool = false
    /// Open without writing: no migration, every write fails with `READONLY`.
    public var readOnly: Bool = false
    /// Apply only migrations up to this version (tests of upgrades); `nil` = all.
    public var migrateUpTo: Int? = nil
    /// The space shared in PostgreSQL this file is a replica of
    /// (`MemoryStore+Replication`); `nil`: the file is the space itself.
    public var replica: PostgresReplica? = nil
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
