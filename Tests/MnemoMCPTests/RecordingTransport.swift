import Foundation
import Logging
import MCP
import MnemoMCP

/// The SDK's `StdioTransport` with every message written down as it goes
/// by: `> ` what the client sent, `< ` what the server answered
/// (`MCPServerTests.session` writes it where `MNEMO_MCP_TRANSCRIPT` says;
/// docs/mcp.md).
actor RecordingTransport: Transport {
    nonisolated let logger: Logger
    private let inner: StdioTransport
    private var relay: MessageRelay?
    private(set) var transcript: [String] = []

    init(_ inner: StdioTransport) {
        self.inner = inner
        logger = inner.logger
    }

    func connect() async throws {
        try await inner.connect()
        relay = MessageRelay(from: await inner.receive()) { message in
            await self.record("< ", message)
            return true
        }
    }

    func disconnect() async {
        relay?.stop()
        await inner.disconnect()
    }

    func send(_ data: Data) async throws {
        record("> ", data)
        try await inner.send(data)
    }

    func receive() -> AsyncThrowingStream<Data, Error> { relay?.stream ?? MessageRelay.ended }

    private func record(_ direction: String, _ message: Data) {
        transcript.append(direction + String(decoding: message, as: UTF8.self))
    }
}
