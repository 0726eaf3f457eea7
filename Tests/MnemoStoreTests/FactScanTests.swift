import GRDB
import MnemoModel
import Testing

@testable import MnemoStore

/// Big answers read facts a chunk at a time with their roles in one
/// statement (`FactScan`, `facts(ids:)`); these check that they read each
/// fact exactly as `fact(id:)` does, across chunk boundaries.
@Suite("facts read in chunks")
struct FactScanTests {
    /// 700 facts `big(i: N, tag: tK, who: [ann, bob or cy])` with K = N mod 10, every
    /// seventh retracted, each from an episode; returns the ids in order.
    func bigStore() throws -> (TestStore, [Int64]) {
        let s = try TestStore()
        let ids = try s.store.write { w in
            let episode = try w.createEpisode(EpisodeInput(text: "counting")).episodeID
            return try (0..<700).map { i -> Int64 in
                let who: Filler = .list([.entity("ann"), .entity(i % 2 == 0 ? "bob" : "cy")])
                return try w.assert(
                    FactAssertion(
                        "big",
                        [
                            Argument(.literal(.number(Double(i))), role: "i"), Argument(.literal(.text("t\(i % 10)")), role: "tag"),
                            Argument(who, role: "who"),
                        ], validFrom: t("2021-01-01").adding(days: i), sources: [episode], note: i % 3 == 0 ? "note \(i)" : nil)
                ).factID
            }
        }
        // Retracted half a year after they were recorded.
        s.clock.set("2020-06-01T00:00:00Z")
        try s.store.write { w in
            for (i, id) in ids.enumerated() where i % 7 == 0 { _ = try w.retract(fact: id) }
        }
        return (s, ids)
    }

    func same(_ a: Fact, _ b: Fact) -> Bool {
        a.id == b.id && a.predicate == b.predicate && a.roleNames == b.roleNames && a.roleValues == b.roleValues
            && a.rolePositions == b.rolePositions && a.valid == b.valid && a.recorded == b.recorded && a.supersededBy == b.supersededBy
    }

    @Test("every fact of a predicate, in id order, as fact(id:) reads it, retracted ones left out")
    func wholePredicate() throws {
        let (s, ids) = try bigStore()
        let (read, expected) = try s.store.read { r in
            (try r.facts(matching: FactPattern("big", [])), try ids.enumerated().filter { $0.offset % 7 != 0 }.map { try r.fact(id: $0.element)! })
        }
        #expect(read.count == 600 && expected.count == 600)
        #expect(zip(read, expected).allSatisfy(same))
        // match reads roles and times only.
        #expect(read.allSatisfy { $0.sources.isEmpty && $0.note == nil })
    }

    @Test("a bound filler reads the facts the filler index names, a list filler through any of its items")
    func boundFiller() throws {
        let (s, ids) = try bigStore()
        let tagged = try s.store.read { try $0.facts(matching: FactPattern("big", [("tag", .literal(.text("t3")))])) }
        #expect(tagged.map(\.id) == ids.enumerated().filter { $0.offset % 10 == 3 && $0.offset % 7 != 0 }.map(\.element))
        let withCy = try s.store.read { try $0.facts(matching: FactPattern("big", [("who", .entity("cy"))])) }
        #expect(withCy.map(\.id) == ids.enumerated().filter { $0.offset % 2 == 1 && $0.offset % 7 != 0 }.map(\.element))
        let one = try s.store.read { try $0.facts(matching: FactPattern("big", [("i", .literal(.number(424)))])) }
        #expect(one.map(\.id) == [ids[424]])
    }

