import BenchmarkSupport
import GRDB
import GRDBSQLite

/// SQLite reading rows of a space's file by itself, through its C interface
/// on a read-only connection of the benchmark's own: the physical limit a
/// daemon's answer of the same rows is compared with.
///
/// Every row is stepped and every column of it read as what it holds (an
/// integer, a double, a text's length and its first and last bytes), and
/// folded into a checksum so that none of it can be left out. An answer row is often several SQL rows
/// (a fact and each of its roles): the first column of each statement is the
/// id of the answer row, and a change in it counts one more.
final class SQLiteRowReader {
    /// What one reading did.
    struct Reading {
        /// Answer rows: runs of equal first columns, over all the statements.
        var rows = 0
        /// SQL rows stepped.
        var steps = 0
        var seconds = 0.0
        var checksum: UInt64 = 0
    }

    private let connection: DatabaseQueue

    /// A read-only connection to the space file at `path`.
    init(path: String) throws { connection = try readOnlyStoreFileConnection(path) }

    /// Runs `statements` one after the other in one read transaction, timed
    /// from the first statement prepared to the last one finalized.
    func read(_ statements: [String]) throws -> Reading {
        try connection.read { db in
            var reading = Reading()
            let start = monotonicNanoseconds()
            for sql in statements {
                let statement = try db.makeStatement(sql: sql)
                try Self.step(statement.sqliteStatement, sql: sql, into: &reading)
            }
            reading.seconds = Double(monotonicNanoseconds() - start) / 1e9
            return reading
        }
    }

    /// One integer, for the look-ups that set up a reading (ids of names);
    /// nil when the statement answers no row.
    func integer(_ sql: String) throws -> Int64? {
        try connection.read { db in try Int64.fetchOne(db, sql: sql) }
    }

    private static func step(_ handle: OpaquePointer, sql: String, into reading: inout Reading) throws {
        let columns = sqlite3_column_count(handle)
        var lastKey: Int64?
        var checksum = reading.checksum
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))), sql: sql)
            }
            reading.steps += 1
            let key = sqlite3_column_int64(handle, 0)
            if key != lastKey {
                reading.rows += 1
                lastKey = key
            }
            for column in 0..<columns {
                switch sqlite3_column_type(handle, column) {
                case SQLITE_INTEGER:
                    checksum = checksum &* 31 &+ UInt64(bitPattern: sqlite3_column_int64(handle, column))
                case SQLITE_FLOAT:
                    checksum = checksum &* 31 &+ sqlite3_column_double(handle, column).bitPattern
                case SQLITE_TEXT:
                    let count = Int(sqlite3_column_bytes(handle, column))
                    if count > 0, let text = sqlite3_column_text(handle, column) {
                        checksum = checksum &* 31 &+ UInt64(count) &+ UInt64(text[0]) &+ UInt64(text[count - 1])
                    }
                case SQLITE_BLOB:
                    let count = Int(sqlite3_column_bytes(handle, column))
                    if count > 0, let blob = sqlite3_column_blob(handle, column) {
                        let bytes = blob.assumingMemoryBound(to: UInt8.self)
                        checksum = checksum &* 31 &+ UInt64(count) &+ UInt64(bytes[0]) &+ UInt64(bytes[count - 1])
                    }
                default:
                    checksum = checksum &* 31
                }
            }
        }
        reading.checksum = checksum
    }
}
