import GRDB
import MnemoModel
import Testing

@testable import MnemoStore

/// The writer remembers the key of every fact so that an assertion of a new
/// fact need not look for a duplicate; these check that it never misses one.
@Suite("duplicate facts and the writer's memory of fact keys")
struct FactKeyTests {
    @Test("a fact another connection wrote is found as the same fact")
    func writtenByAnotherConnection() throws {
        let dir = TemporaryDirectory()
        let a = try MemoryStore(path: dir.file("shared.sqlite"))
        let b = try MemoryStore(path: dir.file("shared.sqlite"))
        try a.write { w in try w.assert(FactAssertion("likes", entities: "ann", "tea")) }
        let written = try b.write { w in try w.assert(FactAssertion("likes", entities: "bob", "coffee")) }
        let again = try a.write { w in try w.assert(FactAssertion("likes", entities: "Bob", "Coffee")) }
        #expect(written.created && !again.created && again.factID == written.factID)
        let count = try a.read { try Int.fetchOne($0.db, sql: "SELECT count(*) FROM fact") }
        #expect(count == 2)
    }

    @Test("an assertion rolled back leaves no trace: asserting it again creates the fact once")
    func rolledBack() throws {
        let s = try TestStore()
        try s.store.write { w in try w.assert(FactAssertion("likes", entities: "ann", "tea")) }
        #expect(
            mnemoError {
                try s.store.write { w in
                    try w.assert(FactAssertion("likes", entities: "ann", "cake"))
                    throw MnemoError(.invalid, "abandoned")
                }
            }?.code == .invalid)
        let first = try s.store.write { w in try w.assert(FactAssertion("likes", entities: "ann", "cake")) }
        let second = try s.store.write { w in try w.assert(FactAssertion("likes", entities: "ann", "cake")) }
        #expect(first.created && !second.created && second.factID == first.factID)
    }

    @Test("a fact forgotten in a write that then fails is still found as the same fact, even when that write first read the keys")
    func forgottenThenRolledBack() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("forget.sqlite")
        let fact = try MemoryStore(path: path).write { w in try w.assert(FactAssertion("likes", entities: "ann", "tea")) }
        // A store just opened has not read the keys yet: the failing write does,
        // after its forget, so the key of the fact the rollback brings back is not among them.
        let store = try MemoryStore(path: path)
        #expect(
            mnemoError {
                try store.write { w in
                    _ = try w.forget(NodeID(.fact, fact.factID))
                    try w.assert(FactAssertion("likes", entities: "ann", "cake"))
                    throw MnemoError(.invalid, "abandoned")
                }
            }?.code == .invalid)
        let again = try store.write { w in try w.assert(FactAssertion("likes", entities: "ann", "tea")) }
        #expect(!again.created && again.factID == fact.factID)
        let count = try store.read { try Int.fetchOne($0.db, sql: "SELECT count(*) FROM fact") }
        #expect(count == 1)
    }

    @Test("a fact asserted again in the same transaction is found before it commits")
    func sameTransaction() throws {
        let s = try TestStore()
        let (first, second) = try s.store.write { w in
            (try w.assert(FactAssertion("likes", entities: "ann", "tea")), try w.assert(FactAssertion("likes", entities: "ann", "tea")))
        }
        #expect(first.created && !second.created && second.factID == first.factID)
    }
}
