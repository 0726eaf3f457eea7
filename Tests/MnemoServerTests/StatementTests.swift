import Foundation
import MnemoClient
import MnemoTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("every statement end to end, with its error paths")
struct StatementTests {
    @Test("a write statement that fails leaves nothing of what it did before failing")
    func failedStatementLeavesNoTrace() throws {
        let daemon = try MnemodProcess()
        let c = try daemon.connect()
        func entities() throws -> Int? {
            try c.request("stats").objects.first { $0["name"] as? String == "entities" }?["value"] as? Int
        }
        _ = try c.request("declare owns(owner, thing) functional")
        let before = try entities()
        // The fillers resolve (creating the entities) before the functional rule refuses a list.
        let refused = try c.request("assert owns([zed, yul], car)")
        #expect(refused.code == "INVALID")
        #expect(try entities() == before)
        #expect(try c.request("match owns(?who, ?what)").lines.isEmpty)
    }

    @Test("writes answer the ids they created or changed; reads find them")
    func writesAndReads() throws {
        let daemon = try MnemodProcess()
        let c = try daemon.connect()
        let declared = try c.request("declare works_at(person, organisation) functional")
        #expect(declared.objects.first?["functional"] as? Bool == true)
        let first = try c.request("assert works_at(alice, acme) from 2021-03-01")
        #expect(first.objects.first?["id"] as? String == "f:1")
        let second = try c.request("assert works_at(alice, globex) from 2023-01-01")
        #expect(second.objects.first?["supersedes"] as? [String] == ["f:1"])
        #expect(second.objects.last?["superseded_by"] as? String == "f:2")
        #expect(second.objects.last?["valid_to"] as? String == "2023-01-01T00:00:00Z")

        let now = try c.request("match works_at(alice, ?org)")
        #expect(now.objects.compactMap { ($0["bindings"] as? [String: Any])?["org"] as? String } == ["globex"])
        let then = try c.request("match works_at(alice, ?org) as of 2022-06-01")
        #expect(then.objects.compactMap { ($0["bindings"] as? [String: Any])?["org"] as? String } == ["acme"])
        #expect(try c.request("history works_at(alice, ?)").lines.count == 3)
        #expect(try c.request("match works_at(alice, ?org) known as of 2000-01-01").lines.isEmpty)

        let episode = try c.request(#"remember "Alice moved to Globex" by bob at 2023-01-02T10:00 in scene "news" ref "r1" importance 0.7"#)
        #expect(episode.objects.map { $0["kind"] as? String } == ["episode", "scene"])
        #expect(episode.objects.first?["ref"] as? String == "r1")
        let scene = try c.request(#"scene "news""#)
        #expect(scene.objects.first?["episodes"] as? Int == 1 && scene.lines.count == 2)
        #expect(try c.request("scenes with bob").lines.count == 1)
        // Alice's two facts, and Bob's episode that mentions her (found by extraction).
        let timeline = try c.request("timeline alice").objects
        #expect(timeline.map { $0["kind"] as? String } == ["fact", "fact", "episode"]) // 2021, 2023-01-01, 2023-01-02
        #expect(try c.request(#"persona bob set mood = "fine""#).objects.first?["value"] as? String == "fine")
        #expect(try c.request("persona bob").lines.count == 1)
        #expect(try c.request("alias ali = alice").objects.first?["aliases"] as? [String] == ["ali"])
        #expect(try c.request("match works_at(ali, ?org)").lines.count == 1)
        #expect(
            try c.request(#"scene open "standup" at 2024-02-01T09:00 with alice, bob place office"#).objects.first?["participants"] as? [String] == [
                "alice", "bob",
            ])
        #expect(try c.request(#"scene close "standup" at 2024-02-01T09:15"#).objects.first?["to"] as? String == "2024-02-01T09:15:00Z")
        #expect(try c.request("retract f:2").objects.first?["changed"] as? Bool == true)
        #expect(try c.request("conflicts").lines.isEmpty)
        #expect(try c.request("insights").lines.isEmpty)
        let forget = try c.request("forget f:1")
        // acme (n:2) was named by that fact alone: it goes with it.
        #expect(forget.objects.first?["deleted"] as? [String] == ["f:1", "n:2"])
        let backup = daemon.directory.file("copy.db")
        #expect(try c.request("backup to \"\(backup)\"").objects.first?["kind"] as? String == "backup")
        #expect(FileManager.default.fileExists(atPath: backup))
    }

    @Test("error paths answer the right code and keep the connection")
    func errorPaths() throws {
        let daemon = try MnemodProcess()
        let c = try daemon.connect()
        _ = try c.request(#"scene open "x""#)
        let cases: [(String, String)] = [
            ("retract f:999", "NOT_FOUND"),
            ("forget n:999", "NOT_FOUND"),
            (#"scene "nope""#, "NOT_FOUND"),
            ("persona nobody", "NOT_FOUND"),
            ("timeline nobody", "NOT_FOUND"),
            ("scenes with nobody", "NOT_FOUND"),
            (#"scene open "x""#, "CONFLICT"),
            (#"scene close "never opened""#, "NOT_FOUND"),
            ("assert likes(a, b) from 2024-01-01 to 2023-01-01", "INVALID"),
            ("declare f(a, a)", "INVALID"),
            ("match likes(?a, ?b) where ?a ~ /[z-a]/", "SYNTAX"),
            ("recall \"anything\" in scene nope", "NOT_FOUND"),
            ("recall \"anything\" about nobody", "NOT_FOUND"),
            ("undo consolidation 99", "NOT_FOUND"),
            ("help nothing-like-this", "NOT_FOUND"),
            ("use space \"bad name\"", "INVALID"),
            (#"backup to "/no/such/dir/x.db""#, "NOT_FOUND"),
            ("match (", "SYNTAX"),
        ]
        for (statement, code) in cases {
            #expect(try c.request(statement).code == code, "\(statement)")
        }
        _ = try c.request("assert likes(a, b)")
        #expect(try c.request("alias b = a").code == "CONFLICT")
        #expect(try c.request("ping").isPong)
    }

    @Test("pipelined writes commit together, yet a failing one fails alone and leaves nothing behind")
    func groupCommit() throws {
        let daemon = try MnemodProcess()
        let c = try daemon.connect()
        try c.sendMany([
            "assert counter(x, 1)",
            "assert likes(newcomer, tea) from 2024-01-01 to 2023-01-01",
            "assert counter(x, 2)",
            #"remember "Bob met Newcomer at the fair" by bob at 2024-03-01T10:00 in scene "fair""#,
            "scene open fair",
            "assert counter(x, 3)",
        ])
        let answers = try (0..<6).map { _ in try c.readResponse() }
        #expect(answers.map { $0.code } == [nil, "INVALID", nil, nil, "CONFLICT", nil])
        #expect(try c.request("match counter(x, ?n)").lines.count == 3)
        // The failed assertion created no entity (the remember after it did, with its own spelling).
        let timeline = try c.request("timeline newcomer")
        #expect(timeline.objects.map { $0["kind"] as? String } == ["episode"])
        #expect(try c.request("match likes(?who, tea)").lines.isEmpty)
    }

    @Test("writes and admin statements obey the access rules")
    func accessRules() throws {
        let daemon = try MnemodProcess(config: "write = none\nadmin = none\n")
        let c = try daemon.connect()
        #expect(try c.request("assert likes(a, b)").code == "DENIED")
        #expect(try c.request("remember \"hi\"").code == "DENIED")
        #expect(try c.request("forget f:1").code == "DENIED")
        #expect(try c.request("backup to \"/tmp/never.db\"").code == "DENIED")
        #expect(try c.request("match likes(?a, ?b)") == .ok([]))
        for _ in 0..<100 where !daemon.log.contains("denied assert") { usleep(10_000) }
        #expect(daemon.log.contains("denied assert to uid \(getuid())"))
        let readOnly = try MnemodProcess(config: "read = none\n")
        #expect(try readOnly.connect().request("match likes(?a, ?b)").code == "DENIED")
    }

    @Test("SIGTERM under write load: every acknowledged write is there after a restart")
    func acknowledgedWritesSurvive() throws {
        let directory = TemporaryDirectory()
        var daemon: MnemodProcess? = try MnemodProcess(directory: directory)
        let acknowledged = Failures() // used as a thread-safe list of fact ids
        let writers = 4
        let group = DispatchGroup()
        for w in 0..<writers {
            // Handed to the writer below and used there alone.
            nonisolated(unsafe) let client = try daemon!.connect()
            DispatchQueue.global().async(group: group) {
                var i = 0
                while true {
                    let answer: Response
                    do { answer = try client.request("assert seq(w\(w), \"\(i)\")") } catch { return } // closed by the stop
                    guard let id = answer.objects.first?["id"] as? String else { return }
                    acknowledged.add(id)
                    i += 1
                }
            }
        }
        // Stop in the middle of the load: once writes are being acknowledged.
        for _ in 0..<1000 where acknowledged.all.count < 100 { usleep(10_000) }
        daemon!.signal(SIGTERM)
        group.wait()
        #expect(daemon!.waitForExit() == 0)
        daemon = nil
        let ids = Set(acknowledged.all)
        #expect(ids.count > 20, "the writers got some writes in")
        let restarted = try MnemodProcess(directory: directory)
        let stored = try restarted.connect().request("match seq(?w, ?n) limit 100000")
        let found = Set(stored.objects.flatMap { $0["facts"] as? [String] ?? [] })
        #expect(ids.isSubset(of: found), "missing: \(ids.subtracting(found).sorted().prefix(5))")
    }
}

@Suite("fuzzing the daemon with random and mutated statements")
struct FuzzTests {
    static let corpus = [
        #"remember "I went to a support group yesterday" by caroline at 2023-05-08T13:56 in scene "chat 1" ref "D1:3" importance 0.6"#,
        #"assert works_at(alice, acme) from 2021-03-01 confidence 0.9 source "hr sync""#,
        #"assert met(who: [alice, bob], place: paris, topic: "merger") at 2024-01-03 in scene offsite"#,
        "declare works_at(person, organisation) functional",
        "retract f:1 at 2024-02-01", "forget e:1",
        "scene open \"offsite\" at 2024-02-01 with alice, bob place paris", "scene close \"offsite\" at 2024-02-03",
        #"persona caroline set occupation = "counsellor" from 2023-09-01"#, "alias mel = melanie",
        #"recall "camping trips" about melanie during 2023-06-01 .. 2023-09-01 limit 10 explain"#,
        "match works_at(?who, acme)", "match works_at(?p, ?org), located_in(?org, paris) as of 2022-01-01",
        "match likes(caroline, ?x) where ?x ~ /paint(ing)?/i", "match works_at(alice, ?org) known as of 2024-01-15",
        "history works_at(alice, ?)", "timeline caroline during 2023-05 .. 2023-08", "persona caroline",
        #"scene "chat 1""#, "scenes with melanie during 2023-07 .. 2023-08", "conflicts", "insights about caroline",
        "stats", "ping", "help match", "consolidations", "use space default",
    ]

    /// A deterministic generator, so a failure can be replayed.
    struct Random {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(max(1, n)))
        }
    }

    static func mutate(_ line: String, _ r: inout Random) -> [UInt8] {
        var bytes = Array(line.utf8)
        let pieces: [[UInt8]] = [
            Array("(".utf8), Array(")".utf8), Array("\"".utf8), Array("?".utf8), Array(",".utf8),
            Array("..".utf8), Array("/".utf8), Array("~".utf8), Array("\\u".utf8), [0xFF], [0xC3],
            [0x00], Array("é".utf8), Array("f:".utf8), Array("9999999999999999999999".utf8),
            Array("--".utf8), Array(" ".utf8), Array("where".utf8), Array("[".utf8),
        ]
        for _ in 0..<(1 + r.next(4)) {
            switch r.next(5) {
            case 0 where !bytes.isEmpty: bytes.remove(at: r.next(bytes.count))
            case 1: bytes.insert(contentsOf: pieces[r.next(pieces.count)], at: r.next(bytes.count + 1))
            case 2 where !bytes.isEmpty: bytes = Array(bytes.prefix(r.next(bytes.count)))
            case 3: bytes.append(UInt8(r.next(256)))
            default:
                let other = Array(corpus[r.next(corpus.count)].utf8)
                bytes += other.suffix(r.next(other.count))
            }
        }
        return bytes.map { $0 == 10 ? 32 : $0 } // keep one request per line
    }

    @Test("thousands of random and mutated statements: always OK or ERR, never a crash, the connection stays usable")
    func neverCrashes() throws {
        let daemon = try MnemodProcess()
        let client = try daemon.connectRaw()
        var random = Random(state: 20_261_122)
        var total = 0
        for _ in 0..<10 {
            var batch: [UInt8] = []
            let count = 400
            for _ in 0..<count {
                let base = Self.corpus[random.next(Self.corpus.count)]
                batch += (random.next(5) == 0 ? Array(base.utf8) : Self.mutate(base, &random)) + [10]
            }
            try client.send(batch)
            for i in 0..<count {
                let answer = try client.readResponse() // throws on anything but OK n / ERR
                if case .error(let code, _) = answer {
                    #expect(["SYNTAX", "NOT_FOUND", "CONFLICT", "INVALID", "UNSUPPORTED", "DENIED", "TOO_LARGE"].contains(code), "\(i): \(answer)")
                    #expect(code != "INTERNAL")
                }
                total += 1
            }
            #expect(try client.request("ping").isPong)
        }
        #expect(total == 4000)
        #expect(daemon.process.isRunning)
    }
}
