import Foundation
import Logging
import MCP

/// The SDK's `StdioTransport`, with two changes that make a session behave
/// as its client wrote it.
///
/// - **Tool calls run in the order they arrived.** The SDK's server handles
///   each request in a task of its own, so two calls written together could
///   reach the daemon in either order (a `recall` before the `remember` it
///   was meant to see). Here a `tools/call` is handed to the server only once
///   the one before it has been answered (or cancelled); other messages —
///   `ping`, `tools/list`, notifications — go through at once.
/// - **The end of input waits for the answers.** The server stops when its
///   input ends; a client that writes its requests and closes its end at
///   once (`mnemo mcp < requests.jsonl`, a script) would otherwise get no
///   answers. Here the end is passed on only once every request read has
///   been answered, or after `drainTimeout`.
///
/// Requests are told by a `method` and an `id`, answers by an `id` with a
/// `result` or an `error`; a batch is a JSON array of messages.
actor OrderedStdioTransport: Transport {
    nonisolated let logger: Logger
    private let inner: StdioTransport
    private let drainTimeout: Duration
    private var relay: MessageRelay?
    /// Ids of the requests passed on and not answered yet.
    private var unanswered: Set<String> = []
    /// Tool calls read and not passed on yet, oldest first.
    private var heldCalls: [(id: String, message: Data)] = []
    /// The tool call passed on and not answered yet.
    private var callInFlight: String?

    init(_ inner: StdioTransport, drainTimeout: Duration = .seconds(60)) {
        self.inner = inner
        self.drainTimeout = drainTimeout
        logger = inner.logger
    }

    func connect() async throws {
        try await inner.connect()
        relay = MessageRelay(from: await inner.receive(), passOn: { await self.received($0) }, atEnd: { await self.drain() })
    }

    func disconnect() async {
        relay?.stop()
        await inner.disconnect()
    }

    func send(_ data: Data) async throws {
        for message in Self.messages(in: data) {
            guard let id = message.id, message.isAnswer else { continue }
            unanswered.remove(id)
            if id == callInFlight { finishCall() }
        }
        try await inner.send(data)
    }

    func receive() -> AsyncThrowingStream<Data, Error> { relay?.stream ?? MessageRelay.ended }

    /// Notes a message read; true to pass it on now, false when it is a
    /// tool call held until the calls before it are answered.
    private func received(_ data: Data) -> Bool {
        let messages = Self.messages(in: data)
        for message in messages {
            if let cancelled = message.cancelledRequest {
                unanswered.remove(cancelled)
                heldCalls.removeAll { $0.id == cancelled }
                if cancelled == callInFlight { finishCall() }
            }
        }
        if messages.count == 1, let call = messages.first, call.isToolCall, let id = call.id {
            heldCalls.append((id, data))
            releaseCall()
            return false
        }
        for message in messages where message.isRequest {
            if let id = message.id { unanswered.insert(id) }
        }
        return true
    }

    private func finishCall() {
        callInFlight = nil
        releaseCall()
    }

    /// Passes on the oldest held tool call when none is in flight.
    private func releaseCall() {
        guard callInFlight == nil, !heldCalls.isEmpty else { return }
        let next = heldCalls.removeFirst()
        callInFlight = next.id
        unanswered.insert(next.id)
        relay?.yield(next.message)
    }

    /// Waits until every request read has been answered, or the timeout passes.
    private func drain() async {
        let clock = ContinuousClock()
        let deadline = clock.now + drainTimeout
        while !(unanswered.isEmpty && heldCalls.isEmpty) && clock.now < deadline && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(10))
        }
        if !(unanswered.isEmpty && heldCalls.isEmpty) {
            logger.warning("standard input ended with \(unanswered.count + heldCalls.count) requests unanswered after \(drainTimeout)")
        }
    }

    /// What this transport needs to know of one JSON-RPC message.
    private struct Message {
        let fields: [String: Value]

        /// A request's id as a key, kept apart by type (`1` is not `"1"`);
        /// nil for none and for an id JSON-RPC does not allow (a fraction, a
        /// boolean, an object): the server answers those with an id of its own,
        /// so such a call is passed on at once rather than waited for.
        var id: String? { Self.key(fields["id"]) }
        static func key(_ value: Value?) -> String? {
            switch value {
            case .string(let text)?: "s:" + text
            case .int(let number)?: "i:\(number)"
            default: nil
            }
        }
        var isRequest: Bool { fields["method"] != nil && id != nil }
        var isToolCall: Bool { isRequest && fields["method"] == "tools/call" }
        var isAnswer: Bool { fields["method"] == nil && (fields["result"] != nil || fields["error"] != nil) }
        var cancelledRequest: String? {
            guard fields["method"] == "notifications/cancelled" else { return nil }
            return Self.key(fields["params"]?.objectValue?["requestId"])
        }
    }

    private static func messages(in data: Data) -> [Message] {
        guard let value = try? JSONDecoder().decode(Value.self, from: data) else { return [] }
        return (value.arrayValue ?? [value]).compactMap { $0.objectValue.map(Message.init) }
    }
}
