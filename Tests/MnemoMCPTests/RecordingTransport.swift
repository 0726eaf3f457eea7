import Foundation
import Logging
import MCP
import MnemoMCP

/// The SDK's `StdioTransport` with every message written down as it goes
/// by: `> ` what the client sent, `< ` what the server answered. The
/// transcript of docs/mcp.md is one of these.
actor RecordingTransport: Transport {
    nonisolated let logger: Logger
    private let inner: StdioTransport
    private let stream: AsyncThrowingStream<Data, Error>
    private let continuation: AsyncThrowingStream<Data, Error>.Continuation
    private(set) var transcript: [String] = []
    private var forwarding: Task<Void, Never>?

    init(_ inner: StdioTransport) {
        self.inner = inner
        logger = inner.logger
        (stream, continuation) = AsyncThrowingStream.makeStream()
    }

    func connect() async throws {
        try await inner.connect()
        forwarding = MessageRelay.start(from: await inner.receive(), to: continuation, each: { await self.record("< ", $0) })
    }

    func disconnect() async {
        await inner.disconnect()
        forwarding?.cancel()
        continuation.finish()
    }

    func send(_ data: Data) async throws {
        record("> ", data)
        try await inner.send(data)
    }

    nonisolated func receive() -> AsyncThrowingStream<Data, Error> { stream }

    private func record(_ direction: String, _ message: Data) {
        transcript.append(direction + String(decoding: message, as: UTF8.self))
    }
}
