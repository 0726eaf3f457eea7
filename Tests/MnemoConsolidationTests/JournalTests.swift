import Foundation
import GRDB
import MnemoModel
import Testing

@testable import MnemoConsolidation
@testable import MnemoStore

/// A memory every pass has work in.
func busyMemory() throws -> Memory {
    let m = try Memory(at: "2023-01-01T00:00:00Z")
    try twoFriends(m)
    try m.say("Hey Mel, see you", by: "Ann", at: "2023-02-05T10:05:00Z", scene: "chat 2", addressees: ["Mel"])
    try m.say("Hey Mel!", by: "Ann", at: "2023-03-05T10:05:00Z", scene: "chat 3", addressees: ["Mel"])
    try m.say("Bye", by: "Melanie", at: "2023-02-05T10:06:00Z", scene: "chat 2")
    try m.say("Bye!", by: "Melanie", at: "2023-03-05T10:06:00Z", scene: "chat 3")
    try m.say("an unplaced note", by: "Ann", at: "2023-06-01T10:00:00Z")
    try m.assert("lives_in", ["Ann", "Oslo"], from: "2020-01-01")
    try m.assert("lives_in", ["Ann", "Bergen"], from: "2022-01-01")
    _ = try m.store.write { w in try w.declare(PredicateDeclaration(name: "lives_in", roles: nil, functional: true)) }
    m.set("2024-06-01T00:00:00Z")
    return m
}

/// An episode recalled 40 times, more than a log keeps exactly: a run folds it.
func recallOften(_ m: Memory) throws {
    try m.store.write { w in
        for i in 0..<40 {
            try w.db.execute(
                sql: "INSERT INTO activation(node_kind, node_id, at, event) VALUES ('e', 1, ?, 'recalled')",
                arguments: [Int64(i) * 1_000_000])
        }
    }
}

@Suite("Journal, dry run and undo")
struct JournalTests {
    @Test("Every pass of a run is journaled with its counts, changes and duration")
    func journaled() throws {
        let m = try busyMemory()
        let report = try m.consolidate()
        #expect(report.passes.map(\.name) == ["entities", "supersession", "decay", "scenes", "reflector", "personas", "insights"])
        for pass in ["entities", "supersession", "decay", "scenes", "personas", "insights"] {
            #expect(report.passes.first { $0.name == pass }!.changes > 0, "pass \(pass) changed nothing")
        }
        let runs = try m.store.read { try Journal.runs($0) }
        #expect(runs.count == 1 && runs[0].status == "done" && !runs[0].dryRun)
        #expect(runs[0].summary?.contains("\"pass\":\"personas\"") == true)
        #expect(try m.count("SELECT COUNT(*) FROM consolidation_pass WHERE run_id = ?", [report.run]) == 7)
        #expect(try m.count("SELECT COUNT(*) FROM consolidation_change WHERE run_id = ?", [report.run]) == report.changes)
        #expect(try m.count("SELECT COUNT(*) FROM consolidation_change WHERE table_name = 'entity_link' AND op = 'insert'") == 1)
    }

    @Test("A second run straight after the first changes nothing")
    func idempotent() throws {
        let m = try busyMemory()
        #expect(try m.consolidate().changes > 0)
        let dump = try m.dump()
        #expect(try m.consolidate().changes == 0)
        #expect(try m.dump() == dump)
    }

