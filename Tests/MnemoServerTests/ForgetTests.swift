import Foundation
import MnemoClient
import MnemoTestSupport
import Testing

/// Which of `needles` occur, case aside, in any file under `directory`: grep
/// reads every file as raw bytes (`-a`), the WAL and shared memory included.
private func filesContaining(_ needles: [String], in directory: String) throws -> [String] {
    try needles.flatMap { needle -> [String] in
        let grep = Process()
        grep.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        grep.arguments = ["grep", "-r", "-a", "-i", "-l", "-F", "-e", needle, directory]
        let output = Pipe()
        grep.standardOutput = output
        try grep.run()
        let files = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        grep.waitUntilExit()
        guard grep.terminationStatus <= 1 else { throw HarnessError("grep exited with \(grep.terminationStatus)") }
        return files.split(separator: "\n").map { "\(needle) in \($0)" }
    }
}

/// The id an answer line gives (`"id":"e:3"`).
private func id(_ answer: Response, kind: String) -> String? {
    answer.objects.first { $0["kind"] as? String == kind }?["id"] as? String
}

@Suite("forget over the socket", .serialized)
struct ForgetServerTests {
    @Test("remember, assert, consolidate, forget: the secret is in no file of the data directory, no answer, and undo does not bring it back")
    func forgottenForGood() throws {
        let daemon = try MnemodProcess(config: "summary_sentences = 10\n")
        let c = try daemon.connect()
        var episodes: [String] = []
        for (minute, text) in [
            (0, "Lunch at the pier was fun today, the harbour looked great."),
            (1, "Painting class went well, the harbour sketch is nearly done."),
            (2, "Since yesterday my locker code is 7Q4-ZEBRA-91, do not tell anyone."),
            (3, "The harbour painting for the gallery is almost done."),
        ] {
            let answer = try c.request(#"remember "\#(text)" by tester at 2023-05-08T13:0\#(minute)"#)
            episodes.append(try #require(id(answer, kind: "episode")))
        }
        #expect(try c.request(#"remember "Tea with tester at the harbour tomorrow." by wendy at 2023-05-08T13:05"#).code == nil)
        let fact = try #require(id(try c.request(#"assert locker_code(tester, "7Q4-ZEBRA-91")"#), kind: "fact"))
        #expect(try c.request("consolidate").code == nil)
        let scene = try c.request(#"scene "tester 2023-05-08T13:00:00Z""#)
        #expect(scene.lines.joined().contains("ZEBRA")) // the summary carries the secret before the forget
        #expect(try !filesContaining(["zebra"], in: daemon.dataDirectory).isEmpty)

        let forgetEpisode = try c.request("forget \(episodes[2])")
        #expect(forgetEpisode.code == nil)
        #expect((forgetEpisode.objects.first?["journal_changes"] as? Int ?? 0) > 0)
        #expect(try c.request("forget \(fact)").code == nil)
        let needles = ["7q4-zebra-91", "7q4", "zebra", "locker"]
        #expect(try filesContaining(needles, in: daemon.dataDirectory) == [])

        let reads = [
            #"scene "tester 2023-05-08T13:00:00Z""#, "scenes", "scenes with tester", #"recall "locker code""#,
            #"recall "what is the code of tester's locker" about tester"#, "history locker_code(tester, ?)",
            "match locker_code(?who, ?code)", "timeline tester", "persona tester", "insights", "insights about tester",
            "conflicts", "consolidations", "stats",
        ]
        for statement in reads {
            let answer = try c.request(statement)
            let text = (answer.lines.joined(separator: "\n") + (answer.code.map { "\($0)" } ?? "")).lowercased()
            #expect(!text.contains("zebra") && !text.contains("locker"), "\(statement): \(text)")
        }
        #expect(try c.request(#"scene "tester 2023-05-08T13:00:00Z""#).code == nil) // the scene stays, its other episodes too

        #expect(try c.request("undo consolidation 1").code == nil)
        for statement in reads {
            let text = try c.request(statement).lines.joined(separator: "\n").lowercased()
            #expect(!text.contains("zebra") && !text.contains("locker"), "after undo, \(statement): \(text)")
        }
        // The undo wrote after the forget's truncation; a checkpoint folds it in.
        #expect(try filesContaining(needles, in: daemon.dataDirectory) == [])
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
        #expect(try filesContaining(needles, in: daemon.dataDirectory) == [])
    }

    @Test("Forgetting a speaker renames the automatic scenes titled after them")
    func speakerTitles() throws {
        let daemon = try MnemodProcess()
        let c = try daemon.connect()
        #expect(try c.request(#"remember "Morning swim in the cold lake." by quirinus at 2023-05-08T07:00"#).code == nil)
        #expect(try c.request(#"remember "The lake was freezing." by quirinus at 2023-05-08T07:05"#).code == nil)
        #expect(try c.request("scenes").objects.compactMap { $0["title"] as? String } == ["quirinus 2023-05-08T07:00:00Z"])
        // `alias` of a name to itself changes nothing and answers the entity, with its id.
        let entity = try #require(id(try c.request("alias quirinus = quirinus"), kind: "entity"))
        let forget = try c.request("forget \(entity)")
        #expect(forget.code == nil, "\(forget)")
        let titles = try c.request("scenes").objects.compactMap { $0["title"] as? String }
        #expect(titles == ["scene 2023-05-08T07:00:00Z"])
        #expect(try filesContaining(["quirinus"], in: daemon.dataDirectory) == [])
    }

    @Test("A forget while a consolidation run is in progress answers BUSY: the run holds in memory what it read")
    func busyDuringRun() throws {
        let run = try BackgroundRun(reflector: "sleep 2\necho '{}'", config: "reflector_timeout = 20s\n")
        let client = try run.daemon.connect()
        let busy = try client.request("forget e:1")
        #expect(busy.code == "BUSY", "\(busy)")
        #expect(run.wait()?.code == nil)
        #expect(try client.request("forget e:1").code == nil)
    }
}
