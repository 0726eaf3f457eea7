import Foundation
import Logging
import MCP

/// The SDK's `StdioTransport`, with one change: when standard input ends,
/// the messages stop only once every request read has been answered.
///
/// The SDK's server handles each request in a task of its own and stops
/// when its input ends; a client that writes its requests and closes its
/// end at once (`printf '…' | mnemo mcp`, a script) would otherwise get no
/// answers at all. So this transport counts the requests it passes on (a
/// message with a `method` and an `id`) and the answers sent back (an `id`
/// with a `result` or an `error`), and after the end of input waits for the
/// two to agree — at most `drainTimeout` — before it ends the stream the
/// server reads.
actor DrainingTransport: Transport {
    nonisolated let logger: Logger
    private let inner: StdioTransport
    private let drainTimeout: Duration
    private let stream: AsyncThrowingStream<Data, Error>
    private let continuation: AsyncThrowingStream<Data, Error>.Continuation
    private var unanswered: Set<String> = []
    private var forwarding: Task<Void, Never>?

    init(_ inner: StdioTransport, drainTimeout: Duration = .seconds(60)) {
        self.inner = inner
        self.drainTimeout = drainTimeout
        logger = inner.logger
        (stream, continuation) = AsyncThrowingStream.makeStream()
    }

    func connect() async throws {
        try await inner.connect()
        forwarding = MessageRelay.start(
            from: await inner.receive(), to: continuation, each: { await self.note($0, isAnswer: false) },
            atEnd: { await self.drain() })
    }

    func disconnect() async {
        forwarding?.cancel()
        continuation.finish()
        await inner.disconnect()
    }

    func send(_ data: Data) async throws {
        note(data, isAnswer: true)
        try await inner.send(data)
    }

    nonisolated func receive() -> AsyncThrowingStream<Data, Error> { stream }

    /// Waits until every request read has been answered, or the timeout passes.
    private func drain() async {
        let clock = ContinuousClock()
        let deadline = clock.now + drainTimeout
        while !unanswered.isEmpty && clock.now < deadline && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(10))
        }
        if !unanswered.isEmpty {
            logger.warning("standard input ended with \(unanswered.count) requests unanswered after \(drainTimeout)")
        }
    }

    /// Counts a request read, or crosses off the request an answer is for
    /// (a batch is a JSON array of messages); a request the client cancels
    /// is answered by nobody, so its cancellation crosses it off.
    private func note(_ data: Data, isAnswer: Bool) {
        guard let message = try? JSONDecoder().decode(Value.self, from: data) else { return }
        for item in message.arrayValue ?? [message] {
            guard let fields = item.objectValue else { continue }
            if !isAnswer, fields["method"] == "notifications/cancelled",
                let id = fields["params"]?.objectValue?["requestId"]
            {
                unanswered.remove(String(describing: id))
            }
            guard let id = fields["id"], !id.isNull else { continue }
            if isAnswer, fields["result"] != nil || fields["error"] != nil {
                unanswered.remove(String(describing: id))
            } else if !isAnswer, fields["method"] != nil {
                unanswered.insert(String(describing: id))
            }
        }
    }
}
