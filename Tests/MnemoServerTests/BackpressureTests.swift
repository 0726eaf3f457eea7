import Foundation
import MnemoClient
import MnemoTestSupport
import Testing

extension MnemodProcess {
    /// The daemon's resident memory, in bytes (`VmRSS` of /proc/PID/status).
    var residentBytes: Int {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kB = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return 0 }
        return kB * 1024
    }
}

@Suite("bounded memory per connection: a client that does not read")
struct BackpressureTests {
    /// 1,000 facts of about 1 KiB each: `match note(?i, ?t)` answers about 1.1 MB.
    /// Sent 50 at a time, each batch's answers read before the next: a client
    /// that sends more than the daemon buffers before reading anything waits
    /// for itself (a raw connection: the clients of these tests go on to
    /// pipeline without reading).
    static func seed(_ client: RawConnection) throws {
        let filler = String(repeating: "lorem ipsum ", count: 85)
        for start in stride(from: 0, to: 1000, by: 50) {
            try client.send((start..<start + 50).map { "assert note(i: \($0), text: \"\($0) \(filler)\")\n" }.joined())
            for i in start..<start + 50 { #expect(try client.readResponse().code == nil, "assert \(i)") }
        }
    }

    @Test("1,000 pipelined large answers never read: RSS grows by less than 64 MiB and other clients are served")
    func clientThatNeverReads() throws {
        let daemon = try MnemodProcess()
        let setup = try daemon.connectRaw()
        try Self.seed(setup)
        let query = "match note(?i, ?t) limit 1000"
        let one = try setup.request(query)
        #expect(one.lines.count == 1000)
        let answerBytes = one.lines.reduce(0) { $0 + $1.utf8.count + 1 }
        #expect(answerBytes > 1_000_000)
        let before = daemon.residentBytes
        #expect(before > 0)

        // Asks for 1,000 answers (over 1 GB in all) and reads none of them.
        let greedy = try daemon.connectRaw()
        try greedy.send(String(repeating: query + "\n", count: 1000))

        // Meanwhile another client is served as usual.
        let other = try daemon.connect()
        var slowest = 0.0
        for _ in 0..<100 {
            let started = Date()
            #expect(try other.request("ping").isPong)
            slowest = max(slowest, Date().timeIntervalSince(started))
            usleep(20_000)
        }
        #expect(slowest < 1.0, "a ping took \(slowest) s while another client did not read")
        #expect(try other.request(query).lines.count == 1000)

        let grown = daemon.residentBytes - before
        #expect(grown < 64 << 20, "RSS grew by \(grown >> 20) MiB for a client that reads nothing")
        usleep(500_000)
        let later = daemon.residentBytes - before
        #expect(later < 64 << 20, "RSS grew by \(later >> 20) MiB for a client that reads nothing")

        // Nothing was dropped: once the client reads, its answers come, whole and in order.
        for i in 0..<20 {
            let answer = try greedy.readResponse()
            #expect(answer.lines.count == 1000, "answer \(i): \(answer.code ?? "")")
            if answer.lines.count != 1000 { break }
        }
        // A client that leaves with answers unread frees what it held.
        greedy.shutdown(.both)
        usleep(300_000)
        #expect(try other.request("ping").isPong)
        #expect(daemon.residentBytes - before < 64 << 20)
    }

    @Test("a connection with max_queued_bytes of requests waiting is no longer read, and catches up")
    func queuedBytesBound() throws {
        let daemon = try MnemodProcess(config: "max_queued_bytes = 64kB\nmax_pending_output = 16kB\n")
        let client = try daemon.connectRaw()
        try Self.seed(client)
        // 4 MB of pipelined requests against 64 kB of queue and 16 kB of output:
        // the daemon must stop reading, and every request is still answered.
        let query = "match note(i: 1, text: ?t) limit 2" + String(repeating: " ", count: 400)
        let count = 6_000
        let sender = Thread {
            try? client.send(String(repeating: query + "\n", count: count))
        }
        sender.start()
        usleep(300_000)
        let before = daemon.residentBytes
        for i in 0..<count {
            let answer = try client.readResponse()
            if answer.lines.count != 1 {
                Issue.record("answer \(i): \(answer)")
                break
            }
        }
        #expect(daemon.residentBytes - before < 64 << 20)
        #expect(try client.request("ping").isPong)
    }
}

@Suite("answers under backpressure, half-closed clients and shutdown")
struct ConnectionEndTests {
    @Test("answers given on the network thread while the client did not read are all sent once it does")
    func inlineAnswersAfterBackpressure() throws {
        let daemon = try MnemodProcess(config: "max_pending_output = 1kB\n")
        let client = try daemon.connect()
        try client.sendMany(repeatElement("help", count: 266))
        usleep(1_000_000)
        for i in 0..<266 {
            let answer = try client.readResponse()
            #expect(answer.code == nil && !answer.lines.isEmpty, "help \(i): \(answer)")
        }
        #expect(try client.request("ping").isPong)
    }

