import Foundation
import MnemoClient
import MnemoTestSupport
import Testing

@Suite("export and import: a space to JSON Lines and back")
struct ExportImportTests {
    /// A space with something of everything: declarations, aliases, scenes,
    /// episodes with times, a functional predicate superseded and corrected
    /// late, a retraction, lists, every kind of literal, a pinned persona
    /// attribute, a consolidation run, recalls (activation) and a forget.
    static func fill(_ c: MnemoConnection, space: String) throws {
        let statements = [
            #"use space "\#(space)""#,
            "declare lives_in(person, place) functional",
            "alias mel = melanie",
            #"remember "Melanie went camping with Caroline yesterday" by melanie at 2023-05-08T10:00"#,
            #"remember "Caroline said she loves painting, 'café' and \"quotes\"" by caroline at 2023-05-09T11:00 in scene "art talk" ref "t-2" importance 0.75"#,
            #"remember "Bob will forget this" by bob at 2023-05-10T09:00"#,
            #"scene open "trip" at 2023-06-01 with caroline, melanie place lake"#,
            #"remember "At the lake now" by melanie at 2023-06-01T12:00 in scene "trip""#,
            #"scene close "trip" at 2023-06-03"#,
            "assert lives_in(alice, paris) from 2019-01-01",
            "assert lives_in(alice, berlin) from 2022-02-01",
            "assert lives_in(alice, london) from 2021-01-01",
            #"assert met(who: [alice, bob], topic: "merger", score: 3.5, when: 2023-01-02T10:30:00.25) confidence 0.8 source "hr""#,
            "assert likes(bob, tea) in scene \"art talk\"",
            "retract f:5",
            #"persona caroline set occupation = "counsellor""#,
            "consolidate",
            #"recall "camping""#,
            #"recall "painting""#,
            "forget e:3",
        ]
        for statement in statements {
            let answer = try c.request(statement)
            #expect(answer.isOK, "\(statement): \(answer.headerLine)")
        }
    }

    static func export(_ daemon: MnemodProcess, space: String, to file: String, _ flags: [String] = ["--derived", "--activation"]) throws {
        let result = try runMnemo(["export", file, "--space", space, "--socket", daemon.socketPath] + flags)
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test("export, import into an empty space, export again: the same file; time travel and history answer alike on both spaces")
    func roundTrip() throws {
        let daemon = try MnemodProcess()
        let c = try daemon.connect()
        try Self.fill(c, space: "a")
        let first = daemon.directory.file("a.jsonl")
        try Self.export(daemon, space: "a", to: first)
        let imported = try runMnemo(["import", first, "--space", "b", "-v", "--socket", daemon.socketPath])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.hasPrefix("imported from \(first)"))
        let second = daemon.directory.file("b.jsonl")
        try Self.export(daemon, space: "b", to: second)
        let bytes = try String(contentsOfFile: first, encoding: .utf8)
        #expect(try String(contentsOfFile: second, encoding: .utf8) == bytes)
        // Everything was there to compare: supersession, a late correction, beliefs, a retraction, derived rows, activation, a forget.
        for needle in [
            #""superseded_by":"f:"#, #""beliefs":[{"#, #""retracted_at":"20"#, #""pinned":true"#, #""kind":"activation""#, #""kind":"forgotten""#,
            #""number":3.5"#,
        ] {
            #expect(bytes.contains(needle), "\(needle)")
        }

        let b = try daemon.connect()
        #expect(try b.request(#"use space "b""#).isOK)
        #expect(try c.request(#"use space "a""#).isOK)
        var times = Set<String>()
        for line in try c.request("history lives_in(alice, ?)").objects {
            for key in ["recorded_at", "retracted_at", "valid_from", "valid_to"] { if let t = line[key] as? String { times.insert(t) } }
        }
        #expect(times.count >= 4)
        var queries = [
            "history lives_in(alice, ?)", "history met(?, ?, ?, ?)", "history likes(?, ?)", "match lives_in(?p, ?place)",
            "match met(who: ?w, topic: ?t)", "persona caroline", "persona melanie", #"scene "art talk""#, #"scene "trip""#, "timeline alice",
            "timeline caroline", "scenes", "insights", "conflicts", "match likes(?a, ?b) known as of 2020-01-01",
        ]
        for t in times.sorted() {
            queries.append("match lives_in(alice, ?p) as of \(t)")
            queries.append("match lives_in(alice, ?p) known as of \(t)")
            queries.append("match lives_in(alice, ?p) as of 2021-06-01 known as of \(t)")
            queries.append("match likes(bob, ?x) known as of \(t)")
        }
        for query in queries {
            let (fromA, fromB) = (try c.request(query), try b.request(query))
            #expect(fromA.isOK, "\(query): \(fromA.headerLine)")
            #expect(fromA == fromB, "\(query)")
        }
        // The imported space works like any other: recall finds, writes get new ids past the imported ones.
        #expect(try b.request(#"recall "camping""#).lines.count >= 1)
        let next = try b.request("assert likes(alice, tea)").objects.first?["id"] as? String
        #expect(next == "f:6")
    }

