import BenchmarkSupport
import GRDB
import GRDBSQLite
import MnemoStore

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

    /// What SQLite alone reads for an answer.
    enum Baseline {
        /// These statements, one after the other (`read(_:)`).
        case sql([String])
        /// A predicate's facts as `match` or `history` reads them (`readFacts`).
        case facts(of: Int64, history: Bool, limit: Int)
    }

    private let connection: DatabaseQueue

    /// A read-only connection to the space file at `path`.
    init(path: String) throws { connection = try readOnlyStoreFileConnection(path) }

    /// Reads what `baseline` says.
    func read(_ baseline: Baseline) throws -> Reading {
        switch baseline {
        case .sql(let statements): try read(statements)
        case .facts(let predicate, let history, let limit): try readFacts(of: predicate, history: history, limit: limit)
        }
    }

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

    /// The facts of predicate `predicate` read with the daemon's own
    /// statements (`FactRowSQL`), as `match P(?x, …)` (`history: false`) or
    /// `history P(?, …)` reads them with no bound filler: a chunk of 256
    /// facts, then their roles, and for `history` their sources and earlier
    /// beliefs, by id range (or fact by fact when the chunk is spread thin);
    /// each entity's name once. Chunks are read whole, as the daemon reads them; answer rows
    /// (facts and earlier beliefs) are counted up to `limit`.
    func readFacts(of predicate: Int64, history: Bool, limit: Int) throws -> Reading {
        try connection.read { db in
            var reading = Reading()
            let start = monotonicNanoseconds()
            let scan = try db.makeStatement(sql: FactRowSQL.predicateFacts(withDetails: history, includeRetracted: history))
            let roles = try db.makeStatement(sql: FactRowSQL.rolesInRange)
            let rolesOfFact = try db.makeStatement(sql: FactRowSQL.rolesOfFact)
            let sources = try db.makeStatement(sql: FactRowSQL.sourcesInRange)
            let beliefs = try db.makeStatement(sql: FactRowSQL.beliefsInRange)
            let sourcesOfFact = try db.makeStatement(sql: FactRowSQL.sourcesOfFact)
            let beliefsOfFact = try db.makeStatement(sql: FactRowSQL.beliefsOfFact)
            let name = try db.makeStatement(sql: "SELECT name FROM entity WHERE id = ?")
            var named = Set<Int64>()
            /// Reads the name of the entity a role row holds (its kind in
            /// column `kind`, the value next), the first time it is met.
            func readName(_ handle: OpaquePointer, kind: Int32) throws {
                guard sqlite3_column_int64(handle, kind) == 0 else { return }
                let entity = sqlite3_column_int64(handle, kind + 1)
                if named.insert(entity).inserted {
                    try name.setArguments([entity])
                    try Self.step(name.sqliteStatement, into: &reading)
                }
            }
            var after = Int64.min
            var answered = 0
            while answered < limit {
                try scan.setArguments([predicate, after])
                let handle = scan.sqliteStatement
                var ids: [Int64] = []
                var first: Int64?
                var last: Int64?
                while true {
                    let code = sqlite3_step(handle)
                    if code == SQLITE_DONE { break }
                    try Self.check(code, handle)
                    let id = sqlite3_column_int64(handle, 0)
                    if id != last {
                        if ids.count == 256 { break }
                        ids.append(id)
                        first = first ?? id
                        last = id
                    }
                    reading.steps += 1
                    Self.fold(handle, into: &reading.checksum)
                }
                sqlite3_reset(handle)
                guard let first, let last else { break }
                after = last
                var rows = ids.count
                let byRange = FactRowSQL.readsByRange(first: first, last: last, count: ids.count)
                for id in byRange ? [first] : ids {
                    try byRange ? roles.setArguments([first, last, predicate]) : rolesOfFact.setArguments([id, predicate])
                    let handle = (byRange ? roles : rolesOfFact).sqliteStatement
                    defer { sqlite3_reset(handle) }
                    while true {
                        let code = sqlite3_step(handle)
                        if code == SQLITE_DONE { break }
                        try Self.check(code, handle)
                        reading.steps += 1
                        Self.fold(handle, into: &reading.checksum)
                        try readName(handle, kind: 4)
                    }
                }
                if history {
                    if byRange {
                        try sources.setArguments([first, last])
                        try Self.step(sources.sqliteStatement, into: &reading)
                        try beliefs.setArguments([first, last])
                        // The range holds other facts' beliefs too, stepped but not answered.
                        rows += try Self.step(beliefs.sqliteStatement, into: &reading, countingIn: Set(ids))
                    } else {
                        for id in ids {
                            try sourcesOfFact.setArguments([id])
                            try Self.step(sourcesOfFact.sqliteStatement, into: &reading)
                        }
                        let sourceSteps = reading.steps
                        for id in ids {
                            try beliefsOfFact.setArguments([id])
                            try Self.step(beliefsOfFact.sqliteStatement, into: &reading)
                        }
                        rows += reading.steps - sourceSteps
                    }
                }
                answered += rows
            }
            reading.rows = min(answered, limit)
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
        var lastKey: Int64?
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            try check(code, handle, sql: sql)
            reading.steps += 1
            let key = sqlite3_column_int64(handle, 0)
            if key != lastKey {
                reading.rows += 1
                lastKey = key
            }
            fold(handle, into: &reading.checksum)
        }
    }

    /// Steps a statement whose rows are not answer rows of their own (a
    /// fact's sources, an entity's name) to its end, and resets it. Returns
    /// how many of its rows have a first column among `ids`, if given: of a
    /// range read, the rows of the chunk's own facts.
    @discardableResult
    private static func step(_ handle: OpaquePointer, into reading: inout Reading, countingIn ids: Set<Int64>? = nil) throws -> Int {
        defer { sqlite3_reset(handle) }
        var counted = 0
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return counted }
            try check(code, handle)
            reading.steps += 1
            if let ids, ids.contains(sqlite3_column_int64(handle, 0)) { counted += 1 }
            fold(handle, into: &reading.checksum)
        }
    }

    private static func check(_ code: Int32, _ handle: OpaquePointer, sql: String? = nil) throws {
        guard code == SQLITE_ROW else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))),
                sql: sql ?? String(cString: sqlite3_sql(handle)))
        }
    }

    /// Reads every column of the current row as what it holds, into `checksum`.
    private static func fold(_ handle: OpaquePointer, into checksum: inout UInt64) {
        for column in 0..<sqlite3_column_count(handle) {
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
}