    @Test("a client that shuts its sending side gets every answer, and every write it sent is stored")
    func halfClosedClient() throws {
        let daemon = try MnemodProcess()
        var clients: [RawConnection] = []
        for c in 0..<10 {
            let client = try daemon.connectRaw()
            try client.send((0..<50).map { "remember \"client \(c) note \($0)\"\n" }.joined())
            client.shutdown(.sending)
            clients.append(client)
        }
        for (c, client) in clients.enumerated() {
            for i in 0..<50 { #expect(try client.readResponse().code == nil, "client \(c) remember \(i)") }
            #expect(try client.readLine() == nil, "the connection closes after the last answer")
        }
        let reader = try daemon.connect()
        let stats = try reader.request("stats").objects
        #expect(stats.first { $0["name"] as? String == "episodes" }?["value"] as? Int == 500)
    }

    @Test("SIGTERM ends the daemon within its grace even while a client does not read its answers")
    func shutdownWithUnreadAnswers() throws {
        let daemon = try MnemodProcess()
        let setup = try daemon.connectRaw()
        try BackpressureTests.seed(setup)
        let greedy = try daemon.connectRaw()
        try greedy.send(String(repeating: "match note(?i, ?t) limit 1000\n", count: 200))
        usleep(500_000)
        let started = Date()
        daemon.signal(SIGTERM)
        let status = daemon.waitForExit(timeout: 30)
        #expect(status == 0, "mnemod did not stop (status \(String(describing: status)))")
        #expect(Date().timeIntervalSince(started) < 25)
    }

    @Test("max_answer_bytes stops an answer too large to build, and fewer rows answer")
    func answerBytes() throws {
        let daemon = try MnemodProcess(config: "max_answer_bytes = 64kB\n")
        let client = try daemon.connect()
        let text = String(repeating: "x", count: 2000)
        try client.sendMany((0..<100).map { "assert note(i: \($0), text: \"\(text)\")" })
        for i in 0..<100 { #expect(try client.readResponse().code == nil, "assert \(i)") }
        for statement in ["match note(?i, ?t)", "history note(?, ?)"] {
            #expect(try client.request(statement).code == "TOO_LARGE", "\(statement)")
            #expect(try client.request(statement + " limit 10").lines.count == 10, "\(statement) limit 10")
        }
        try client.sendMany((0..<100).map { "remember \"\(text) \($0)\" by ann in scene \"long\"" })
        for i in 0..<100 { #expect(try client.readResponse().code == nil, "remember \(i)") }
        for statement in ["timeline ann", "scene \"long\""] {
            #expect(try client.request(statement).code == "TOO_LARGE", "\(statement)")
            #expect(try client.request(statement + " limit 5").code == nil, "\(statement) limit 5")
        }
        #expect(try client.request("recall \"what did ann say\" limit 100").code == "TOO_LARGE")
        #expect(try client.request("recall \"what did ann say\" limit 5").lines.count == 5)
        #expect(try client.request("ping").isPong)
    }
}