    @Test("A dry run reports what a run would change, and changes nothing")
    func dryRun() throws {
        let m = try busyMemory()
        try recallOften(m)
        let before = try m.dump()
        let logBefore = try m.activationLog()
        let dry = try m.consolidate(dryRun: true)
        #expect(try m.dump() == before)
        #expect(try m.activationLog() == logBefore)
        #expect(dry.dryRun)
        let real = try m.consolidate()
        for pass in dry.passes { #expect(pass.changes == real.passes.first { $0.name == pass.name }!.changes, "pass \(pass.name)") }
        let runs = try m.store.read { try Journal.runs($0) }
        #expect(runs.map(\.status) == ["done", "dry run"])
    }

    @Test("Undo restores exactly the state before the run")
    func undo() throws {
        let m = try busyMemory()
        try recallOften(m)
        let before = try m.dump()
        let accessesBefore = try m.accessCounts()
        let run = try m.consolidate()
        #expect(try m.dump() != before)
        #expect(try m.count("SELECT count(*) FROM activation_folded") > 0, "the run folded no log")
        let undone = try m.consolidator.undo(run.run)
        #expect(undone.restored == run.changes)
        #expect(try m.dump() == before)
        #expect(try m.accessCounts() == accessesBefore)
        #expect(try m.store.read { try Journal.runs($0) }.first?.status == "undone")
        // Undone twice: refused.
        #expect(mnemoError { try m.consolidator.undo(run.run) }?.code == .conflict)
        // Run again after the undo: the same changes again.
        #expect(try m.consolidate().changes == run.changes)
    }

    @Test("Runs are undone newest first; undoing both restores the state before the first")
    func undoOrder() throws {
        let m = try busyMemory()
        let before = try m.dump()
        let first = try m.consolidate()
        m.settings.personaTopics = 1 // the second run keeps fewer topics: it has changes of its own
        let second = try m.consolidate()
        #expect(second.changes > 0)
        let middle = try m.dump()
        let error = mnemoError { try m.consolidator.undo(first.run) }
        #expect(error?.code == .conflict)
        #expect(error?.message.contains("undo consolidation \(second.run)") == true)
        #expect(try m.dump() == middle)
        _ = try m.consolidator.undo(second.run)
        _ = try m.consolidator.undo(first.run)
        #expect(try m.dump() == before)
    }

    @Test("Undo keeps what clients wrote since the run")
    func undoKeepsLaterWrites() throws {
        let m = try busyMemory()
        let run = try m.consolidate()
        #expect(try m.store.read { try $0.scene(titled: "chat 5") }?.span.to != nil) // closed by the run
        let later = try m.say("One more thing about the watercolor.", by: "Ann", at: "2023-05-05T11:00:00Z", scene: "chat 5")
        _ = try m.consolidator.undo(run.run)
        #expect(try m.store.read { try $0.episode(id: later) }?.text == "One more thing about the watercolor.")
        #expect(try m.store.read { try $0.scene(titled: "chat 5") }?.span.to == nil) // open again, as before the run
        #expect(try m.count("SELECT COUNT(*) FROM persona_attribute WHERE pinned = 0") == 0)
    }

    @Test("Undo after a forget: what was forgotten stays forgotten, the rest is undone")
    func undoAfterForget() throws {
        let m = try busyMemory()
        let run = try m.consolidate()
        let bob: Int64 = try #require(try m.sql("SELECT id FROM entity WHERE norm = 'bob'"))
        #expect(try m.count("SELECT COUNT(*) FROM persona_attribute WHERE entity_id = ?", [bob]) > 0)
        let forgotten = try m.store.write { w in try w.forget(NodeID(.entity, bob)) }
        // The run's changes to Bob's rows left the journal with him: the undo has nothing of his to skip.
        #expect(forgotten.journalChanges > 0)
        #expect(try m.count("SELECT COUNT(*) FROM consolidation_change WHERE before LIKE '%\"bob\"%' OR after LIKE '%\"bob\"%'") == 0)
        let undone = try m.consolidator.undo(run.run)
        #expect(undone.skipped == 0)
        #expect(undone.restored > 0)
        #expect(try m.count("SELECT COUNT(*) FROM entity WHERE id = ?", [bob]) == 0)
        #expect(try m.count("SELECT COUNT(*) FROM persona_attribute WHERE pinned = 0") == 0)
        #expect(try m.count("SELECT COUNT(*) FROM entity_link") == 0)
    }

    @Test("Unknown runs and dry runs cannot be undone")
    func undoErrors() throws {
        let m = try busyMemory()
        #expect(mnemoError { try m.consolidator.undo(99) }?.code == .notFound)
        let dry = try m.consolidate(dryRun: true)
        #expect(mnemoError { try m.consolidator.undo(dry.run) }?.code == .invalid)
    }

    @Test("One run at a time per space: another answers BUSY")
    func oneAtATime() throws {
        let m = try busyMemory()
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let lock = m.lock
        DispatchQueue.global().async {
            _ = try? lock.hold { () throws(MnemoError) in
                entered.signal()
                release.wait()
            }
        }
        entered.wait()
        #expect(mnemoError { try m.consolidate() }?.code == .busy)
        #expect(mnemoError { try m.consolidator.undo(1) }?.code == .busy)
        release.signal()
    }
}

/// The `MnemoError` a body throws, or `nil`.
func mnemoError<T>(_ body: () throws -> T) -> MnemoError? {
    do {
        _ = try body()
        return nil
    } catch { return error as? MnemoError }
}
