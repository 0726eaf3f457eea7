import Foundation

/// Passes the messages a transport receives on to a stream of its own,
/// looking at each on the way: how a transport that wraps the SDK's
/// `StdioTransport` (`OrderedStdioTransport`; the tests' recording one)
/// sees what comes in, holds some of it back, and decides when the stream
/// ends. Made when the inner transport has connected; `stream` is what the
/// wrapping transport's `receive()` returns.
package final class MessageRelay: Sendable {
    package let stream: AsyncThrowingStream<Data, Error>
    private let continuation: AsyncThrowingStream<Data, Error>.Continuation
    private let task: Task<Void, Never>

    /// Relays `upstream`, calling `passOn` for every message (false: the
    /// caller passes it on itself, later, with `yield`) and `atEnd` once
    /// `upstream` has ended, before `stream` finishes.
    package init(
        from upstream: AsyncThrowingStream<Data, Error>, passOn: @escaping @Sendable (Data) async -> Bool,
        atEnd: @escaping @Sendable () async -> Void = {}
    ) {
        let (stream, continuation) = AsyncThrowingStream<Data, Error>.makeStream()
        self.stream = stream
        self.continuation = continuation
        task = Task {
            do {
                for try await message in upstream {
                    if await passOn(message) { continuation.yield(message) }
                }
                await atEnd()
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
    }

    /// Passes on a message held back earlier.
    package func yield(_ message: Data) { continuation.yield(message) }

    /// Stops relaying and ends `stream`.
    package func stop() {
        task.cancel()
        continuation.finish()
    }

    /// A stream that has already ended, for a transport asked before it connected.
    package static var ended: AsyncThrowingStream<Data, Error> { AsyncThrowingStream { $0.finish() } }
}
