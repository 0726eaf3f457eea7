import MnemoServer
import NIOCore
import NIOEmbedded
import Testing

/// The frame decoder in process, through NIO's `EmbeddedChannel`: bytes in as
/// a socket would deliver them, frames out.
@Suite("framing request lines (RequestFrameDecoder)")
struct RequestFrameDecoderTests {
    /// A channel whose only handler is the decoder, with lines of at most `limit` bytes.
    func channel(limit: Int = 8) -> EmbeddedChannel {
        EmbeddedChannel(handler: ByteToMessageHandler(RequestFrameDecoder(maxLine: { limit })))
    }

    /// Writes each chunk as one read of the socket; returns every frame decoded, as text.
    func frames(_ chunks: [String], limit: Int = 8, closeInput: Bool = false) throws -> [String] {
        let channel = channel(limit: limit)
        for chunk in chunks { try channel.writeInbound(ByteBuffer(string: chunk)) }
        if closeInput { channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed) }
        var out: [String] = []
        while let frame = try channel.readInbound(as: RequestFrame.self) {
            switch frame {
            case .line(let line): out.append(String(buffer: line))
            case .tooLarge(let limit): out.append("TOO_LARGE \(limit)")
            }
        }
        _ = try? channel.finish()
        return out
    }

    @Test("pipelined lines in one read, a line split over reads, CRLF and empty lines")
    func lines() throws {
        #expect(try frames(["ping\nhelp\n"]) == ["ping", "help"])
        #expect(try frames(["pi", "n", "g\r", "\n"]) == ["ping"])
        #expect(try frames(["\n\r\nx\n"]) == ["", "", "x"])
    }

    @Test("a line of exactly the limit passes, one byte more is TOO_LARGE, and the next line is served")
    func limit() throws {
        #expect(try frames(["12345678\n"]) == ["12345678"])
        #expect(try frames(["12345678\r\n"]) == ["12345678"])
        #expect(try frames(["123456789\nping\n"]) == ["TOO_LARGE 8", "ping"])
    }

    @Test("an overlong line arriving in pieces is reported once, its bytes dropped as they come, up to its newline")
    func overlongInPieces() throws {
        let long = String(repeating: "x", count: 5)
        #expect(try frames([long, long, long, long, "tail\nping\n"]) == ["TOO_LARGE 8", "ping"])
        #expect(try frames([String(repeating: "y", count: 100), "\n", "ok\n"]) == ["TOO_LARGE 8", "ok"])
    }

    @Test("at end of input a last line without a newline is still a request, and an overlong one is TOO_LARGE")
    func lastLine() throws {
        #expect(try frames(["ping\nstats"], closeInput: true) == ["ping", "stats"])
        #expect(try frames(["ping\n123456789"], closeInput: true) == ["ping", "TOO_LARGE 8"])
        #expect(try frames(["ping\n", String(repeating: "z", count: 50)], closeInput: true) == ["ping", "TOO_LARGE 8"])
    }
}