    @Test("without --derived and --activation, pinned persona attributes and the record go, derived rows and the log stay behind")
    func recordOnly() throws {
        let daemon = try MnemodProcess()
        let c = try daemon.connect()
        try Self.fill(c, space: "a")
        let file = daemon.directory.file("a.jsonl")
        try Self.export(daemon, space: "a", to: file, [])
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(!text.contains(#""kind":"activation""#) && !text.contains(#""pinned":false"#) && !text.contains(#""kind":"insight""#))
        #expect(text.contains(#""pinned":true"#))
        #expect(try runMnemo(["import", file, "--space", "b", "--socket", daemon.socketPath]).status == 0)
        #expect(try c.request(#"use space "b""#).isOK)
        let persona = try c.request("persona caroline").objects
        #expect(persona.count == 1 && persona.first?["attribute"] as? String == "occupation")
        let fromB = try c.request("history lives_in(alice, ?)")
        #expect(try c.request(#"use space "a""#).isOK)
        #expect(try c.request("history lives_in(alice, ?)") == fromB)
    }

    @Test("a bad line is answered with its number, and the space stays empty")
    func badLine() throws {
        let daemon = try MnemodProcess()
        let c = try daemon.connect()
        try Self.fill(c, space: "a")
        let file = daemon.directory.file("a.jsonl")
        try Self.export(daemon, space: "a", to: file)
        let original = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var lines = original
        // Line 12 (an episode or a fact past many good lines) cut in half: not JSON.
        let n = 12
        lines[n - 1] = String(lines[n - 1].prefix(lines[n - 1].count / 2))
        let broken = daemon.directory.file("broken.jsonl")
        try lines.joined(separator: "\n").write(toFile: broken, atomically: true, encoding: .utf8)
        let result = try runMnemo(["import", broken, "--space", "b", "--socket", daemon.socketPath])
        #expect(result.status == 1)
        #expect(result.stderr.contains("ERR INVALID line \(n): not valid JSON"), "\(result.stderr)")
        try Self.expectEmpty(c, space: "b")

        // A file cut short after a whole line is refused by the header's counts.
        let short = daemon.directory.file("short.jsonl")
        try original.dropLast(3).joined(separator: "\n").write(toFile: short, atomically: true, encoding: .utf8)
        let cut = try c.request(#"import from "\#(short)""#)
        #expect(cut.code == "INVALID" && cut.headerLine.contains("cut short"), "\(cut.headerLine)")
        try Self.expectEmpty(c, space: "b")

        // A reference to something the file does not define.
        var dangling = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init)
        let episode = try #require(dangling.firstIndex { $0.hasPrefix(#"{"kind":"episode""#) })
        dangling[episode] = dangling[episode].replacingOccurrences(of: #""speaker":"n:"#, with: #""speaker":"n:9"#)
        let danglingFile = daemon.directory.file("dangling.jsonl")
        try dangling.joined(separator: "\n").write(toFile: danglingFile, atomically: true, encoding: .utf8)
        let refused = try c.request(#"import from "\#(danglingFile)""#)
        #expect(refused.code == "INVALID" && refused.headerLine.contains("line \(episode + 1): episode"), "\(refused.headerLine)")
        try Self.expectEmpty(c, space: "b")

        // The good file then imports, once: a second import finds the space taken.
        #expect(try c.request(#"import from "\#(file)""#).isOK)
        #expect(try c.request(#"import from "\#(file)""#).code == "CONFLICT")
    }

    @Test(
        "values no statement could have written (a negative role position, a time past year 9999, a confidence of 5, an id near 2^63) are refused with their line, and the daemon serves on",
        arguments: [
            (#""position":\s*0"#, #""position":-1"#),
            (#""recorded_at":\s*"[^"]*""#, #""recorded_at":-9223372036854775000"#),
            (#""recorded_at":\s*"[^"]*""#, #""recorded_at":"99999-01-01""#),
            (#""confidence":\s*[0-9.]+"#, #""confidence":5"#),
            (#""id":\s*"f:[0-9]+""#, #""id":"f:9223372036854775807""#),
            (#""valid_to":\s*null"#, #""valid_to":"1000-01-01""#),
        ])
    func hostileValues(pattern: String, replacement: String) throws {
        let daemon = try MnemodProcess()
        let c = try daemon.connect()
        try Self.fill(c, space: "a")
        let file = daemon.directory.file("a.jsonl")
        try Self.export(daemon, space: "a", to: file)
        var lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init)
        let index = try #require(lines.firstIndex { $0.hasPrefix(#"{"kind":"fact""#) && $0.range(of: pattern, options: .regularExpression) != nil })
        let range = try #require(lines[index].range(of: pattern, options: .regularExpression))
        lines[index].replaceSubrange(range, with: replacement)
        let hostile = daemon.directory.file("hostile.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(toFile: hostile, atomically: true, encoding: .utf8)
        #expect(try c.request(#"use space "b""#).isOK)
        let refused = try c.request(#"import from "\#(hostile)""#)
        #expect(refused.code == "INVALID" && refused.headerLine.contains("line \(index + 1)"), "\(replacement): \(refused.headerLine)")
        try Self.expectEmpty(c, space: "b")
        #expect(try c.request(#"use space "a""#).isOK)
        #expect(try c.request("history lives_in(?, ?)").isOK)
    }

    @Test("an episode id in the trillions imports, and recall over it answers with explain's cue words, before and after a new episode")
    func episodeIdInTheTrillions() throws {
        // Recall's text index once kept one score per episode id up to the
        // largest, and such an id asked for 32 TB on the first recall.
        let daemon = try MnemodProcess()
        let c = try daemon.connect()
        for statement in [#"use space "a""#, #"remember "Melanie went camping" by melanie at 2023-05-08T10:00"#] {
            #expect(try c.request(statement).isOK, "\(statement)")
        }
        let file = daemon.directory.file("a.jsonl")
        try Self.export(daemon, space: "a", to: file, [])
        let big = try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: #""id":"e:1""#, with: #""id":"e:4000000000000""#)
        let bigFile = daemon.directory.file("big.jsonl")
        try big.write(toFile: bigFile, atomically: true, encoding: .utf8)
        #expect(try c.request(#"use space "big""#).isOK)
        #expect(try c.request(#"import from "\#(bigFile)""#).isOK)
        let first = try c.request(#"recall "camping" explain"#)
        #expect(first.isOK && first.lines.count == 1 && first.lines[0].contains(#""id":"e:4000000000000""#), "\(first.lines)")
        #expect(first.lines.first?.contains(#""words":["camping"]"#) == true, "\(first.lines)")
        #expect(try c.request(#"remember "Caroline went camping too" by caroline"#).isOK)
        let second = try c.request(#"recall "camping""#)
        #expect(second.isOK && second.lines.count == 2 && second.lines.contains { $0.contains(#""id":"e:4000000000001""#) }, "\(second.lines)")
        #expect(try c.request("ping").isOK)
    }

    @Test("an import from a FIFO nobody writes to is refused at once, not waited on")
    func fifo() throws {
        let daemon = try MnemodProcess()
        let c = try daemon.connect()
        let fifo = daemon.directory.file("pipe.jsonl")
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(try c.request(#"use space "b""#).isOK)
        let started = Date()
        let refused = try c.request(#"import from "\#(fifo)""#)
        #expect(refused.code == "INVALID" && refused.headerLine.contains("not a regular file"), "\(refused.headerLine)")
        #expect(Date().timeIntervalSince(started) < 10)
    }

    static func expectEmpty(_ c: MnemoConnection, space: String) throws {
        #expect(try c.request(#"use space "\#(space)""#).isOK)
        let stats = try c.request("stats").objects
        for name in ["entities", "episodes", "facts", "scenes", "persona_attributes", "insights"] {
            #expect(stats.first { $0["name"] as? String == name }?["value"] as? Int == 0, "\(name)")
        }
    }

    @Test("a file of a newer major version, or not an export at all, is refused at line 1")
    func versions() throws {
        let daemon = try MnemodProcess()
        let c = try daemon.connect()
        let newer = daemon.directory.file("v2.jsonl")
        try #"{"kind":"header","format":"mnemo-export","version":"2.0","schema":12,"derived":false,"activation":false,"counts":{}}"#
            .write(toFile: newer, atomically: true, encoding: .utf8)
        let refused = try c.request(#"import from "\#(newer)""#)
        #expect(refused.code == "INVALID" && refused.headerLine.contains("version 2.0") && refused.headerLine.contains("newer Mnemo"), "\(refused.headerLine)")
        // A later minor version reads (fields it adds are ignored).
        let minor = daemon.directory.file("v1.9.jsonl")
        try [
            #"{"kind":"header","format":"mnemo-export","version":"1.9","schema":12,"derived":false,"activation":false,"counts":{"entity":1},"new":1}"#,
            #"{"kind":"entity","id":"n:4","name":"Ann","type":"person","created_at":"2024-01-01T00:00:00Z","archived":false,"aliases":[],"colour":"red"}"#,
        ].joined(separator: "\n").write(toFile: minor, atomically: true, encoding: .utf8)
        #expect(try c.request(#"import from "\#(minor)""#).isOK)
        #expect(try c.request("assert knows(ann, bob)").isOK)
        #expect(try c.request("match knows(?who, bob)").objects.first?["facts"] as? [String] == ["f:1"])
        let other = daemon.directory.file("other.jsonl")
        try #"{"name": "not an export"}"#.write(toFile: other, atomically: true, encoding: .utf8)
        #expect(try c.request(#"use space "c""#).isOK)
        #expect(try c.request(#"import from "\#(other)""#).headerLine.hasPrefix("ERR INVALID line 1: not a Mnemo export"))
    }

    @Test("paths: absolute only, an export never overwrites, an import needs a file")
    func paths() throws {
        let daemon = try MnemodProcess()
        let c = try daemon.connect()
        #expect(try c.request(#"export to "relative.jsonl""#).code == "INVALID")
        #expect(try c.request(#"import from "relative.jsonl""#).code == "INVALID")
        let existing = daemon.directory.file("existing.jsonl")
        try "keep me\n".write(toFile: existing, atomically: true, encoding: .utf8)
        #expect(try c.request(#"export to "\#(existing)""#).code == "CONFLICT")
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "keep me\n")
        #expect(try c.request(#"import from "\#(daemon.directory.file("missing.jsonl"))""#).code == "NOT_FOUND")
        #expect(try c.request(#"import from "\#(daemon.directory.path)""#).code == "INVALID")
        let written = daemon.directory.file("new.jsonl")
        #expect(try c.request(#"export to "\#(written)""#).isOK)
        #expect(fileMode(written).map { $0 & 0o777 } == 0o600)
    }
}
