import Foundation
import GRDB
import MnemoModel
import Testing

@testable import MnemoConsolidation
@testable import MnemoStore

@Suite("Pass 3: decay and archive")
struct DecayArchiveTests {
    @Test("Old, unused, unimportant memories are archived; recent, important and recalled ones are not; nothing is deleted")
    func archives() throws {
        let m = try Memory(at: "2023-01-01T00:00:00Z")
        let old = try m.say("an old note", at: "2023-01-01T00:00:00Z", scene: "a")
        let important = try m.say("an important note", at: "2023-01-01T00:00:00Z", scene: "a", importance: 0.9)
        let recalled = try m.say("a note recalled lately", at: "2023-01-01T00:00:00Z", scene: "a")
        let oldFact = try m.assert("likes", ["ann", "tea"])
        m.set("2023-12-01T00:00:00Z")
        let recent = try m.say("a recent note", at: "2023-12-01T00:00:00Z", scene: "b")
        try m.store.write { w in
            try w.db.execute(
                sql: "INSERT INTO activation(node_kind, node_id, at, event) VALUES ('e', ?, ?, 'recalled')",
                arguments: [recalled, Timestamp(iso8601: "2023-12-20")!.microseconds])
        }
        m.set("2024-01-01T00:00:00Z")
        let episodesBefore = try m.count("SELECT COUNT(*) FROM episode")
        let report = try m.consolidate()
        #expect(report.count("decay", "episodes_archived") == 1)
        #expect(report.count("decay", "facts_archived") == 1)
        func archived(_ table: String, _ id: Int64) throws -> Bool { try m.sql("SELECT archived FROM \(table) WHERE id = ?", [id]) ?? false }
        #expect(try archived("episode", old))
        #expect(try archived("fact", oldFact))
        #expect(try !archived("episode", important))
        #expect(try !archived("episode", recalled))
        #expect(try !archived("episode", recent))
        #expect(try m.count("SELECT COUNT(*) FROM episode") == episodesBefore)

        // Recalled again (with `include archived`), it comes back on the next run.
        try m.store.write { w in
            try w.db.execute(
                sql: "INSERT INTO activation(node_kind, node_id, at, event) VALUES ('e', ?, ?, 'recalled')",
                arguments: [old, m.now.microseconds])
        }
        let again = try m.consolidate()
        #expect(again.count("decay", "episodes_restored") == 1)
        #expect(try !archived("episode", old))
    }

    @Test("The pass folds every activation log down to exactKept rows, counting every access, and archives by the folded log")
    func folds() throws {
        let m = try Memory(at: "2023-01-01T00:00:00Z")
        let often = try m.say("a note recalled every day", at: "2023-01-01T00:00:00Z", scene: "a")
        let never = try m.say("a note never recalled", at: "2023-01-01T00:00:00Z", scene: "a")
        let start = Timestamp(iso8601: "2023-01-02")!.microseconds
        try m.store.write { w in
            for day in 0..<300 {
                try w.db.execute(
                    sql: "INSERT INTO activation(node_kind, node_id, at, event) VALUES ('e', ?, ?, 'recalled')",
                    arguments: [often, start + Int64(day) * 86_400_000_000])
            }
        }
        m.set("2024-01-01T00:00:00Z")
        // A threshold the 16 newest accesses alone (B ≈ 0.7) do not reach and
        // all 300 (B ≈ 3.1) do: the verdict depends on the folded ones.
        m.settings.archiveThreshold = 2
        let counts = try m.accessCounts()
        let report = try m.consolidate()
        #expect(report.count("decay", "activation_rows_folded") == 300 - AccessHistory.exactKept)
        #expect(try m.count("SELECT COUNT(*) FROM activation WHERE node_kind = 'e' AND node_id = \(often)") == AccessHistory.exactKept)
        #expect(try m.accessCounts() == counts)
        // Scored from the folded log: the recalled note stays, its twin that was never recalled is archived.
        #expect(try !(m.sql("SELECT archived FROM episode WHERE id = ?", [often]) ?? true))
        #expect(try m.sql("SELECT archived FROM episode WHERE id = ?", [never]) ?? false)
        // Folded already: a second run folds nothing.
        #expect(try m.consolidate().count("decay", "activation_rows_folded") == 0)
    }

    @Test("Base-level activation follows ACT-R: more recent and more frequent is higher")
    func baseLevel() {
        let day: Int64 = 86_400_000_000
        let now = 1000 * day
        let once = DecayArchive.baseLevel(created: now - 100 * day, accesses: AccessHistory(), now: now, decay: 0.5)
        #expect(abs(once - (-0.5 * log(100.0))) < 1e-9)
        #expect(DecayArchive.baseLevel(created: now - 100 * day, accesses: AccessHistory(recent: [now - day]), now: now, decay: 0.5) > once)
        #expect(DecayArchive.baseLevel(created: now - 10 * day, accesses: AccessHistory(), now: now, decay: 0.5) > once)
    }
}
