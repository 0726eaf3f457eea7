import MnemoModel
import Testing

@testable import MnemoStore

/// `history` over a pattern that binds no filler writes its lines straight
/// from the rows (`HistoryLines`); these hold those lines to what writing each
/// version `history(of:limit:)` reads gives, byte for byte, over every shape
/// a fact's line takes.
@Suite("history lines written from the rows")
struct HistoryLinesTests {
    /// A store with a predicate of every filler shape (`big`, undeclared,
    /// 600 facts, among others' facts), one of facts one after another
    /// (`dense`), one whose facts lack a role now and then (`mixed`), and
    /// declared functional ones that change their minds (`lives_in`,
    /// `works_at`, and `visits`, one fact in twenty: a chunk spread thin).
    func store() throws -> TestStore {
        let s = try TestStore(startingAt: "2020-06-01T00:00:00Z")
        try s.store.write { w in
            let episodes = try (0..<3).map { try w.createEpisode(EpisodeInput(text: "source \($0)")).episodeID }
            for name in ["lives_in", "works_at", "visits"] {
                try w.declare(PredicateDeclaration(name: name, roles: ["person", "where"], functional: true))
            }
            for i in 0..<600 {
                let text: String =
                    switch i % 5 {
                    case 0: "plain \(i)"
                    case 1: "quote \" back \\ line\nand tab\t\u{1}"
                    case 2: "José \(i) 東京"
                    case 3: ""
                    default: "a \u{2028} separator"
                    }
                let list: Filler = .list(
                    i % 4 == 0 ? [.entity("ann")] : [.entity("ann"), .literal(.number(Double(i) / 8)), .literal(.time(t("2021-03-04T05:06:07Z")))])
                _ = try w.assert(
                    FactAssertion(
                        "big",
                        [
                            Argument(.literal(.number(Double(i))), role: "i"), Argument(.literal(.text(text)), role: "text"),
                            Argument(list, role: "who"), Argument(.entity(i % 2 == 0 ? "Zoë" : "bob"), role: "by"),
                        ], validFrom: i % 3 == 0 ? nil : t("2021-01-01").adding(days: i), validTo: i % 11 == 0 ? t("2030-01-01") : nil,
                        confidence: i % 6 == 0 ? 0.25 : 1, sources: Array(episodes.prefix(i % 4)), note: i % 3 == 0 ? "note \"\(i)\"" : nil,
                        scene: i % 9 == 0 ? "scene \(i % 2)" : nil))
                var mixed = [Argument(.literal(.number(Double(i))), role: "n")]
                if i % 3 != 0 { mixed.append(Argument(.entity("p\(i % 7)"), role: "extra")) }
                _ = try w.assert(FactAssertion("mixed", mixed))
                _ = try w.assert(FactAssertion("lives_in", [Argument(.entity("p\(i)")), Argument(.entity("paris"))], validFrom: t("2019-01-01")))
                _ = try w.assert(FactAssertion("works_at", [Argument(.entity("p\(i)")), Argument(.entity("acme"))], validFrom: t("2019-01-01")))
                if i % 20 == 0 {
                    _ = try w.assert(FactAssertion("visits", [Argument(.entity("p\(i)")), Argument(.entity("rome"))], validFrom: t("2019-01-01")))
                }
            }
            // One after another: their sources are read by id range. Their last role is a list.
            for i in 0..<300 {
                let tags: Filler = .list((0...(i % 3)).map { .literal(.text("tag \($0)")) })
                _ = try w.assert(
                    FactAssertion(
                        "dense", [Argument(.literal(.number(Double(i))), role: "n"), Argument(tags, role: "tags")], sources: Array(episodes.prefix(i % 4))))
            }
        }
        s.clock.set("2021-01-01T00:00:00Z")
        try s.store.write { w in
            // Every seventh `big` fact retracted; half the people move, all change jobs, every visit moves.
            let big = try w.reader.facts(matching: FactPattern("big", []))
            for (i, fact) in big.enumerated() where i % 7 == 0 { _ = try w.retract(fact: fact.id) }
            for i in 0..<600 {
                if i % 2 == 0 {
                    _ = try w.assert(FactAssertion("lives_in", [Argument(.entity("p\(i)")), Argument(.entity("berlin"))], validFrom: t("2020-12-01")))
                }
                _ = try w.assert(FactAssertion("works_at", [Argument(.entity("p\(i)")), Argument(.entity("globex"))], validFrom: t("2020-12-01")))
                if i % 20 == 0 {
                    _ = try w.assert(FactAssertion("visits", [Argument(.entity("p\(i)")), Argument(.entity("oslo"))], validFrom: t("2020-12-01")))
                }
            }
        }
        return s
    }

