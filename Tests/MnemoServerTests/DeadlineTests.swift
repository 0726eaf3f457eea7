import Foundation
import MnemoClient
import MnemoTestSupport
import Testing

/// `request_timeout` ends the work, and slow work on some connections does
/// not hold up the others.
@Suite("deadlines that stop work")
struct DeadlineTests {
    /// A join of three atoms over 300 facts whose `where` can only be tested
    /// once all three are bound, and never holds: 27 million combinations,
    /// minutes of work unless something stops it.
    static let slowMatch = "match p(?a), p(?b), p(?c) where ?a < ?c and ?c < ?a"

    static func seed(_ client: MnemoConnection) throws {
        try client.sendMany((0..<300).map { "assert p(\($0))" })
        for i in 0..<300 { #expect(try client.readResponse().code == nil, "assert \(i)") }
    }

    @Test("a read past request_timeout answers TIMEOUT and stops: the next request on its connection is answered at once")
    func readStops() throws {
        let daemon = try MnemodProcess(config: "request_timeout = 500ms\n")
        let client = try daemon.connect()
        try Self.seed(client)
        let started = Date()
        try client.sendMany([Self.slowMatch, "ping"])
        let answer = try client.readResponse()
        #expect(answer.code == "TIMEOUT")
        if case .error(_, let message) = answer { #expect(message.contains("request_timeout")) }
        #expect(Date().timeIntervalSince(started) < 5)
        // The ping waits for the match to stop: stopped work answers it in moments.
        #expect(try client.readResponse().isPong)
        #expect(Date().timeIntervalSince(started) < 5, "the timed-out match kept its worker \(Date().timeIntervalSince(started)) s")
    }

    @Test("four slow reads stall neither ping nor a write to another space; their clients leaving stops them")
    func slowReadsStallNothing() throws {
        let daemon = try MnemodProcess(config: "request_timeout = 0\nworker_threads = 4\n")
        let setup = try daemon.connect()
        try Self.seed(setup)
        let writer = try daemon.connect()
        #expect(try writer.request("use space \"other\"").code == nil)
        let slow = try (0..<4).map { _ in try daemon.connectRaw() }
        for client in slow { try client.send(Self.slowMatch + "\n") }
        usleep(300_000)

        let pinger = try daemon.connect()
        for _ in 0..<20 {
            let started = Date()
            #expect(try pinger.request("ping").isPong)
            #expect(Date().timeIntervalSince(started) < 1)
        }
        for i in 0..<5 {
            let started = Date()
            let answer = try writer.request("remember \"write \(i) while four reads run\"")
            #expect(answer.code == nil, "\(answer)")
            #expect(Date().timeIntervalSince(started) < 2, "a write waited \(Date().timeIntervalSince(started)) s behind slow reads")
        }

        // Nor writes to the space the slow reads read: a write needs a read
        // connection to bring recall up to date, and finds one.
        for i in 0..<6 {
            let started = Date()
            let answer = try setup.request("assert q(\(i))")
            #expect(answer.code == nil, "\(answer)")
            #expect(Date().timeIntervalSince(started) < 2, "a write waited \(Date().timeIntervalSince(started)) s behind slow reads of its space")
        }

        // Every read worker is busy; when the slow clients leave, their reads stop.
        for client in slow { client.shutdown(.both) }
        let started = Date()
        #expect(try setup.request("match p(7)").lines.count == 1)
        #expect(Date().timeIntervalSince(started) < 5, "reads whose clients left kept their workers")
    }

    @Test("backup has no deadline: a backup slower than request_timeout is answered OK")
    func backupUnbounded() throws {
        let daemon = try MnemodProcess()
        let client = try daemon.connect()
        try Self.seed(client)
        try daemon.rewriteConfig("request_timeout = 1ms\n")
        daemon.signal(SIGHUP)
        usleep(300_000)
        let path = daemon.directory.file("copy.sqlite")
        let answer = try client.request("backup to \"\(path)\"")
        #expect(answer.code == nil, "\(answer)")
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test("a space whose name looks like a scratch file keeps its data across a restart")
    func scratchLikeSpaceName() throws {
        let directory = TemporaryDirectory()
        var daemon: MnemodProcess? = try MnemodProcess(directory: directory)
        let client = try daemon!.connect()
        #expect(try client.request("use space \"notes.dry-run\"").code == nil)
        #expect(try client.request("remember \"keep me\"").code == nil)
        #expect(try client.request("use space \"x.backup-1\"").code == nil)
        #expect(try client.request("remember \"keep me too\"").code == nil)
        daemon!.signal(SIGTERM)
        #expect(daemon!.waitForExit() == 0)
        daemon = nil
        let again = try MnemodProcess(directory: directory)
        let reader = try again.connect()
        #expect(try reader.request("use space \"notes.dry-run\"").code == nil)
        #expect(try reader.request("recall \"keep\"").lines.count == 1)
        #expect(try reader.request("use space \"x.backup-1\"").code == nil)
        #expect(try reader.request("recall \"keep\"").lines.count == 1)
    }

    @Test("a regex that backtracks without end is stopped by regex_match_limit and answers INVALID")
    func regexLimit() throws {
        let daemon = try MnemodProcess(config: "regex_match_limit = 100000\n")
        let client = try daemon.connect()
        #expect(try client.request("assert s(\"\(String(repeating: "a", count: 40))!\")").code == nil)
        let started = Date()
        let answer = try client.request("match s(?x) where ?x ~ /^(a+)+$/")
        #expect(answer.code == "INVALID")
        if case .error(_, let message) = answer { #expect(message.contains("limit")) }
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(try client.request("match s(?x) where ?x ~ /^a+!$/").lines.count == 1)
    }

    @Test("limit bounds every statement whose answer grows with the memory; 1,000 without it")
    func rowLimits() throws {
        let daemon = try MnemodProcess()
        let client = try daemon.connect()
        let batch = (0..<1200).map { i in
            "remember \"note \(i) about Alice\" by alice at 2024-01-01T10:\(String(format: "%02d", i % 60)) in scene \"s\(i / 400)\""
        }
        try client.sendMany(batch)
        for i in 0..<1200 { #expect(try client.readResponse().code == nil, "remember \(i)") }
        try client.sendMany((0..<1200).map { "assert likes(alice, \"thing \($0)\")" })
        for i in 0..<1200 { #expect(try client.readResponse().code == nil, "assert \(i)") }

        #expect(try client.request("history likes(alice, ?)").lines.count == 1000)
        #expect(try client.request("history likes(alice, ?) limit 7").lines.count == 7)
        #expect(try client.request("match likes(alice, ?x)").lines.count == 1000)
        let timeline = try client.request("timeline alice limit 25")
        #expect(timeline.lines.count == 25)
        #expect(try client.request("timeline alice").lines.count == 1000)
        let scene = try client.request("scene \"s0\" limit 3")
        #expect(scene.lines.count == 4)
        #expect(scene.objects.first?["episodes"] as? Int == 400, "the scene line counts all its episodes")
        #expect(try client.request("scenes limit 2").lines.count == 2)
        #expect(try client.request("persona alice limit 5").lines.count == 5)
        #expect(try client.request("consolidate").code == nil)
        #expect(try client.request("consolidate").code == nil)
        #expect(try client.request("consolidations limit 1").lines.count == 1)
        #expect(try client.request("consolidations").lines.count == 2)
        #expect(try client.request("history likes(alice, ?) limit 100001").code == "SYNTAX")
    }
}
