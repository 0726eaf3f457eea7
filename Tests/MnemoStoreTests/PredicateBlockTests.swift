import GRDB
import MnemoModel
import Testing

@testable import MnemoStore

/// "Every fact of P" reads the blocks of 128 fact ids that
/// `fact_predicate_block` lists for P (schema version 6).
@Suite("the facts of a predicate, by blocks of ids")
struct PredicateBlockTests {
    @Test("every fact of a predicate is found, across blocks and after forgets")
    func acrossBlocks() throws {
        let s = try TestStore()
        // Ids 1 to 2,100: 17 blocks of 128, each holding both predicates.
        try s.store.write { w in
            for i in 1...2_100 { try w.assert(FactAssertion(i % 2 == 0 ? "even" : "odd", entities: "n\(i)", "m\(i)")) }
        }
        #expect(try s.store.read { try Int.fetchOne($0.db, sql: "SELECT COUNT(*) FROM fact_predicate_block") } == 34)
        try s.store.write { w in for id in stride(from: 2, through: 2_100, by: 10) { _ = try w.forget(NodeID(.fact, Int64(id))) } }
        let even = try s.store.read { try $0.facts(matching: FactPattern("even", entities: nil, nil)) }.map(\.id)
        let expected = (1...2_100).filter { $0 % 2 == 0 && $0 % 10 != 2 }.map(Int64.init)
        #expect(even == expected)
        #expect(try s.store.read { try $0.facts(matching: FactPattern("odd", entities: nil, nil)) }.count == 1_050)
        #expect(try s.store.read { try $0.history(of: FactPattern("odd", entities: nil, nil)) }.count == 1_050)
    }

    @Test("a store listed by version 6 (blocks of 1,024 ids) is listed again by version 7 (blocks of 128)")
    func upgradeFromLargerBlocks() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("v6.sqlite")
        try closed(MemoryStore(path: path, options: .upTo(6))) { old in
            try old.write { w in
                for i in 1...300 { try w.assert(FactAssertion("next", entities: "n\(i)", "n\(i + 1)")) }
                // What version 6 wrote: one block of 1,024 ids.
                try w.db.execute(sql: "DELETE FROM fact_predicate_block; INSERT INTO fact_predicate_block SELECT DISTINCT predicate_id, id >> 10 FROM fact")
            }
        }
        let upgraded = try MemoryStore(path: path)
        #expect(try upgraded.read { try $0.facts(matching: FactPattern("next", entities: nil, nil)) }.count == 300)
        #expect(try upgraded.read { try Int.fetchOne($0.db, sql: "SELECT COUNT(*) FROM fact_predicate_block") } == 3)
    }

    @Test("a block listed in a write that rolls back is listed again by the next write")
    func rolledBackListing() throws {
        let s = try TestStore()
        try s.store.write { w in try w.assert(FactAssertion("likes", entities: "ann", "tea")) }
        #expect(
            mnemoError {
                try s.store.write { w in
                    try w.assert(FactAssertion("visits", entities: "ann", "rome"))
                    throw MnemoError(.invalid, "abandoned")
                }
            }?.code == .invalid)
        try s.store.write { w in try w.assert(FactAssertion("visits", entities: "bob", "oslo")) }
        #expect(try s.store.read { try $0.facts(matching: FactPattern("visits", entities: nil, nil)) }.map { $0.roleValues.first?.text } == ["bob"])
    }
}
