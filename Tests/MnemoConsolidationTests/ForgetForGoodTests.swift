import Foundation
import GRDB
import MnemoModel
import Testing

@testable import MnemoConsolidation
@testable import MnemoStore

/// The secret of these tests, and words of it that appear nowhere else.
private let secretText = "Yesterday Dr Zebrowski gave me the harbour gallery locker code, 7Q4-ZEBRA-91, for my watercolor."
private let secretWords = ["7q4-zebra-91", "7q4", "zebra", "zebrowski", "locker"]

/// Which of `needles` occur, ASCII case aside, in any file under `directory`
/// (the space file, its WAL and shared memory), read as raw bytes.
func filesContaining(_ needles: [String], in directory: String) throws -> [String] {
    var found: [String] = []
    let files = try FileManager.default.subpathsOfDirectory(atPath: directory)
    for file in files {
        let path = directory + "/" + file
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
            let data = FileManager.default.contents(atPath: path)
        else { continue }
        let lowered = [UInt8](data).map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }
        for needle in needles where lowered.firstRange(of: Array(needle.lowercased().utf8)) != nil {
            found.append("\(needle) in \(file)")
        }
    }
    return found
}

/// Ann and Bob's chats, with Ann's secret in the last one, dated so that it
/// enters her timeline; and a fact that holds the secret as a text filler.
private func memoryWithSecret() throws -> (Memory, episode: Int64, fact: Int64) {
    let m = try Memory(at: "2023-01-01T00:00:00Z")
    try twoFriends(m)
    let episode = try m.say(
        secretText, by: "Ann", at: "2023-05-05T10:04:00Z", scene: "chat 5", mentions: ["Zebrowski"],
        times: [
            TimeMention(
                text: "Yesterday",
                range: TimeRange(
                    from: Timestamp(iso8601: "2023-05-04"),
                    to: Timestamp(iso8601: "2023-05-05")))
        ])
    let fact = try m.store.write { w in
        try w.assert(FactAssertion("locker_code", [Argument(.entity("Ann")), Argument(.literal(.text("7Q4-ZEBRA-91")))])).factID
    }
    m.set("2024-06-01T00:00:00Z")
    return (m, episode, fact)
}

@Suite("forget is for good")
struct ForgetForGoodTests {
    @Test("After consolidate and forget, no file of the space holds the forgotten text, the journal included; nor after undo")
    func noTraceInFiles() throws {
        let (m, episode, fact) = try memoryWithSecret()
        let run = try m.consolidate()
        // What the test is about: consolidation copied the secret into derived rows and into the journal.
        #expect(try m.store.read { try $0.scene(titled: "chat 5") }?.summary?.contains("ZEBRA") == true)
        #expect(try m.count("SELECT COUNT(*) FROM persona_attribute WHERE value LIKE '%ZEBRA%'") > 0)
        #expect(try m.count("SELECT COUNT(*) FROM consolidation_change WHERE before LIKE '%ZEBRA%' OR after LIKE '%ZEBRA%'") > 0)
        #expect(try m.count("SELECT COUNT(*) FROM consolidation_pass WHERE instr(changeset, CAST('ZEBRA' AS BLOB)) > 0") > 0)

        let forgotten = try m.store.write { w in try w.forget(NodeID(.episode, episode)) }
        _ = try m.store.write { w in try w.forget(NodeID(.fact, fact)) }
        #expect(forgotten.deleted.contains { $0.kind == .persona }) // the timeline entry
        #expect(forgotten.deleted.contains { $0.kind == .entity }) // Zebrowski, named by nothing else
        #expect(forgotten.journalChanges > 0)
        #expect(try filesContaining(secretWords, in: m.directory) == [])
        #expect(!(try m.dump().lowercased().contains("zebra")))
        // The scene stays, without the summary written from the secret; the next run writes it anew.
        #expect(try m.store.read { try $0.scene(titled: "chat 5") }?.summary == nil)
        try m.consolidate()
        #expect(try m.store.read { try $0.scene(titled: "chat 5") }?.summary?.isEmpty == false)
        #expect(try filesContaining(secretWords, in: m.directory) == [])

        // Undo after forget: the second run first (newest first), then the first one.
        let runs = try m.store.read { try Journal.runs($0) }
        for entry in runs where entry.status == "done" { _ = try m.consolidator.undo(entry.id) }
        #expect(try m.store.read { try Journal.runs($0) }.first { $0.id == run.run }?.status == "undone")
        #expect(!(try m.dump().lowercased().contains("zebra")))
        #expect(try m.count("SELECT COUNT(*) FROM persona_attribute WHERE pinned = 0") == 0)
        #expect(try m.count("SELECT COUNT(*) FROM support") == 0)
        let tea = try m.assert("likes", ["Ann", "tea"])
        _ = try m.store.write { w in try w.forget(NodeID(.fact, tea)) } // truncates the WAL
        #expect(try filesContaining(secretWords, in: m.directory) == [])
    }

