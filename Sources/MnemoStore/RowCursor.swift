import GRDB
import GRDBSQLite
import MnemoModel

/// A query stepped by hand, one row at a time, through SQLite's C API: for
/// reads that walk a parent table and its child tables side by side, each
/// in the same key order (a merge join), so that a million facts with their
/// roles, sources and beliefs are read with four statements and nothing is
/// held but the row at hand.
final class RowCursor {
    /// Held so that GRDB cannot finalize the statement while it is stepped.
    private let statement: Statement
    private let handle: OpaquePointer
    private let database: Database
    /// Whether the cursor is on a row (false once past the last).
    private(set) var hasRow = false

    /// Prepares `sql` and steps to its first row.
    init(_ db: Database, _ sql: String) throws {
        database = db
        statement = try db.makeStatement(sql: sql)
        handle = statement.sqliteStatement
        try next()
    }

    deinit { sqlite3_reset(handle) }

    /// Steps to the next row.
    func next() throws {
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW {
            hasRow = true
        } else if code == SQLITE_DONE {
            hasRow = false
        } else {
            hasRow = false
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(database.sqliteConnection)))
        }
    }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }
    func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }
    func bool(_ column: Int32) -> Bool { int64(column) != 0 }
    func time(_ column: Int32) -> Timestamp { Timestamp(microseconds: int64(column)) }
    func optionalTime(_ column: Int32) -> Timestamp? { isNull(column) ? nil : time(column) }

    func text(_ column: Int32) -> String {
        guard let bytes = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }
    func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }

    /// A role filler stored as `kind` in column `kindColumn` and its value in the next.
    func filler(kindColumn column: Int32) -> StoredFiller {
        switch FillerKind(rawValue: int64(column)) {
        case .entity: .entity(int64(column + 1))
        case .number: .literal(.number(double(column + 1)))
        case .time: .literal(.time(time(column + 1)))
        case .text, nil: .literal(.text(text(column + 1)))
        }
    }

    /// Calls `body` on each row whose first column is `parent`, after
    /// skipping rows of lower parents (rows whose parent is not exported).
    func rows(of parent: Int64, _ body: (RowCursor) throws -> Void) throws {
        while hasRow, int64(0) < parent { try next() }
        while hasRow, int64(0) == parent {
            try body(self)
            try next()
        }
    }
}
