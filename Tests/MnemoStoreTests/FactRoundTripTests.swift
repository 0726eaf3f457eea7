import GRDB
import MnemoModel
import Testing

@testable import MnemoStore

@Suite("n-ary facts round-trip")
struct FactRoundTripTests {
    @Test("every filler type comes back as written")
    func everyFillerType() throws {
        let s = try TestStore()
        let id = try s.store.write { w in
            try w.assert(
                FactAssertion(
                    "met",
                    [
                        Argument(.list([.entity("Alice"), .entity("Bob")]), role: "who"),
                        Argument(.entity("Paris"), role: "place"),
                        Argument(.literal(.text("merger")), role: "topic"),
                        Argument(.literal(.number(3.5)), role: "hours"),
                        Argument(.literal(.time(t("2024-01-03T10:00:00Z"))), role: "when"),
                    ])
            ).factID
        }
        let fact = try #require(try s.store.read { try $0.fact(id: id) })
        #expect(fact.predicate == "met")
        #expect(fact.roleNames == ["who", "place", "topic", "hours", "when"])
        #expect(fact.roleValues[0] == .list([.entity(id: 1, name: "Alice"), .entity(id: 2, name: "Bob")]))
        #expect(fact.value(of: "place")?.text == "Paris")
        #expect(fact.value(of: "topic") == .literal(.text("merger")))
        #expect(fact.value(of: "hours") == .literal(.number(3.5)))
        #expect(fact.value(of: "when") == .literal(.time(t("2024-01-03T10:00:00Z"))))
        #expect(fact.recorded.from == t("2020-01-01T00:00:00Z"))
        #expect(fact.recorded.to == nil && fact.valid == .always)
    }

    @Test("text that looks like a number stays text, and numbers compare by value")
    func literalTypesAreKept() throws {
        let s = try TestStore()
        _ = try s.store.write { w in
            try w.assert(FactAssertion("code", [Argument(.entity("x")), Argument(.literal(.text("42")))]))
            try w.assert(FactAssertion("score", [Argument(.entity("x")), Argument(.literal(.number(42)))]))
        }
        let code = try s.store.read { try $0.facts(matching: FactPattern("code", [(nil, .entity("x")), (nil, .literal(.text("42")))])) }
        #expect(code.count == 1 && code[0].roleValues[1] == .literal(.text("42")))
        let byNumber = try s.store.read { try $0.facts(matching: FactPattern("score", [(nil, .any), (nil, .literal(.number(42)))])) }
        #expect(byNumber.count == 1)
        let textIsNotNumber = try s.store.read { try $0.facts(matching: FactPattern("code", [(nil, .any), (nil, .literal(.number(42)))])) }
        #expect(textIsNotNumber.isEmpty)
    }

    @Test("positional roles take declared names, else _1, _2")
    func positionalRoleNames() throws {
        let s = try TestStore()
        let (declared, undeclared) = try s.store.write { w in
            try w.declare(PredicateDeclaration(name: "works_at", roles: ["person", "organisation"], functional: false))
            return (
                try w.assert(FactAssertion("works_at", entities: "alice", "acme")).factID,
                try w.assert(FactAssertion("likes", entities: "alice", "tea")).factID
            )
        }
        let a = try #require(try s.store.read { try $0.fact(id: declared) })
        let b = try #require(try s.store.read { try $0.fact(id: undeclared) })
        #expect(a.roleNames == ["person", "organisation"])
        #expect(b.roleNames == ["_1", "_2"])
    }

    @Test("a named pattern matches a member of a list filler")
    func listMembership() throws {
        let s = try TestStore()
        try s.store.write { w in
            try w.assert(
                FactAssertion(
                    "met",
                    [
                        Argument(.list([.entity("alice"), .entity("bob")]), role: "who"),
                        Argument(.entity("paris"), role: "place"),
                    ]))
        }
        let bob = try s.store.read { try $0.facts(matching: FactPattern("met", [("who", .entity("BOB"))])) }
        #expect(bob.count == 1)
        let carol = try s.store.read { try $0.facts(matching: FactPattern("met", [("who", .entity("alice")), ("place", .entity("rome"))])) }
        #expect(carol.isEmpty)
    }