    @Test("a limit reads that many, a known-as-of read sees retracted facts as they were believed")
    func limitsAndTimes() throws {
        let (s, ids) = try bigStore()
        let first = try s.store.read { try $0.facts(matching: FactPattern("big", []), limit: 5) }
        #expect(first.map(\.id) == [ids[1], ids[2], ids[3], ids[4], ids[5]])
        // Before anything was recorded nothing was known; between the recording and
        // the retractions every fact was, the retracted ones with their belief then.
        let before = try s.store.read { try $0.facts(matching: FactPattern("big", []), time: TimeFilter(knownAsOf: t("2019-01-01"))) }
        #expect(before.isEmpty)
        let believed = try s.store.read { try $0.facts(matching: FactPattern("big", []), time: TimeFilter(knownAsOf: t("2020-03-01"))) }
        #expect(believed.map(\.id) == ids)
        // A retracted fact comes with its recorded interval, which ends at the retraction.
        #expect(believed.filter { $0.recorded.to == t("2020-06-01") }.map(\.id) == ids.enumerated().filter { $0.offset % 7 == 0 }.map(\.element))
        let bound = try s.store.read {
            try $0.facts(matching: FactPattern("big", [("tag", .literal(.text("t0")))]), time: TimeFilter(knownAsOf: t("2020-03-01")))
        }
        #expect(bound.map(\.id) == ids.enumerated().filter { $0.offset % 10 == 0 }.map(\.element))
        let asOf = try s.store.read {
            try $0.facts(matching: FactPattern("big", []), time: TimeFilter(asOf: t("2021-01-01").adding(days: 300)))
        }
        // Valid from day i on: at day 300, the facts 0...300 not retracted.
        #expect(asOf.map(\.id) == ids[0...300].enumerated().filter { $0.offset % 7 != 0 }.map(\.element))
    }

    @Test("facts(ids:) reads each fact as fact(id:) does, sources and details included, and leaves out ids that do not exist")
    func byIDs() throws {
        let (s, ids) = try bigStore()
        try s.store.read { r in
            let wanted = Array(ids[0..<300]) + [999_999]
            let found = try r.facts(ids: wanted)
            #expect(found.count == 300)
            for id in ids[0..<300] {
                let one = try r.fact(id: id)!
                let batched = found[id]!
                #expect(same(one, batched) && one.sources == batched.sources && one.note == batched.note && one.origin == batched.origin)
            }
        }
    }

    @Test("history of more facts than a chunk holds gives every fact once, with its sources, retracted ones included")
    func historyAcrossChunks() throws {
        let (s, ids) = try bigStore()
        let versions = try s.store.read { try $0.history(of: FactPattern("big", [])) }
        #expect(versions.map(\.id) == ids)
        #expect(versions.allSatisfy { $0.sources.count == 1 })
        #expect(versions.filter { $0.recorded.to != nil }.count == 100)
        let limited = try s.store.read { try $0.history(of: FactPattern("big", [("tag", .literal(.text("t9")))]), limit: 7) }
        #expect(limited.map(\.id) == ids.enumerated().filter { $0.offset % 10 == 9 }.prefix(7).map(\.element))
    }

    @Test("an entity's timeline, more than a chunk, in time order, each fact as fact(id:) reads it, episodes first on a tie")
    func timeline() throws {
        let (s, ids) = try bigStore()
        let day5 = try s.store.write { w in
            try w.createEpisode(EpisodeInput(text: "ann on day five", at: t("2021-01-01").adding(days: 5), mentions: ["ann"])).episodeID
        }
        func listed(_ items: [TimelineItem]) -> [NodeID] {
            items.map { item in
                switch item {
                case .episode(let e): NodeID(.episode, e.id)
                case .fact(let f): NodeID(.fact, f.id)
                }
            }
        }
        try s.store.read { r in
            let ann = try r.entityID(named: "ann")!
            let kept = ids.enumerated().filter { $0.offset % 7 != 0 }.map { NodeID(.fact, $0.element) }
            let items = try r.timeline(of: ann, limit: 1000)
            // Fact 5 became true at the episode's instant: the episode comes first.
            #expect(listed(items) == Array(kept[0..<4]) + [NodeID(.episode, day5)] + Array(kept[4...]))
            for case .fact(let fact) in items.prefix(300) {
                let one = try r.fact(id: fact.id)!
                #expect(same(one, fact) && one.sources == fact.sources)
            }
            #expect(listed(try r.timeline(of: ann, limit: 3)) == Array(kept[0..<3]))
            // Facts valid from day i on overlap a window ending at day 3; the episode of day 5 does not.
            let early = try r.timeline(of: ann, during: TimeRange(from: nil, to: t("2021-01-01").adding(days: 3)), limit: 1000)
            #expect(listed(early) == Array(kept[0..<2]))
        }
    }

