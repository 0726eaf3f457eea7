import Foundation
import MnemoClient
import MnemoTestSupport
import Testing

@Suite("the line protocol, against a real mnemod")
struct ProtocolTests {
    @Test("an answer is OK n and n JSON lines, or one ERR line; empty lines and CRLF are fine")
    func framing() throws {
        let daemon = try MnemodProcess()
        let client = try daemon.connect()
        #expect(try client.request("ping").isPong)
        let help = try client.request("help")
        #expect(help.lines.count >= 4 && help.objects.allSatisfy { $0["kind"] as? String == "help" })
        #expect(try client.request("").lines.isEmpty)
        #expect(try client.request("-- just a comment") == .ok([]))
        #expect(try client.request("PING\r").isPong)
        #expect(try client.request(" \tpInG  ").isPong)
        #expect(try client.request("pingx").code == "SYNTAX")
        #expect(try client.request("ping -- with a comment").isPong)
        let error = try client.request("frobnicate now")
        #expect(error.code == "SYNTAX")
        if case .error(_, let message) = error { #expect(message.hasPrefix("1:1 ")) }
        #expect(try client.request("consolidate dry run").code == nil)
        #expect(try client.request("ping").isPong)
    }

    @Test("1,000 pipelined requests are answered in order")
    func pipelining() throws {
        let daemon = try MnemodProcess()
        let client = try daemon.connect()
        let batch = (0..<1000).map { i in
            switch i % 4 {
            case 0: "ping"
            case 1: "help use"
            case 2: "nonsense \(i)"
            default: "stats"
            }
        }
        try client.sendMany(batch)
        for i in 0..<1000 {
            let answer = try client.readResponse()
            switch i % 4 {
            case 0: #expect(answer.isPong, "request \(i)")
            case 1: #expect(answer.objects.first?["statement"] as? String == "use", "request \(i)")
            case 2: #expect(answer.code == "SYNTAX", "request \(i)")
            default: #expect(answer.objects.first?["kind"] as? String == "stat", "request \(i)")
            }
        }
    }

    @Test("50 concurrent clients are all served, each in its own order", .opensSpaceFiles)
    func concurrentClients() throws {
        let daemon = try MnemodProcess()
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 50) { n in
            do {
                let client = try daemon.connect()
                let space = "client-\(n)"
                let use = try client.request("use space \"\(space)\"")
                guard use.objects.first?["name"] as? String == space else { return failures.add("\(n): \(use)") }
                for _ in 0..<20 {
                    guard try client.request("ping").isPong else { return failures.add("\(n): no pong") }
                }
                let stats = try client.request("stats")
                let current = stats.objects.first { $0["name"] as? String == "space" }?["value"] as? String
                if current != space { failures.add("\(n): stats in \(String(describing: current))") }
            } catch {
                failures.add("\(n): \(error)")
            }
        }
        #expect(failures.all.isEmpty, "\(failures.all)")
        let spaces = try FileManager.default.contentsOfDirectory(atPath: daemon.dataDirectory + "/spaces").filter { $0.hasSuffix(".sqlite") }
        #expect(spaces.count == 51)
    }

    @Test("a line over max_line answers TOO_LARGE, is discarded, and the connection goes on")
    func oversizedLine() throws {
        let daemon = try MnemodProcess(config: "max_line = 1kB\n")
        let client = try daemon.connectRaw()
        try client.send("ping " + String(repeating: "x", count: 5000) + "\nping\n")
        let first = try client.readResponse()
        #expect(first.code == "TOO_LARGE")
        #expect(try client.readResponse().isPong)
        // Sent in pieces, with the newline in a later write, it is still one request.
        try client.send(String(repeating: "y", count: 3000))
        usleep(50_000)
        try client.send(String(repeating: "y", count: 3000))
        usleep(50_000)
        try client.send("yyy\nping\n")
        #expect(try client.readResponse().code == "TOO_LARGE")
        #expect(try client.readResponse().isPong)
        // Exactly at the limit is accepted (and is then a syntax error, not TOO_LARGE).
        #expect(try client.request(String(repeating: "z", count: 1024)).code == "SYNTAX")
    }

    @Test("invalid UTF-8 answers SYNTAX and the connection stays usable")
    func invalidUTF8() throws {
        let daemon = try MnemodProcess()
        let client = try daemon.connectRaw()
        try client.send([0x70, 0x69, 0xFF, 0xFE, 0x0A] + Array("ping\n".utf8))
        let answer = try client.readResponse()
        #expect(answer.code == "SYNTAX")
        if case .error(_, let message) = answer { #expect(message.contains("UTF-8")) }
        #expect(try client.readResponse().isPong)
    }

    @Test("a silent connection is closed after idle_timeout, with an ERR first")
    func idleTimeout() throws {
        let daemon = try MnemodProcess(config: "idle_timeout = 500ms\n")
        let client = try daemon.connectRaw()
        #expect(try client.request("ping").isPong)
        let started = Date()
        let answer = try client.readResponse()
        #expect(answer.code == "TIMEOUT")
        #expect(try client.readLine() == nil)
        #expect(Date().timeIntervalSince(started) > 0.4)
        // A busy connection is not idle.
        let busy = try daemon.connect()
        for _ in 0..<8 {
            usleep(150_000)
            #expect(try busy.request("ping").isPong)
        }
    }

    @Test("a client past max_clients gets BUSY and is closed; a freed place is reused")
    func maxClients() throws {
        let daemon = try MnemodProcess(config: "max_clients = 2\n")
        let a = try daemon.connect()
        var b: MnemoConnection? = try daemon.connect()
        #expect(try a.request("ping").isPong)
        #expect(try b!.request("ping").isPong)
        let c = try daemon.connectRaw()
        let refused = try c.readResponse()
        #expect(refused.code == "BUSY")
        #expect(try c.readLine() == nil)
        b = nil
        usleep(200_000)
        let d = try daemon.connect()
        #expect(try d.request("ping").isPong)
        _ = b
    }
}

final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ item: String) { lock.withLock { items.append(item) } }
    var all: [String] { lock.withLock { items } }
}
