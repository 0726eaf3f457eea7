import Foundation
import MnemoModel
import MnemoQuery
import Testing

@testable import MnemoEngine
@testable import MnemoStore

/// Statements that write their lines as they read their rows charge each
/// line to the answer's budget (`max_answer_bytes`), like the others.
@Suite("answers charged to their budget")
struct AnswerBudgetTests {
    @Test("consolidations past the budget answers TOO_LARGE, fewer runs answer, and the lines are the journal's")
    func consolidations() throws {
        let directory = NSTemporaryDirectory() + "mnemo-budget-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let space = Space(name: "t", store: try MemoryStore(path: directory + "/t.sqlite"))
        func run(_ text: String, budget: AnswerBudget = .unlimited) throws -> Answer {
            try Executor(space: space, budget: budget).answer(try #require(try Parser.parse(text)))
        }
        for _ in 0..<4 { _ = try run("consolidate") }
        _ = try run("consolidate dry run")
        let all = try run("consolidations").values.map(\.serialized)
        #expect(all.count == 5)
        #expect(all.first?.hasPrefix(#"{"kind":"journal","run":5,"status":"dry run","dry_run":true,"started_at":""#) == true)
        #expect(all.last?.hasPrefix(#"{"kind":"journal","run":1,"status":"done","dry_run":false,"started_at":""#) == true)
        let bytes = all.reduce(0) { $0 + $1.utf8.count + 1 }
        let error = #expect(throws: MnemoError.self) { _ = try run("consolidations", budget: AnswerBudget(limit: bytes - 1)) }
        #expect(error?.code == .tooLarge)
        #expect(try run("consolidations", budget: AnswerBudget(limit: bytes)).values.map(\.serialized) == all)
        #expect(try run("consolidations limit 2", budget: AnswerBudget(limit: bytes / 2)).values.map(\.serialized) == Array(all.prefix(2)))
        // Each line carries its run's summary as the journal holds it, text
        // that is not ASCII too.
        try space.store.write { w in
            try w.db.execute(sql: #"UPDATE consolidation_run SET summary = '{"note":"café ✓"}' WHERE id = 2"#)
        }
        let runs = try space.store.read { try $0.consolidationRuns(limit: 10) }
        let lines = try run("consolidations").values.map(\.serialized)
        #expect(runs.count == 5)
        for (line, entry) in zip(lines, runs) {
            #expect(line.contains(#","summary":"# + (entry.summary ?? "null") + "}"))
        }
        #expect(lines[3].hasSuffix(#","summary":{"note":"café ✓"}}"#))
        // An empty summary (a journal edited by hand) would be no JSON: null.
        try space.store.write { w in try w.db.execute(sql: "UPDATE consolidation_run SET summary = '' WHERE id = 3") }
        #expect(try run("consolidations").values.map(\.serialized)[2].hasSuffix(#","summary":null}"#))
    }
}
