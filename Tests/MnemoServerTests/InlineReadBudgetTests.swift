import Foundation
import MnemoClient
import MnemoTestSupport
import Testing

/// `inline_read_budget` over the socket: a short read is answered on the
/// network thread, a long one moves to a worker and answers in full, and
/// with the budget at 0 every read runs on a worker. `stats` counts both.
@Suite("reads on the network thread within inline_read_budget")
struct InlineReadBudgetTests {
    func counters(_ c: MnemoConnection) throws -> (inline: Int, moved: Int) {
        let stats = try c.request("stats").objects
        func value(_ name: String) -> Int { stats.first { $0["name"] as? String == name }?["value"] as? Int ?? -1 }
        return (value("reads_inline"), value("reads_moved_to_worker"))
    }

    func fill(_ c: MnemoConnection, facts: Int) throws {
        try c.sendMany((0..<facts).map { "assert big(i: \($0), tag: t\($0 % 10))" })
        for _ in 0..<facts { #expect(try c.readResponse().code == nil) }
    }

    /// Asks a one-row match until one is answered inline: the first read of a
    /// space has its connection opened in the background, and runs on a worker.
    func untilInline(_ c: MnemoConnection) throws -> (inline: Int, moved: Int) {
        for _ in 0..<500 {
            #expect(try c.request("match big(i: 1, tag: ?t)").objects.count == 1)
            let now = try counters(c)
            if now.inline > 0 { return now }
            usleep(10_000)
        }
        Issue.record("no read was answered inline in 5 s")
        return try counters(c)
    }

    @Test("a one-row match is answered inline; twenty thousand rows move to a worker and come whole")
    func shortInlineLongOnWorker() throws {
        // A budget that a one-row read fits in even in a debug build.
        let daemon = try MnemodProcess(config: "inline_read_budget = 10ms\n")
        let c = try daemon.connect()
        try fill(c, facts: 3000)
        #expect(try counters(c) == (0, 0))
        let (inline, moved) = try untilInline(c)
        let one = try c.request("match big(i: 2024, tag: ?t)").objects
        #expect(one.count == 1 && "\(one[0])".contains("t4"))
        #expect(try counters(c) == (inline + 1, moved))
        let many = try c.request("match big(i: ?i), big(i: ?j, tag: t1) limit 20000").objects
        #expect(many.count == 20000)
        #expect(try counters(c) == (inline + 1, moved + 1))
        let history = try c.request("history big(2024, ?)").objects
        #expect(history.count == 1)
        #expect(try counters(c) == (inline + 2, moved + 1))
    }

    @Test("a client pipelining many short reads gets a share of its thread per pass: the rest run on workers, answered in order")
    func pipelinedShare() throws {
        let daemon = try MnemodProcess(config: "inline_read_budget = 10ms\n")
        let c = try daemon.connect()
        try fill(c, facts: 600)
        let (inline, moved) = try untilInline(c)
        // Far more than 10 ms of reads in one write of the socket.
        try c.sendMany((0..<600).map { "match big(i: \($0), tag: ?t)" })
        for i in 0..<600 {
            let answer = try c.readResponse().objects
            #expect(answer.count == 1 && "\(answer[0])".contains("t\(i % 10)"), "answer \(i)")
        }
        let after = try counters(c)
        #expect(after.inline > inline && after.moved > moved)
        #expect(after.inline + after.moved == inline + moved + 600)
    }

    @Test("with inline_read_budget = 0 every read runs on a worker, and answers the same")
    func off() throws {
        let daemon = try MnemodProcess(config: "inline_read_budget = 0\n")
        let c = try daemon.connect()
        try fill(c, facts: 50)
        #expect(try c.request("match big(i: 7, tag: ?t)").objects.count == 1)
        #expect(try c.request("match big(i: ?i) limit 50").objects.count == 50)
        #expect(try counters(c) == (0, 0))
    }

    @Test("a bad inline_read_budget stops start-up with file:line")
    func badValue() throws {
        let daemon = try MnemodProcess(config: "inline_read_budget = soon\n", wait: false)
        #expect(daemon.waitForExit() == 78)
        #expect(daemon.log.contains("daemon.conf:1: invalid value for inline_read_budget"))
    }
}