    @Test("a scene's episodes, more than a chunk, in time order, each as episode(id:) reads it")
    func sceneEpisodes() throws {
        let s = try TestStore()
        let ids = try s.store.write { w in
            try (0..<600).map { i in
                try w.createEpisode(EpisodeInput(text: "turn \(i)", speaker: "ann", at: t("2022-01-01").adding(seconds: Int64(600 - i)), scene: "long talk"))
                    .episodeID
            }
        }
        try s.store.read { r in
            let scene = try r.scene(titled: "long talk")!
            let episodes = try r.episodes(inScene: scene.id)
            #expect(episodes.map(\.id) == ids.reversed())
            for episode in episodes.prefix(300) { #expect(try r.episode(id: episode.id) == episode) }
            #expect(try r.episodes(inScene: scene.id, limit: 3).map(\.id) == Array(ids.reversed().prefix(3)))
            #expect(try r.scenes(ids: [scene.id, 12345]) == [scene.id: scene])
        }
    }

    @Test("a fact with two names at one position (a store edited by hand) does not lend them to the next fact")
    func twoNamesAtOnePosition() throws {
        let s = try TestStore()
        let (first, second) = try s.store.write { w in
            let first = try w.assert(FactAssertion("d", [Argument(.literal(.number(1)), role: "a")])).factID
            let second = try w.assert(FactAssertion("d", [Argument(.literal(.number(2)), role: "a")])).factID
            // A list item named b beside each fact's single filler a; the second fact's a renamed b.
            try w.db.execute(
                sql: """
                    INSERT INTO fact_role(fact_id, position, item, role, predicate_id, kind, value)
                    SELECT fact_id, position, 0, 'b', predicate_id, kind, value FROM fact_role WHERE fact_id IN (?, ?)
                    """, arguments: [first, second])
            try w.db.execute(
                sql: """
                    INSERT INTO fact_role(fact_id, position, item, role, predicate_id, kind, value)
                    SELECT fact_id, position, -2, 'b', predicate_id, kind, value FROM fact_role WHERE fact_id = ? AND item = -1
                    """, arguments: [second])
            try w.db.execute(sql: "DELETE FROM fact_role WHERE fact_id = ? AND item = -1", arguments: [second])
            return (first, second)
        }
        try s.store.read { r in
            #expect(try #require(try r.fact(id: second)).roleNames == ["b", "b"])
            #expect(try r.facts(ids: [first, second])[second]?.roleNames == ["b", "b"])
            #expect(try r.facts(matching: FactPattern("d", [])).map(\.roleNames) == [["a", "b"], ["b", "b"]])
            var text = AnswerText()
            try r.writeHistory(of: FactPattern("d", []), into: &text)
            let fromFacts = try r.history(of: FactPattern("d", [])).map { fact in
                var out = JSONBuffer()
                Encode.write(fact, to: &out)
                return out.bytes
            }
            #expect(text.bytes.split(separator: UInt8(ascii: "\n")).map { Array($0) } == fromFacts)
        }
    }

    @Test("a chunk of facts without roles (a store edited by hand) does not end match or history")
    func rolelessChunk() throws {
        let s = try TestStore()
        try s.store.write { w in
            for i in 0..<310 { _ = try w.assert(FactAssertion("p", [Argument(.literal(.number(Double(i))), role: "n")])) }
            try w.db.execute(sql: "DELETE FROM fact_role WHERE fact_id IN (SELECT id FROM fact ORDER BY id LIMIT 300)")
        }
        try s.store.read { r in
            #expect(try r.facts(matching: FactPattern("p", [])).count == 10)
            #expect(try r.history(of: FactPattern("p", [])).count == 10)
            var text = AnswerText()
            try r.writeHistory(of: FactPattern("p", []), into: &text)
            #expect(text.count == 10)
        }
    }

    @Test("a bound filler whose first chunks are all retracted or fail the other terms still reads the rest")
    func emptyChunks() throws {
        let s = try TestStore()
        let ids = try s.store.write { w in
            try (0..<600).map { i in
                try w.assert(FactAssertion("likes", [Argument(.entity("ann")), Argument(.literal(.text("thing \(i)")))])).factID
            }
        }
        try s.store.write { w in for id in ids[0..<560] { _ = try w.retract(fact: id) } }
        let liked = try s.store.read { try $0.facts(matching: FactPattern("likes", entities: "ann", nil)) }
        #expect(liked.map(\.id) == Array(ids[560...]))
        // Seeded by ann: the fact with the text is in the third chunk of her facts.
        let one = try s.store.read { try $0.facts(matching: FactPattern("likes", [(nil, .entity("ann")), (nil, .literal(.text("thing 590")))])) }
        #expect(one.map(\.id) == [ids[590]])
        let history = try s.store.read { try $0.history(of: FactPattern("likes", [(nil, .entity("ann")), (nil, .literal(.text("thing 590")))])) }
        #expect(history.map(\.id) == [ids[590]])
        let retracted = try s.store.read { try $0.history(of: FactPattern("likes", [(nil, .entity("ann")), (nil, .literal(.text("thing 3")))])) }
        #expect(retracted.map(\.id) == [ids[3]] && retracted[0].recorded.to != nil)
    }

    @Test("history of more facts than a chunk holds puts each fact's earlier beliefs before it, in order")
    func historyBeliefs() throws {
        let s = try TestStore(startingAt: "2020-06-01T00:00:00Z")
        let paris = try s.store.write { w in
            try w.declare(PredicateDeclaration(name: "lives_in", roles: ["person", "place"], functional: true))
            return try (0..<300).map { i in
                try w.assert(FactAssertion("lives_in", [Argument(.entity("p\(i)")), Argument(.entity("paris"))], validFrom: t("2019-01-01")))
                    .factID
            }
        }
        s.clock.set("2022-03-01T00:00:00Z")
        let berlin = try s.store.write { w in
            try (0..<300).map { i in
                try w.assert(FactAssertion("lives_in", [Argument(.entity("p\(i)")), Argument(.entity("berlin"))], validFrom: t("2022-02-01")))
                    .factID
            }
        }
        let versions = try s.store.read { try $0.history(of: FactPattern("lives_in", entities: nil, nil)) }
        // Each Paris fact: its first belief (open), then the current one (closed by Berlin); then the Berlin facts.
        #expect(versions.map(\.id) == paris.flatMap { [$0, $0] } + berlin)
        for i in stride(from: 0, to: 600, by: 2) {
            #expect(versions[i].valid.to == nil && versions[i].recorded.to == t("2022-03-01"))
            #expect(versions[i + 1].valid.to == t("2022-02-01") && versions[i + 1].recorded.to == nil)
        }
        let one = try s.store.read { try $0.history(of: FactPattern("lives_in", entities: "p250", nil)) }
        #expect(one.map(\.id) == [paris[250], paris[250], berlin[250]])
    }

    @Test("history gives each fact its own earlier beliefs, its chunk read by id range among another predicate's facts or fact by fact")
    func historyBeliefsInterleaved() throws {
        let s = try TestStore(startingAt: "2020-06-01T00:00:00Z")
        // lives_in and works_at alternate, so that a chunk of either spans the
        // other's facts and their beliefs (read by range); visits comes once
        // in twenty facts, a chunk spread thin (read fact by fact).
        func assertAll(_ w: WriteContext, place: String, org: String, city: String, from: String) throws -> [String: [Int64]] {
            var ids: [String: [Int64]] = [:]
            for i in 0..<300 {
                ids["lives_in", default: []].append(
                    try w.assert(FactAssertion("lives_in", [Argument(.entity("p\(i)")), Argument(.entity(place))], validFrom: t(from))).factID)
                ids["works_at", default: []].append(
                    try w.assert(FactAssertion("works_at", [Argument(.entity("p\(i)")), Argument(.entity(org))], validFrom: t(from))).factID)
                if i % 10 == 0 {
                    ids["visits", default: []].append(
                        try w.assert(FactAssertion("visits", [Argument(.entity("p\(i)")), Argument(.entity(city))], validFrom: t(from))).factID)
                }
            }
            return ids
        }
        let before = try s.store.write { w in
            for name in ["lives_in", "works_at", "visits"] {
                try w.declare(PredicateDeclaration(name: name, roles: ["person", "where"], functional: true))
            }
            return try assertAll(w, place: "paris", org: "acme", city: "rome", from: "2019-01-01")
        }
        s.clock.set("2022-03-01T00:00:00Z")
        let after = try s.store.write { w in try assertAll(w, place: "berlin", org: "globex", city: "oslo", from: "2022-02-01") }
        for name in ["lives_in", "works_at", "visits"] {
            let versions = try s.store.read { try $0.history(of: FactPattern(name, entities: nil, nil)) }
            #expect(versions.map(\.id) == before[name]!.flatMap { [$0, $0] } + after[name]!, "\(name)")
            for i in stride(from: 0, to: 2 * before[name]!.count, by: 2) {
                #expect(versions[i].valid.to == nil && versions[i].recorded.to == t("2022-03-01") && versions[i].supersededBy == nil)
                #expect(versions[i + 1].valid.to == t("2022-02-01") && versions[i + 1].recorded.to == nil)
            }
            let limited = try s.store.read { try $0.history(of: FactPattern(name, entities: nil, nil), limit: 3) }
            #expect(limited == Array(versions.prefix(3)))
        }
        // A bound filler leaves out most of each chunk's facts: the beliefs of
        // those between the ones kept are read by range and skipped.
        let paris = try s.store.read { try $0.history(of: FactPattern("lives_in", entities: nil, "paris")) }
        #expect(paris.map(\.id) == before["lives_in"]!.flatMap { [$0, $0] })
        let p7 = try s.store.read { try $0.history(of: FactPattern("works_at", entities: "p7", nil)) }
        #expect(p7.map(\.id) == [before["works_at"]![7], before["works_at"]![7], after["works_at"]![7]])
    }

    @Test("a predicate's facts among another's, dense or spread thin over the ids, each as fact(id:) reads it")
    func interleavedPredicates() throws {
        let s = try TestStore()
        // 700 facts of `dense`, and after every tenth one of `sparse` (with a list):
        // a chunk of `sparse` spans ten times its count of ids, and one of `dense`
        // has `sparse` facts inside its range.
        let (dense, sparse) = try s.store.write { w in
            var dense: [Int64] = []
            var sparse: [Int64] = []
            for i in 0..<700 {
                dense.append(
                    try w.assert(FactAssertion("dense", [Argument(.literal(.number(Double(i))), role: "i"), Argument(.entity("e\(i % 7)"), role: "e")]))
                        .factID)
                if i % 10 == 0 {
                    sparse.append(
                        try w.assert(
                            FactAssertion("sparse", [Argument(.list([.entity("a"), .literal(.text("t\(i)"))]), role: "l"), Argument(.entity("b"), role: "b")])
                        ).factID)
                }
            }
            return (dense, sparse)
        }
        let (readDense, readSparse, expectedDense, expectedSparse) = try s.store.read { r in
            (
                try r.facts(matching: FactPattern("dense", [])), try r.facts(matching: FactPattern("sparse", [])),
                try dense.map { try r.fact(id: $0)! }, try sparse.map { try r.fact(id: $0)! }
            )
        }
        #expect(readDense.count == 700 && zip(readDense, expectedDense).allSatisfy(same))
        #expect(readSparse.count == 70 && zip(readSparse, expectedSparse).allSatisfy(same))
        // History reads the same way, with sources and details.
        let history = try s.store.read { try $0.history(of: FactPattern("sparse", [])) }
        #expect(history.map(\.id) == sparse && zip(history, expectedSparse).allSatisfy(same))
    }
}
