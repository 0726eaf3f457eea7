import Foundation
import MnemoClient
import MnemoModel
import MnemoQuery
import MnemoStore
import MnemoTestSupport
import NIOCore
import Testing

@testable import MnemoServer

/// `ConnectionHandler` in process (`HandlerChannel`): what a connection is
/// answered, in which order, and when it stops being read — without a socket,
/// but over real spaces and worker threads.
@Suite("one connection's requests and answers, in process (ConnectionHandler)")
struct ConnectionHandlerTests {
    @Test("ping is answered pong, and a blank line OK 0")
    func ping() async throws {
        let connection = try await HandlerChannel()
        try await connection.send("ping\n\n PING \r\n")
        let answers = try await connection.answers(3)
        #expect(answers[0].isPong && answers[2].isPong)
        #expect(answers[1] == .ok([]))
        try await connection.close()
    }

    @Test("a syntax error is answered ERR SYNTAX with the parser's message and its line:column, and the next request is served")
    func syntaxError() async throws {
        let statement = "match likes(ann ?x)"
        let parserMessage: String
        do {
            _ = try Parser.parse(statement, now: .now())
            Issue.record("\(statement) parsed")
            return
        } catch {
            parserMessage = error.message
        }
        let connection = try await HandlerChannel()
        try await connection.send(statement + "\nping\n")
        let answers = try await connection.answers(2)
        #expect(answers[0] == .error(code: "SYNTAX", message: parserMessage))
        #expect(parserMessage.hasPrefix("1:17 "), "\(parserMessage)")
        #expect(answers[1].isPong)
        try await connection.close()
    }

    @Test("help lists every statement's entry in the table's order; help with a topic answers that entry")
    func help() async throws {
        let connection = try await HandlerChannel()
        try await connection.send("help\nhelp use\nhelp frobnicate\n")
        let answers = try await connection.answers(3)
        #expect(answers[0].objects.map { $0["statement"] as? String } == Help.topics.map(\.statement))
        #expect(answers[0].objects.allSatisfy { $0["kind"] as? String == "help" })
        #expect(answers[1].objects.map { $0["statement"] as? String } == ["use"])
        #expect(answers[2].code == "NOT_FOUND")
        try await connection.close()
    }

    @Test("pipelined requests in one read are answered in order, those answered at once waiting behind those on workers; the writes are in the space's store")
    func pipelinedInOrder() async throws {
        let connection = try await HandlerChannel()
        try await connection.send(
            """
            assert likes(ann, tea)
            ping
            match likes(ann, ?x)
            assert likes(ann, coffee)
            assert likes(bob, tea)
            nonsense here
            help use
            match likes(?who, tea)
            stats

            """)
        let answers = try await connection.answers(9)
        #expect(answers[0].objects.first?["kind"] as? String == "fact")
        #expect(answers[1].isPong)
        #expect(answers[2].objects.compactMap { ($0["bindings"] as? [String: Any])?["x"] as? String } == ["tea"])
        #expect(answers[3].code == nil && answers[4].code == nil)
        #expect(answers[5].code == "SYNTAX")
        #expect(answers[6].objects.first?["statement"] as? String == "use")
        #expect(Set(answers[7].objects.compactMap { ($0["bindings"] as? [String: Any])?["who"] as? String }) == ["ann", "bob"])
        #expect(answers[8].objects.contains { $0["kind"] as? String == "stat" })

        let store = try connection.state.spaces.space(SpaceManager.defaultSpace, create: false).store
        #expect(FileManager.default.fileExists(atPath: store.path))
        try await connection.send("match likes(?who, ?what)\n")
        #expect(try await connection.answer().lines.count == 3)
        try await connection.close()
    }

    @Test("a line over max_line answers TOO_LARGE and the connection goes on")
    func lineLimit() async throws {
        let connection = try await HandlerChannel { $0.maxLine = 16 }
        try await connection.send("ping " + String(repeating: "x", count: 40) + "\nping\n")
        let answers = try await connection.answers(2)
        #expect(answers[0].code == "TOO_LARGE")
        #expect(answers[1].isPong)
        try await connection.close()
    }

    @Test(
        "while the client reads none of its answers (channel not writable) nothing is started and the socket is not read; once it reads, every answer comes in order"
    )
    func backpressure() async throws {
        let connection = try await HandlerChannel()
        try await connection.onEventLoop { channel in
            channel.isWritable = false
            channel.pipeline.fireChannelWritabilityChanged()
        }
        try await connection.send("ping\nassert likes(ann, tea)\nping\n")
        #expect(try await connection.staysSilent())
        #expect(connection.isReadPaused)
        try await connection.onEventLoop { channel in
            channel.isWritable = true
            channel.pipeline.fireChannelWritabilityChanged()
        }
        let answers = try await connection.answers(3)
        #expect(answers[0].isPong && answers[1].code == nil && answers[2].isPong)
        #expect(!connection.isReadPaused)
        try await connection.close()
    }

    @Test("past max_queued_bytes of requests waiting behind one on a worker the socket is no longer read, and it is read again once they are answered")
    func queuedBytesBound() async throws {
        let connection = try await HandlerChannel { $0.maxQueuedBytes = 64 }
        // One read: the write goes to a worker, the 20 pings (80 bytes) wait behind it.
        let pausedBehindWrite = try await connection.onEventLoop { channel in
            channel.pipeline.fireChannelRead(ByteBuffer(string: "assert likes(ann, tea)\n" + String(repeating: "ping\n", count: 20)))
            channel.pipeline.fireChannelReadComplete()
            return HandlerChannel.isReadPaused(channel)
        }
        #expect(pausedBehindWrite)
        let answers = try await connection.answers(21)
        #expect(answers[0].code == nil && answers.dropFirst().allSatisfy(\.isPong))
        #expect(!connection.isReadPaused)
        try await connection.close()
    }

    @Test("a client that shuts its sending side gets every answer, a write's included, then the connection closes")
    func halfClosed() async throws {
        let connection = try await HandlerChannel()
        try await connection.send("assert likes(ann, tea)\nping\n")
        try await connection.onEventLoop { channel in channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed) }
        let answers = try await connection.answers(2)
        #expect(answers[0].code == nil && answers[1].isPong)
        try await connection.channel.closeFuture.get()
        try await connection.close()
    }

    @Test("an idle connection is answered ERR TIMEOUT and closed")
    func idle() async throws {
        let connection = try await HandlerChannel { $0.idleTimeout = .milliseconds(500) }
        try await connection.onEventLoop { channel in
            channel.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
        }
        #expect(try await connection.answer().code == "TIMEOUT")
        try await connection.channel.closeFuture.get()
        try await connection.close()
    }
}
