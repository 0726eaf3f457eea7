import GRDBSQLite
import MnemoModel
import MnemoStore
import Testing

@Suite("process-wide SQLite settings")
struct SQLiteConfigTests {
    @Test("SQLite keeps no memory statistics, so its allocations take no global lock")
    func memoryStatisticsOff() throws {
        let s = try TestStore()
        try s.store.write { w in
            for i in 0..<100 { try w.assert(FactAssertion("likes", entities: "p\(i)", "tea")) }
        }
        #expect(MemoryStore.sqliteMemoryStatisticsOff)
        // With statistics on, this counts every byte SQLite holds (a store's
        // page cache alone is well over zero); off, it is never updated.
        var current: sqlite3_int64 = -1
        var highest: sqlite3_int64 = -1
        #expect(sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &current, &highest, 0) == SQLITE_OK)
        #expect(current == 0 && highest == 0)
    }
}
