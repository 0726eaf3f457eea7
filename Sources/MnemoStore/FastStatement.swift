import GRDB
import GRDBSQLite

/// Binds and steps a GRDB-cached statement through SQLite's C API.
///
/// GRDB's `execute(arguments:)` boxes every argument in a `DatabaseValue`
/// array; on the assertion hot path (millions of rows) that allocation is most
/// of the cost, so the few statements there bind their values directly. The
/// statement is always reset before it is handed back to GRDB's cache.
struct FastStatement {
    /// Held so that GRDB cannot finalize the statement while it is in use.
    private let statement: Statement
    private let handle: OpaquePointer
    private let database: Database

    init(_ db: Database, _ sql: String) throws {
        database = db
        statement = try db.cachedStatement(sql: sql)
        handle = statement.sqliteStatement
        // The cache hands out one statement per SQL text, and GRDB may leave
        // one stepped (after `fetchOne`): a statement not reset would keep its
        // old bindings. GRDB resets a statement before it runs it; so does this.
        if sqlite3_stmt_busy(handle) != 0 { sqlite3_reset(handle) }
    }

    func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(handle, index, value) }
    func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }
    func bind(_ index: Int32, _ value: Double) { sqlite3_bind_double(handle, index, value) }
    func bind(_ index: Int32, _ value: String?) {
        guard let value else {
            sqlite3_bind_null(handle, index)
            return
        }
        var copy = value
        copy.withUTF8 { bytes in
            let base = UnsafeRawPointer(bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!).assumingMemoryBound(to: CChar.self)
            _ = sqlite3_bind_text(handle, index, base, Int32(bytes.count), Self.transient)
        }
    }
    func bind(_ index: Int32, _ filler: StoredFiller) {
        switch filler {
        case .entity(let id): bind(index, id)
        case .literal(.text(let s)): bind(index, s)
        case .literal(.number(let d)): bind(index, d)
        case .literal(.time(let t)): bind(index, t.microseconds)
        }
    }

    /// Runs a statement that returns no rows.
    func run() throws {
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else { throw error(code) }
    }

    /// Runs a query and calls `row` with each row's first columns.
    func forEachRow(_ row: (OpaquePointer) throws -> Void) throws {
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw error(code) }
            try row(handle)
        }
    }

    /// Runs a query and calls `row` with each row while it answers `true`.
    func forEachRowWhile(_ row: (OpaquePointer) throws -> Bool) throws {
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw error(code) }
            guard try row(handle) else { return }
        }
    }

    static func int64(_ row: OpaquePointer, _ column: Int32) -> Int64 { sqlite3_column_int64(row, column) }
    static func double(_ row: OpaquePointer, _ column: Int32) -> Double { sqlite3_column_double(row, column) }
    /// A column's text, `nil` when it is NULL.
    static func optionalText(_ row: OpaquePointer, _ column: Int32) -> String? {
        guard let bytes = sqlite3_column_text(row, column) else { return nil }
        return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(row, column))), as: UTF8.self)
    }
    static func optionalInt64(_ row: OpaquePointer, _ column: Int32) -> Int64? {
        sqlite3_column_type(row, column) == SQLITE_NULL ? nil : sqlite3_column_int64(row, column)
    }

    private func error(_ code: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(database.sqliteConnection)))
    }

    /// SQLITE_TRANSIENT: SQLite copies the bytes before the call returns.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
}

/// The statements an assertion runs for every fact, looked up once per write:
/// finding one in GRDB's cache hashes its SQL, which a batch of a thousand
/// facts would do thousands of times.
final class HotStatements {
    enum Slot: Int, CaseIterable { case insertFact, insertRole, insertFiller, duplicate, listBlock }
    private var statements = [FastStatement?](repeating: nil, count: Slot.allCases.count)

    /// The statement in `slot`, prepared from `sql` on first use in this write.
    func statement(_ slot: Slot, _ db: Database, _ sql: @autoclosure () -> String) throws -> FastStatement {
        if let statement = statements[slot.rawValue] { return statement }
        let statement = try FastStatement(db, sql())
        statements[slot.rawValue] = statement
        return statement
    }
}
