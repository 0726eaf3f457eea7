import Foundation
import GRDB
import MnemoClient
import MnemoTestSupport
import Testing

@testable import MnemoStore

@Suite("recall, against a real mnemod")
struct RecallTests {
    func ids(_ answer: Response) -> [String] { answer.objects.compactMap { $0["id"] as? String } }

    @Test("finds by words, by a named entity through the graph, and explains with real paths")
    func spreading() throws {
        let daemon = try MnemodProcess()
        let c = try daemon.connect()
        for statement in [
            #"remember "We went camping at the lake last weekend" by Mel at 2023-06-12T10:00 in scene "chat 1""#,
            #"remember "The kids loved the marshmallows" by Mel at 2023-06-12T10:01 in scene "chat 1""#,
            #"remember "I started pottery classes" by Caroline at 2023-06-12T10:02 in scene "chat 1""#,
            #"remember "Taxes are due soon" by Bob at 2023-07-01T09:00 in scene "office""#,
        ] { #expect(try c.request(statement).code == nil) }
        let camping = try c.request(#"recall "camping trip" limit 3"#)
        #expect(ids(camping).first == "e:1")
        let scores = camping.objects.compactMap { $0["score"] as? Double }
        #expect(scores.count == 3 && scores == scores.sorted(by: >))
        // The next turn of the same scene comes along (contiguity), the office does not.
        #expect(ids(camping).contains("e:2"))
        #expect(!ids(camping).contains("e:4"))
        // No word of the query is in Bob's turn: the entity Bob reaches it through the graph.
        let bob = try c.request(#"recall "what did Bob say" limit 2 explain"#)
        #expect(ids(bob).first == "e:4")
        let path = ((bob.objects.first?["paths"] as? [[String: Any]])?.first?["via"] as? [String]) ?? []
        #expect(path.first?.hasPrefix("n:") == true && path.last == "e:4")
        // Each step of the path is an incidence: Bob's entity is in e:4's entities.
        #expect((bob.objects.first?["entities"] as? [String])?.contains("Bob") == true)
    }

    @Test("explain: the path that carried the most activation (not the first to arrive), the cue words and names that seeded, each seed's share")
    func explain() throws {
        let daemon = try MnemodProcess()
        let c = try daemon.connect()
        for statement in [
            #"remember "The pottery class was fun" by Cy at 2023-06-12T10:00 in scene "s1""#,
            #"remember "The kiln broke yesterday" by Bob at 2023-06-12T10:01 in scene "s1""#,
            #"remember "Taxes are due soon" by Dan at 2023-07-01T09:00 in scene "s2""#,
        ] { #expect(try c.request(statement).code == nil) }
        let answer = try c.request(#"recall "pottery with Bob" limit 3 explain"#)
        let kiln = try #require(answer.objects.first { $0["id"] as? String == "e:2" })
        // Bob reaches e:2 first (he speaks it), but the pottery turn just before
        // it, seeded by the text, passes it more through contiguity.
        let path = try #require((kiln["paths"] as? [[String: Any]])?.first)
        #expect(path["seed"] as? String == "text")
        #expect(path["words"] as? [String] == ["pottery"])
        #expect(path["via"] as? [String] == ["e:1", "e:2"])
        let seeds = try #require(kiln["seeds"] as? [[String: Any]])
        #expect(seeds.first?["node"] as? String == "e:1")
        let bob = try #require(seeds.first { $0["seed"] as? String == "entity" })
        #expect(bob["name"] as? String == "Bob")
        #expect(bob["node"] as? String == "n:2")
        // Every seed is listed (there are two): their shares make up the activation.
        let shares = seeds.compactMap { $0["share"] as? Double }
        #expect(seeds.count == 2 && abs(shares.reduce(0, +) - 1) < 0.001)
        #expect(shares == shares.sorted(by: >) && (path["share"] as? Double ?? 0) <= shares[0])
        #expect((kiln["activation"] as? Double ?? 0) > 0)
        // Without explain: the same answers (scores moved: the first recall
        // reinforced them), none of its fields.
        let plain = try c.request(#"recall "pottery with Bob" limit 3"#)
        #expect(ids(plain) == ids(answer))
        #expect(plain.objects.allSatisfy { $0["paths"] == nil && $0["seeds"] == nil && $0["activation"] == nil })
    }

    @Test("as of and during through the daemon: a superseded value only while it held, one that began before the window and still holds")
    func timeFilters() throws {
        let daemon = try MnemodProcess()
        let c = try daemon.connect()
        for statement in [
            "declare lives_in(person, city) functional",
            "assert lives_in(Mel, Paris) from 2019-01-01",
            "assert lives_in(Mel, Berlin) from 2022-02-01",
            "assert works_at(Mel, Acme) from 2018-01-01 to 2020-06-01",
        ] { #expect(try c.request(statement).code == nil) }
        func facts(_ clauses: String) throws -> [String] {
            ids(try c.request(#"recall "Mel" about Mel limit 20 "# + clauses)).filter { $0.hasPrefix("f:") }.sorted()
        }
        #expect(try facts("as of 2020-01-01") == ["f:1", "f:3"])
        #expect(try facts("as of 2023-01-01") == ["f:2"])
        #expect(try facts("during 2021") == ["f:1"])
        #expect(try facts("during 2022-06") == ["f:2"])
        #expect(try facts("during 2020 .. 2022") == ["f:1", "f:2", "f:3"])
    }

    @Test("filters: during, in scene, as of; superseded and retracted facts are left out")
    func filters() throws {
        let daemon = try MnemodProcess()
        let c = try daemon.connect()
        _ = try c.request(#"remember "Camping in June" by Mel at 2023-06-12T10:00 in scene "june""#)
        _ = try c.request(#"remember "Camping in August" by Mel at 2023-08-12T10:00 in scene "august""#)
        #expect(ids(try c.request(#"recall "camping" during 2023-08"#)) == ["e:2"])
        #expect(ids(try c.request(#"recall "camping" in scene june"#)) == ["e:1"])
        #expect(ids(try c.request(#"recall "camping" as of 2023-07-01"#)) == ["e:1"])
        _ = try c.request("declare lives_in(person, city) functional")
        _ = try c.request("assert lives_in(Mel, Paris) from 2020-01-01")
        _ = try c.request("assert lives_in(Mel, Rome) from 2023-01-01")
        let now = ids(try c.request(#"recall "where does Mel live" limit 10"#))
        #expect(now.contains("f:2") && !now.contains("f:1"))
        _ = try c.request("retract f:2")
        #expect(!ids(try c.request(#"recall "where does Mel live" limit 10"#)).contains("f:2"))
    }

    @Test("stats report the graph; recall reinforces what it returns", .opensSpaceFiles)
    func statsAndReinforcement() throws {
        let daemon = try MnemodProcess()
        let c = try daemon.connect()
        _ = try c.request(#"remember "Camping at the lake" by Mel at 2023-06-12T10:00"#)
        _ = try c.request(#"recall "camping""#)
        let stats = try c.request("stats").objects
        let nodes = stats.first { $0["name"] as? String == "graph_nodes" }?["value"] as? Int
        #expect((nodes ?? 0) >= 3) // Mel, the episode, its scene
        // The reinforcement reaches the activation log shortly after.
        var logged = false
        for _ in 0..<50 where !logged {
            usleep(50_000)
            var options = StoreOptions()
            options.readOnly = true
            let store = try MemoryStore(path: daemon.dataDirectory + "/spaces/default.sqlite", options: options)
            logged = try store.read { r in
                try r.counts().isEmpty == false && (try Int.fetchOne(r.db, sql: "SELECT COUNT(*) FROM activation WHERE event = 'recalled'") ?? 0) > 0
            }
        }
        #expect(logged)
    }

    @Test("fan division: an entity in one episode passes more to it than a hub to each of its many")
    func fanDivision() throws {
        // Without contiguity, which would pass each busy note's activation to
        // the notes beside it.
        let daemon = try MnemodProcess(config: "recall_contiguity = 0\n")
        let c = try daemon.connect()
        _ = try c.request(#"remember "Quiet note about Zed" by Rare at 2023-01-01T10:00 in scene "a""#)
        for i in 0..<10 {
            _ = try c.request("remember \"Busy note \(i)\" by Hub at 2023-01-02T10:0\(i) in scene \"b\"")
        }
        // Both names seed with the same strength; Rare has one episode, Hub ten.
        let answer = try c.request(#"recall "Rare Hub" limit 11 explain"#)
        #expect(ids(answer).first == "e:1")
        // What spreading gave each (the score adds the base level and the boosts).
        let activations = answer.objects.compactMap { $0["activation"] as? Double }
        #expect(activations.count == 11 && activations[0] > activations[1] * 2, "\(activations)")
    }

    @Test("depth: with no hops only the full-text seeds come back; spreading reaches beyond them")
    func depthAndThreshold() throws {
        let daemon = try MnemodProcess()
        let c = try daemon.connect()
        _ = try c.request(#"remember "Kayaking with Juno" by Pat at 2023-01-01T10:00 in scene "a""#)
        _ = try c.request(#"remember "Juno loves the river" by Sam at 2023-05-01T10:00 in scene "b""#)
        #expect(ids(try c.request(#"recall "kayaking" depth 0 limit 5"#)) == ["e:1"])
        #expect(ids(try c.request(#"recall "kayaking" depth 2 limit 5"#)).contains("e:2")) // via Juno
        // Above the firing threshold nothing spreads.
        let strict = try MnemodProcess(config: "recall_threshold = 50\n")
        let s = try strict.connect()
        _ = try s.request(#"remember "Kayaking with Juno" by Pat at 2023-01-01T10:00 in scene "a""#)
        _ = try s.request(#"remember "Juno loves the river" by Sam at 2023-05-01T10:00 in scene "b""#)
        #expect(ids(try s.request(#"recall "kayaking" depth 2 limit 5"#)) == ["e:1"])
    }

    @Test("min share: in the last hop a node whose share per neighbour is below recall_min_share does not spread; earlier hops do")
    func minShareInLastHop() throws {
        // "kayaking" seeds e:1 (activation 1); e:1 has three neighbours (Pat, Juno,
        // scene a), so Juno receives 0.6 / 3 = 0.2, and passes 0.2 x 0.6 / 2 = 0.06
        // to each of its two episodes in the second, last hop.
        let statements = [
            #"remember "Kayaking with Juno" by Pat at 2023-01-01T10:00 in scene "a""#,
            #"remember "Juno loves the river" by Sam at 2023-05-01T10:00 in scene "b""#,
        ]
        func recalled(_ config: String, depth: Int) throws -> [String] {
            let daemon = try MnemodProcess(config: config)
            let c = try daemon.connect()
            for statement in statements { #expect(try c.request(statement).code == nil) }
            return ids(try c.request("recall \"kayaking\" depth \(depth) limit 5"))
        }
        #expect(try recalled("recall_min_share = 0.05\n", depth: 2).contains("e:2"))
        #expect(try recalled("recall_min_share = 0.07\n", depth: 2) == ["e:1"])
        // With three hops the 0.06 share is no longer in the last hop: it spreads.
        #expect(try recalled("recall_min_share = 0.07\n", depth: 3).contains("e:2"))
    }
}

/// Recall keeps the entity a name denotes between recalls; what changes that
/// (consolidation linking two names, `forget`) must be seen by the next recall.
@Suite("recall's kept names follow consolidation and forget")
struct RecallNameCacheTests {
    /// The first step of the explained path that reached `episode`.
    func seed(of episode: String, in answer: Response) -> String? {
        let line = answer.objects.first { $0["id"] as? String == episode }
        return ((line?["paths"] as? [[String: Any]])?.first?["via"] as? [String])?.first
    }

    @Test(
        "a name consolidation links to another seeds the canonical entity in the next recall; after forget, the name is its own again, then not found",
        .opensSpaceFiles)
    func linkedAndForgotten() throws {
        let daemon = try MnemodProcess()
        let c = try daemon.connect()
        for statement in [
            #"remember "The checkup went fine" by "Dr. Smith" at 2023-01-01T10:00 in scene "a""#,
            #"remember "Bring the forms next time" by "Dr Smith" at 2023-01-02T10:00 in scene "b""#,
            #"remember "Your results are in" by "Dr Smith" at 2023-01-03T10:00 in scene "c""#,
        ] { #expect(try c.request(statement).code == nil) }
        let queue = try DatabaseQueue(path: daemon.dataDirectory + "/spaces/default.sqlite")
        defer { try? queue.close() }
        func entity(_ norm: String) throws -> String {
            "n:" + String(try queue.read { try Int64.fetchOne($0, sql: "SELECT id FROM entity WHERE norm = ?", arguments: [norm]) } ?? -1)
        }
        let dotted = try entity("dr. smith")
        let plain = try entity("dr smith")
        let query = #"recall "forms" about "Dr. Smith" limit 5 explain"#
        #expect(seed(of: "e:1", in: try c.request(query)) == dotted)

        #expect(try c.request("consolidate").code == nil)
        // "Dr. Smith" now denotes the canonical "Dr Smith": recall seeds that one.
        #expect(seed(of: "e:1", in: try c.request(query)) == plain)

        // Forgetting the canonical one removes the link: the name is its own again.
        #expect(try c.request("forget \(plain)").code == nil)
        #expect(seed(of: "e:1", in: try c.request(query)) == dotted)
        #expect(try c.request("forget \(dotted)").code == nil)
        #expect(try c.request(query).code == "NOT_FOUND")
    }
}

/// `recall_inline` only moves recall between threads: answers and their order
/// behind pipelined writes are the same either way.
@Suite("recall on the network thread or on a worker")
struct RecallInlineTests {
    @Test("a recall pipelined behind writes sees them, and answers alike, with recall_inline yes and no", arguments: ["yes", "no"])
    func sameAnswers(setting: String) throws {
        let daemon = try MnemodProcess(config: "recall_inline = \(setting)\n")
        let c = try daemon.connect()
        try c.sendMany([
            #"remember "The violin lesson ran late" by ann at 2024-03-01T10:00"#,
            #"recall "violin" limit 5"#,
            #"remember "A new violin case" by bob at 2024-03-01T11:00"#,
            #"recall "violin" limit 5"#,
            "ping",
        ])
        let answers = try (0..<5).map { _ in try c.readResponse() }
        #expect(answers[1].objects.compactMap { $0["text"] as? String } == ["The violin lesson ran late"])
        #expect(Set(answers[3].objects.compactMap { $0["text"] as? String }) == ["The violin lesson ran late", "A new violin case"])
        #expect(answers[4].isPong)
    }

    /// The third case moves every recall to a worker for another reason (a
    /// fact's row, never cached, with no time to read it inline): not counted.
    @Test(
        "a recall past recall_inline_budget is answered whole on a worker, and stats counts it; one moved for its rows is not counted",
        arguments: [
            ("recall_inline_budget = 1us\n", true), ("recall_inline_budget = 0\n", false),
            ("recall_inline_budget = 0\ninline_read_budget = 0\n", false),
        ])
    func pastTheBudget(config: String, moves: Bool) throws {
        let daemon = try MnemodProcess(config: config)
        let c = try daemon.connect()
        try c.sendMany((1...30).map { #"remember "Ann's violin lesson \#($0) ran late" by ann"# })
        for _ in 1...30 { #expect(try c.readResponse().code == nil) }
        #expect(try c.request(#"assert booked(who: ann, topic: "violin lesson")"#).code == nil)
        func overBudget() throws -> Int? {
            try c.request("stats").objects.first { $0["name"] as? String == "recalls_over_inline_budget" }?["value"] as? Int
        }
        func kinds(_ objects: [[String: Any]]) -> [String: Int] {
            objects.reduce(into: [:]) { $0[$1["kind"] as? String ?? "?", default: 0] += 1 }
        }
        // The first recall may find rows to read, on a worker.
        let first = try c.request(#"recall "violin lesson" limit 50"#).objects
        #expect(kinds(first) == ["episode": 30, "fact": 1])
        let before = try #require(try overBudget())
        for _ in 0..<5 {
            let again = try c.request(#"recall "violin lesson" limit 50"#).objects
            #expect(Set(again.compactMap { $0["id"] as? String }) == Set(first.compactMap { $0["id"] as? String }))
        }
        #expect(try overBudget() == before + (moves ? 5 : 0))
    }

    @Test("a bad recall_inline value stops start-up with file:line")
    func badValue() throws {
        let daemon = try MnemodProcess(config: "recall_inline = sometimes\n", wait: false)
        #expect(daemon.waitForExit() == 78)
        #expect(daemon.log.contains("daemon.conf:1: invalid value for recall_inline"))
    }
}
