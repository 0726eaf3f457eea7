import GRDB
import MnemoModel
import MnemoStore
import Testing

@testable import MnemoConsolidation

@Suite("Pass 2: supersession and conflicts")
struct SupersessionTests {
    @Test("Values asserted before the predicate became functional are closed in order; ties become conflicts")
    func closesAndRecordsConflicts() throws {
        let m = try Memory()
        let first = try m.assert("lives_in", ["alice", "paris"], from: "2020-01-01")
        let second = try m.assert("lives_in", ["alice", "london"], from: "2022-01-01")
        let tieA = try m.assert("lives_in", ["bob", "rome"], from: "2021-01-01")
        let tieB = try m.assert("lives_in", ["bob", "oslo"], from: "2021-01-01")
        _ = try m.store.write { w in try w.declare(PredicateDeclaration(name: "lives_in", roles: nil, functional: true)) }
        m.set("2024-02-01T00:00:00Z")
        let report = try m.consolidate()
        #expect(report.count("supersession", "closed") == 1)
        #expect(report.count("supersession", "conflicts") == 1)
        let closed = try m.store.read { try $0.fact(id: first) }
        #expect(closed?.valid.to == Timestamp(iso8601: "2022-01-01"))
        #expect(closed?.supersededBy == second)
        // The earlier belief is kept for `known as of`.
        #expect(try m.count("SELECT COUNT(*) FROM fact_belief WHERE fact_id = ?", [first]) == 1)
        // Both tied values stay believed; the conflict names them.
        #expect(try m.store.read { try $0.fact(id: tieA) }?.supersededBy == nil)
        let conflicts = try m.store.read { try $0.insights(kinds: ["conflict"]) }
        #expect(conflicts.count == 1)
        #expect(Set(conflicts[0].support) == [NodeID(.fact, tieA), NodeID(.fact, tieB)])
        #expect(conflicts[0].subject == "bob")
        // Again: nothing to do.
        #expect(try m.consolidate().changes == 0)
    }
}