    @Test("an identical assertion adds sources instead of a duplicate")
    func duplicatesMerge() throws {
        let s = try TestStore()
        let (first, second, e2) = try s.store.write { w in
            let e1 = try w.createEpisode(EpisodeInput(text: "Alice joined Acme", speaker: "alice")).episodeID
            let e2 = try w.createEpisode(EpisodeInput(text: "Alice still works at Acme", speaker: "alice")).episodeID
            let first = try w.assert(FactAssertion("works_at", [Argument(.entity("alice")), Argument(.entity("acme"))], sources: [e1]))
            let second = try w.assert(FactAssertion("works_at", [Argument(.entity("Alice")), Argument(.entity("ACME"))], sources: [e2]))
            return (first, second, e2)
        }
        #expect(first.created && !second.created)
        #expect(first.factID == second.factID)
        let fact = try #require(try s.store.read { try $0.fact(id: first.factID) })
        #expect(fact.sources.count == 2 && fact.sources.contains(e2))
    }

    @Test("names compare without case or extra spaces and keep their first spelling; aliases resolve")
    func namesAndAliases() throws {
        let s = try TestStore()
        try s.store.write { w in
            _ = try w.entityID(named: "Melanie  Smith")
            try w.alias("Mel", to: "melanie smith")
            try w.assert(FactAssertion("likes", entities: "mel", "camping"))
        }
        let entity = try #require(try s.store.read { try $0.entity(named: " MELANIE smith ") })
        #expect(entity.name == "Melanie Smith")
        #expect(entity.aliases == ["Mel"])
        let viaAlias = try s.store.read { try $0.facts(matching: FactPattern("likes", entities: "Melanie Smith", nil)) }
        #expect(viaAlias.count == 1 && viaAlias[0].roleValues[0].text == "Melanie Smith")
        #expect(throws: MnemoError.self) { try s.store.write { w in try w.alias("camping", to: "mel") } }
    }

    @Test("bad assertions are refused with a clear error and change nothing")
    func badAssertions() throws {
        let s = try TestStore()
        try s.store.write { w in try w.declare(PredicateDeclaration(name: "works_at", roles: ["person", "organisation"], functional: true)) }
        let cases: [(FactAssertion, MnemoError.Code, String)] = [
            (FactAssertion("works_at", entities: "a", "b", "c"), .invalid, "takes 2 arguments"),
            (FactAssertion("works_at", [Argument(.entity("a"), role: "boss")]), .invalid, "no role \"boss\""),
            (FactAssertion("likes", [Argument(.entity("a"))], confidence: 1.5), .invalid, "confidence"),
            (FactAssertion("likes", [Argument(.entity("a"))], sources: [999]), .notFound, "e:999"),
            (FactAssertion("likes", [Argument(.entity("a"))], validFrom: t("2021-01-01"), validTo: t("2020-01-01")), .invalid, "empty"),
            (FactAssertion("likes", [Argument(.list([.list([.entity("a")])]))]), .invalid, "nested"),
            (FactAssertion("works_at", [Argument(.list([.entity("a"), .entity("b")])), Argument(.entity("c"))]), .invalid, "functional"),
        ]
        for (assertion, code, fragment) in cases {
            let error = mnemoError { try s.store.write { w in _ = try w.assert(assertion) } }
            #expect(error?.code == code, "\(assertion): \(String(describing: error))")
            #expect(error?.message.contains(fragment) == true, "\(String(describing: error))")
        }
        let count = try s.store.read { try Int.fetchOne($0.db, sql: "SELECT COUNT(*) FROM fact") }
        #expect(count == 0)
        // The failed writes left no cached ids behind: a new write still works.
        let ok = try s.store.write { w in try w.assert(FactAssertion("likes", entities: "a", "tea")) }
        #expect(ok.created)
    }
}