    /// The lines `writeHistory` writes, and those of each version `history`
    /// reads, as bytes (`String`'s `==` would hold two spellings of "é" equal).
    func lines(_ s: TestStore, _ pattern: FactPattern, limit: Int = .max) throws -> (written: [[UInt8]], fromFacts: [[UInt8]], direct: Bool) {
        try s.store.read { r in
            var text = AnswerText()
            try r.writeHistory(of: pattern, limit: limit, into: &text)
            let written = text.bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().map { Array($0) }
            #expect(written.count == text.count)
            let fromFacts = try r.history(of: pattern, limit: limit).map { fact in
                var out = JSONBuffer()
                Encode.write(fact, to: &out)
                return out.bytes
            }
            let predicate = try r.cache.predicate(Name.normalize(pattern.predicate), in: r.db)
            let constraints = try predicate.flatMap { try r.resolve(pattern, roles: $0.roles) }
            let direct = predicate.flatMap { p in constraints.flatMap { HistoryLines(reader: r, predicate: p, constraints: $0) } } != nil
            return (written, fromFacts, direct)
        }
    }

    @Test("every filler shape, retracted facts, notes, scenes and sources, across chunks: the same lines")
    func everyShape() throws {
        let s = try store()
        for limit in [Int.max, 1, 255, 256, 257, 599] {
            let (written, fromFacts, direct) = try lines(s, FactPattern("big", []), limit: limit)
            #expect(direct)
            #expect(written.count == min(limit, 600))
            #expect(written == fromFacts, "limit \(limit)")
        }
        for limit in [Int.max, 2, 256, 257] {
            let (written, fromFacts, direct) = try lines(s, FactPattern("dense", []), limit: limit)
            #expect(direct)
            #expect(written.count == min(limit, 300))
            #expect(written == fromFacts, "limit \(limit)")
        }
        #expect(
            try lines(s, FactPattern("dense", [])).written.map { String(decoding: $0, as: UTF8.self) }.contains {
                $0.contains(#""tags":["tag 0","tag 1","tag 2"]},"#) && $0.contains(#""sources":["e:1","e:2","e:3"]"#)
            })
        // The shapes are all there: escapes, a list, a time, a note, a scene, a retraction.
        let all = try lines(s, FactPattern("big", [])).written.map { String(decoding: $0, as: UTF8.self) }
        for piece in [
            #"\"#, #"\u0001"#, #"\u2028"#, "José", #"["ann","#, "2021-03-04T05:06:07", #""source":"note \"#, #""scene":"s:"#, #""retracted_at":"2021-01-01"#,
        ] {
            #expect(all.contains { $0.contains(piece) }, "\(piece)")
        }
    }