    @Test("A forgotten entity takes its name out of summaries, other people's personas, insights and the journal")
    func entityName() throws {
        let m = try Memory(at: "2023-01-01T00:00:00Z")
        try twoFriends(m)
        for (i, day) in ["2023-01-05", "2023-02-05", "2023-03-05", "2023-04-05", "2023-05-05"].enumerated() {
            try m.say(
                "Painting the harbour sounds like a lovely morning for a watercolor.", by: "Quincy Zebulon",
                at: "\(day)T10:05:00Z", scene: "chat \(i + 1)", addressees: ["Ann"])
        }
        m.set("2024-06-01T00:00:00Z")
        try m.consolidate()
        #expect(try m.count("SELECT COUNT(*) FROM persona_attribute WHERE value LIKE '%Quincy%'") > 0) // Ann talks_with Quincy
        #expect(try m.count("SELECT COUNT(*) FROM scene WHERE summary LIKE '%Quincy%'") > 0)
        let quincy: Int64 = try #require(try m.sql("SELECT id FROM entity WHERE norm = 'quincy zebulon'"))
        let report = try m.store.write { w in try w.forget(NodeID(.entity, quincy)) }
        #expect(!report.redactedScenes.isEmpty)
        #expect(try filesContaining(["quincy", "zebulon"], in: m.directory) == [])
        // Quincy's episodes stay, without a speaker.
        #expect(try m.count("SELECT COUNT(*) FROM episode WHERE text LIKE 'Painting the harbour%' AND speaker_id IS NULL") == 5)
        for entry in try m.store.read({ try Journal.runs($0) }) { _ = try m.consolidator.undo(entry.id) }
        #expect(!(try m.dump().lowercased().contains("quincy")))
    }

    /// A scene a client closed before the run: the run's change to it sets
    /// the summary alone, so redacting the summary leaves a change with
    /// nothing in it, which the filtered changeset drops (found by mnemo-fuzz:
    /// the journal's rows were then matched to one change too few, and
    /// forget of the entity killed mnemod with an index out of range).
    @Test("Forgetting an entity named in a summary that was a run's only change to its scene")
    func summaryOnlyChange() throws {
        let m = try Memory(at: "2023-01-01T00:00:00Z")
        try m.store.write { w in _ = try w.openScene("harbour walk", at: Timestamp(iso8601: "2023-01-05T09:00:00Z")!) }
        for minute in 0..<4 {
            try m.say(
                "Walking the harbour with Quincy Zebulon again.", by: "Ann", at: "2023-01-05T10:0\(minute):00Z",
                scene: "harbour walk", mentions: ["Quincy Zebulon"])
        }
        try m.store.write { w in _ = try w.closeScene("harbour walk", at: Timestamp(iso8601: "2023-01-05T11:00:00Z")!) }
        m.set("2024-06-01T00:00:00Z")
        let run = try m.consolidate()
        let summaryOnly = try m.count(
            """
            SELECT COUNT(*) FROM consolidation_change WHERE run_id = ? AND table_name = 'scene' AND op = 'update'
            AND after LIKE '[null,null,null,null,null,null,"%' AND after LIKE '%Quincy%'
            """, [run.run])
        #expect(summaryOnly > 0, "the run did not change a scene's summary alone: the case is not set up")
        let quincy: Int64 = try #require(try m.sql("SELECT id FROM entity WHERE norm = 'quincy zebulon'"))
        let changesBefore = try m.count("SELECT COUNT(*) FROM consolidation_change WHERE run_id = ?", [run.run])
        let report = try m.store.write { w in try w.forget(NodeID(.entity, quincy)) }
        #expect(!report.redactedScenes.isEmpty)
        // The episodes keep their text; the summary and the journal's copies of it go.
        func named() throws -> Int {
            try m.count("SELECT COUNT(*) FROM scene WHERE summary LIKE '%Quincy%'")
                + m.count("SELECT COUNT(*) FROM consolidation_change WHERE before LIKE '%Quincy%' OR after LIKE '%Quincy%'")
        }
        #expect(try named() == 0)
        // The journal's rows still match its changeset one for one.
        let (rows, changes) = try m.store.read { r in
            (
                try Int.fetchOne(r.db, sql: "SELECT COUNT(*) FROM consolidation_change WHERE run_id = ?", arguments: [run.run]) ?? 0,
                try Int.fetchOne(r.db, sql: "SELECT SUM(changes) FROM consolidation_pass WHERE run_id = ?", arguments: [run.run]) ?? 0
            )
        }
        #expect(rows == changes && rows < changesBefore)
        _ = try m.consolidator.undo(run.run)
        #expect(try named() == 0)
    }

