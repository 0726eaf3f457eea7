import GRDB
import Synchronization

/// The largest a space's file may grow (`StoreOptions.maxSizeBytes`), held by
/// SQLite as `max_page_count` on the writer connection: a write that needs a
/// page past it fails with SQLITE_FULL, exactly as on a full disk, and rolls
/// back. Only the writer allocates pages, so readers need no limit.
final class SizeLimit: Sendable {
    private struct State {
        var bytes: Int?
        /// The writer's `max_page_count` before any limit: what "no limit" restores.
        var unlimitedPages: Int?
    }

    private let state: Mutex<State>

    init(bytes: Int?) { state = Mutex(State(bytes: bytes)) }

    /// The limit in force, in bytes; `nil`: none.
    var bytes: Int? { state.withLock { $0.bytes } }

    /// Changes the limit; `apply` makes the writer enforce it.
    func set(bytes: Int?) { state.withLock { $0.bytes = bytes } }

    /// Sets the writer connection's `max_page_count`: when it opens, and when
    /// the limit changes. A limit below the file's current size keeps the file
    /// as it is and refuses every write that needs a new page.
    func apply(on db: Database) throws {
        var (bytes, unlimited) = state.withLock { ($0.bytes, $0.unlimitedPages) }
        if unlimited == nil {
            unlimited = try Int.fetchOne(db, sql: "PRAGMA max_page_count")
            state.withLock { $0.unlimitedPages = unlimited }
        }
        // The file's page size (or the one it is about to be created with).
        let pageSize = max(512, try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4_096)
        guard let pages = bytes.map({ max(1, $0 / pageSize) }) ?? unlimited else { return }
        try db.execute(sql: "PRAGMA max_page_count = \(pages)")
    }
}