    @Test("the facts with no earlier belief: the lines of each fact as fact(id:) reads it, every fact of the predicate in id order")
    func againstFactByID() throws {
        let s = try store()
        for name in ["big", "dense"] {
            let expected: [[UInt8]] = try s.store.read { r in
                let ids = try Int64.fetchAll(
                    r.db, sql: "SELECT f.id FROM fact f JOIN predicate p ON p.id = f.predicate_id WHERE p.name = ? ORDER BY f.id", arguments: [name])
                return try ids.map { id in
                    var out = JSONBuffer()
                    Encode.write(try #require(try r.fact(id: id)), to: &out)
                    return out.bytes
                }
            }
            #expect(expected.count == (name == "big" ? 600 : 300))
            #expect(try lines(s, FactPattern(name, [])).written == expected, "\(name)")
        }
    }

    @Test("two spellings of a role name that Unicode holds equal keep their own bytes, in both ways of reading")
    func roleNameBytes() throws {
        let s = try TestStore()
        try s.store.write { w in
            _ = try w.assert(FactAssertion("q", [Argument(.literal(.number(1)), role: "caf\u{E9}")]))
            _ = try w.assert(FactAssertion("q", [Argument(.literal(.number(2)), role: "cafe\u{301}")]))
        }
        let (written, fromFacts, direct) = try lines(s, FactPattern("q", []))
        #expect(direct)
        #expect(written == fromFacts)
        #expect(written.count == 2)
        #expect(written[1].starts(with: Array(#"{"kind":"fact","id":"f:2","predicate":"q","roles":{"cafe\#u{301}":2}"#.utf8)))
    }

    @Test("a role asked for by name or position leaves out the facts without it, as history does")
    func rolesAskedFor() throws {
        let s = try store()
        let patterns = [
            FactPattern("mixed", [("extra", .any)]), FactPattern("mixed", [("n", .any), ("extra", .any)]), FactPattern("mixed", [("n", .any)]),
            FactPattern("mixed", [("nothing", .any)]), FactPattern("big", [("who", .any), ("by", .any)]), FactPattern("lives_in", [(nil, .any), (nil, .any)]),
        ]
        for pattern in patterns {
            let (written, fromFacts, direct) = try lines(s, pattern)
            #expect(direct)
            #expect(written == fromFacts, "\(pattern)")
        }
        #expect(try lines(s, FactPattern("mixed", [("extra", .any)])).written.count == 400)
        #expect(try lines(s, FactPattern("mixed", [("nothing", .any)])).written.isEmpty)
    }

    @Test("earlier beliefs before each fact, read by range or fact by fact, with limits that cut between them")
    func beliefs() throws {
        let s = try store()
        for name in ["lives_in", "works_at", "visits"] {
            for limit in [Int.max, 1, 2, 3, 257, 901] {
                let (written, fromFacts, direct) = try lines(s, FactPattern(name, entities: nil, nil), limit: limit)
                #expect(direct)
                #expect(written == fromFacts, "\(name) limit \(limit)")
            }
        }
        // Each person's Paris belief, then the fact closed by Berlin, for every other person.
        let livesIn = try lines(s, FactPattern("lives_in", entities: nil, nil)).written
        #expect(livesIn.count == 600 + 300 + 300)
    }

    @Test("a bound filler is read from the facts, with the same lines; an unknown predicate or role gives none")
    func boundAndUnknown() throws {
        let s = try store()
        let (written, fromFacts, direct) = try lines(s, FactPattern("lives_in", entities: nil, "paris"))
        #expect(!direct)
        #expect(written == fromFacts && written.count == 900)
        #expect(try lines(s, FactPattern("nothing", [])).written.isEmpty)
        #expect(throws: MnemoError.self) { try lines(s, FactPattern("lives_in", [("nowhere", .any)])) }
    }

    @Test(
        "each line's bytes are charged to the read's budget, from the rows or from the facts: an answer of exactly the budget passes, one byte less is TOO_LARGE"
    )
    func budget() throws {
        let s = try store()
        for pattern in [FactPattern("lives_in", entities: nil, nil), FactPattern("lives_in", entities: nil, "paris")] {
            let size = try s.store.read { r in
                var text = AnswerText()
                try r.writeHistory(of: pattern, limit: 500, into: &text)
                return text.byteCount
            }
            func answer(within limit: Int) throws {
                try s.store.read(budget: AnswerBudget(limit: limit)) { r in
                    var text = AnswerText()
                    try r.writeHistory(of: pattern, limit: 500, into: &text)
                }
            }
            try answer(within: size)
            #expect(throws: MnemoError.self) { try answer(within: size - 1) }
        }
    }
}