    @Test("An entity a forgotten item did not name alone stays, and so does one a client named elsewhere")
    func namedElsewhere() throws {
        let m = try Memory(at: "2023-01-01T00:00:00Z")
        let first = try m.say("Lunch with Yolanda at the pier.", by: "Ann", at: "2023-01-05T10:00:00Z", mentions: ["Yolanda", "Pier"])
        try m.say("Yolanda again.", by: "Ann", at: "2023-01-06T10:00:00Z", mentions: ["Yolanda"])
        try m.store.write { w in _ = try w.alias("the pier", to: "Pier") }
        let report = try m.store.write { w in try w.forget(NodeID(.episode, first)) }
        #expect(report.deleted == [NodeID(.episode, first)])
        #expect(try m.store.read { try $0.entity(named: "yolanda") } != nil)
        #expect(try m.store.read { try $0.entity(named: "pier") } != nil)
        #expect(try m.store.read { try $0.entity(named: "ann") } != nil)
    }

    @Test("A forgotten episode leaves no term in the full-text index and no copy in the file's free space")
    func indexAndFreeSpace() throws {
        let m = try Memory()
        try m.say("Lunch at the harbour.", by: "Ann", at: "2023-01-05T10:00:00Z")
        let secret = try m.say(secretText, by: "Ann", at: "2023-01-05T10:01:00Z")
        try m.say("Painting the harbour again.", by: "Ann", at: "2023-01-05T10:02:00Z")
        #expect(try !filesContaining(["zebra"], in: m.directory).isEmpty)
        _ = try m.store.write { w in try w.forget(NodeID(.episode, secret)) }
        #expect(try filesContaining(secretWords, in: m.directory) == [])
        #expect(try m.count("SELECT COUNT(*) FROM episode_fts WHERE episode_fts MATCH 'harbour'") == 2)
    }

    @Test("A reader that holds the WAL past the busy timeout delays its truncation to the next write, which does not wait")
    func truncationOwed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mnemo-forget-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var options = StoreOptions()
        options.busyTimeout = 0.2
        let store = try MemoryStore(path: directory + "/test.sqlite", options: options)
        let secret = try store.write { w in try w.createEpisode(EpisodeInput(text: secretText, speaker: "Ann")).episodeID }
        _ = try store.write { w in try w.createEpisode(EpisodeInput(text: "Lunch at the harbour.", speaker: "Ann")) }
        // Another connection reads a snapshot from before the forget, and keeps it.
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        let reader = try DatabaseQueue(path: directory + "/test.sqlite", configuration: configuration)
        try reader.inDatabase { db in
            try db.execute(sql: "BEGIN")
            _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM episode")
        }
        _ = try store.write { w in try w.forget(NodeID(.episode, secret)) }
        #expect(try !filesContaining(["zebra"], in: directory).isEmpty) // the WAL still holds the old pages
        try reader.inDatabase { db in try db.execute(sql: "COMMIT") }
        let started = ContinuousClock.now
        _ = try store.write { w in try w.createEpisode(EpisodeInput(text: "Tea later.", speaker: "Ann")) }
        #expect(ContinuousClock.now - started < .seconds(2))
        #expect(try filesContaining(secretWords, in: directory) == [])
        try reader.close()
    }

    @Test("Filtering a changeset and keeping every change gives the same bytes; redacting a column keeps it undoable")
    func changesetFilter() throws {
        let (m, _, _) = try memoryWithSecret()
        try m.consolidate()
        let blobs = try m.store.read { r in try Data.fetchAll(r.db, sql: "SELECT changeset FROM consolidation_pass WHERE changeset IS NOT NULL") }
        #expect(blobs.count >= 3)
        for blob in blobs {
            let (copy, kept) = try Changeset(data: blob).filtered { _ in .keep }
            #expect(copy.data == blob)
            #expect(kept == (try Changeset(data: blob).changes().count))
        }
        let scenes = try #require(blobs.first { (try? Changeset(data: $0).changes().contains { $0.table == "scene" && $0.op == "update" }) == true })
        let (redacted, _) = try Changeset(data: scenes).filtered { $0.table == "scene" ? .redact([6]) : .keep }
        let updates = try redacted.changes().filter { $0.table == "scene" }
        #expect(!updates.isEmpty)
        #expect(updates.allSatisfy { !($0.after ?? "").contains("ZEBRA") })
        _ = try redacted.inverted()
    }
}
