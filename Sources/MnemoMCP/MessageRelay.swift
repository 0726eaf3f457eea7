import Foundation

/// Passes the messages a transport receives on to a stream of one's own,
/// looking at each on the way: how a transport that wraps the SDK's
/// `StdioTransport` (`DrainingTransport`; the tests' recording one) sees
/// what comes in and decides when the stream ends.
package enum MessageRelay {
    /// Relays `upstream` into `continuation`, calling `each` for every
    /// message before passing it on and `atEnd` once `upstream` has ended,
    /// before `continuation` finishes. The task stops when cancelled.
    package static func start(
        from upstream: AsyncThrowingStream<Data, Error>, to continuation: AsyncThrowingStream<Data, Error>.Continuation,
        each: @escaping @Sendable (Data) async -> Void, atEnd: @escaping @Sendable () async -> Void = {}
    ) -> Task<Void, Never> {
        Task {
            do {
                for try await message in upstream {
                    await each(message)
                    continuation.yield(message)
                }
                await atEnd()
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
    }
}
