import Foundation
import MnemoModel
import MnemoStore
import Testing

/// Names are found by their bytes, as SQLite compares them, whether the
/// writer's cache holds them or not (`ExactName`): two spellings of "José"
/// (é, or e and a combining accent) are two entities and two predicates,
/// before a restart and after it alike.
@Suite("names are found by their bytes, cached or not")
struct ExactNameTests {
    static let composed = "Jos\u{E9}"
    static let decomposed = "Jose\u{301}"

    @Test("Swift holds the two spellings equal; ExactName does not")
    func spellings() {
        #expect(Self.composed == Self.decomposed)
        #expect(ExactName(Self.composed) != ExactName(Self.decomposed))
        #expect(ExactName(Self.composed) == ExactName("Jos" + "\u{E9}"))
        #expect(Set([ExactName(Self.composed), ExactName(Self.decomposed)]).count == 2)
    }

    @Test("an entity named by the other spelling is another entity, while the cache is warm and after a restart")
    func entities() throws {
        // A store of its own, opened twice in turn (the suite's `TestStore`
        // may be a replica of a shared space, which a second opening is not).
        let directory = TemporaryDirectory()
        var store: MemoryStore? = try MemoryStore(path: directory.file("names.sqlite"))
        let first = try store!.write { w in try w.entityID(named: Self.composed) }
        let second = try store!.write { w in try w.entityID(named: Self.decomposed) }
        #expect(first != second)
        #expect(try store!.write { w in try w.entityID(named: Self.composed) } == first)
        store = nil
        let reopened = try MemoryStore(path: directory.file("names.sqlite"))
        #expect(try reopened.write { w in try w.entityID(named: Self.decomposed) } == second)
        #expect(try reopened.write { w in try w.entityID(named: Self.composed) } == first)
    }

    @Test("a predicate declared under one spelling is not found under the other")
    func predicates() throws {
        let t = try TestStore()
        _ = try t.store.write { w in try w.declare(PredicateDeclaration(name: "caf\u{E9}", roles: ["who", "what"], functional: false)) }
        let other = try t.store.write { w in
            try w.assert(FactAssertion("cafe\u{301}", [Argument(.entity("ann")), Argument(.entity("bob")), Argument(.entity("cy"))]))
        }
        let fact = try #require(try t.store.read { r in try r.fact(id: other.factID) })
        // Declared with two roles, the composed predicate would refuse three
        // arguments; the decomposed one is another, undeclared predicate.
        #expect(fact.roleValues.count == 3)
        #expect(Array(fact.predicate.utf8) == Array("cafe\u{301}".utf8))
    }
}
