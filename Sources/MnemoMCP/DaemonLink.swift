import Dispatch
import Logging
import MnemoClient

/// The one connection of an MCP session to `mnemod`, in the space the
/// session was started for.
///
/// The SDK runs every tool call in a task of its own, possibly several at
/// once; `MnemoConnection` is blocking and not thread-safe. So the connection
/// lives on a serial dispatch queue of its own: calls are answered in the
/// order they arrive, and the blocking socket I/O never holds one of Swift's
/// few cooperative threads.
///
/// The connection is opened on the first call, and again on the next call
/// after it was lost (a daemon that stopped, restarted or closed an idle
/// connection), followed each time by `use space "…"` when a space was
/// given. A call that cannot reach the daemon answers `.unavailable` with the
/// client's own explanation (which names the socket), and the session goes on.
public final class DaemonLink: @unchecked Sendable {
    /// What one statement came back with.
    public enum Answer: Sendable, Equatable {
        /// The daemon's answer, `OK` or `ERR`.
        case response(Response)
        /// The daemon could not be reached, or the connection broke while
        /// waiting for the answer (then the statement may or may not have run).
        case unavailable(String)
        /// `use space` was refused when connecting: the statement was not sent.
        case spaceRefused(Response)
        /// The statement was not sent, for this reason (it holds a line break).
        case notSent(String)
    }

    public let socketPath: String
    /// The space every statement runs in; nil for the connection's default (`default`).
    public let space: String?
    private let logger: Logger
    private let queue = DispatchQueue(label: "mnemo.mcp.daemon")
    /// Touched only on `queue`.
    private var connection: MnemoConnection?

    public init(socketPath: String, space: String?, logger: Logger) {
        self.socketPath = socketPath
        self.space = space
        self.logger = logger
    }

    /// Sends one statement (one line) and waits for its answer.
    public func run(_ statement: String) async -> Answer {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: self.runOnQueue(statement)) }
        }
    }

    private func runOnQueue(_ statement: String) -> Answer {
        let answer = runOnce(statement)
        // The daemon closed the connection as idle just as the statement went
        // out: its ERR TIMEOUT answers nothing that was sent, and the statement
        // did not run (an idle connection has nothing running). Once more, on a
        // new connection.
        if case .response(let response) = answer, case .error("TIMEOUT", let message) = response, message.hasPrefix("idle for") {
            logger.notice("the daemon closed the connection on \(socketPath) as idle as a statement went out; connecting again")
            connection?.close()
            connection = nil
            return runOnce(statement)
        }
        return answer
    }

    private func runOnce(_ statement: String) -> Answer {
        if let open = connection, open.hasEndedUnasked {
            logger.notice("the daemon closed the connection on \(socketPath); connecting again")
            open.close()
            connection = nil
        }
        let client: MnemoConnection
        if let open = connection {
            client = open
        } else {
            switch connect() {
            case .opened(let opened): client = opened
            case .failed(let answer): return answer
            }
        }
        do {
            let response = try client.request(statement)
            logger.debug("\(statement) -> \(response.headerLine)")
            return .response(response)
        } catch .multiLineStatement {
            return .notSent("a statement must be one line")
        } catch {
            logger.warning("lost the connection to the daemon: \(error)")
            client.close()
            connection = nil
            return .unavailable(Self.lostConnection(error))
        }
    }

    /// A new connection, switched to the session's space.
    private func connect() -> Opening {
        let client: MnemoConnection
        do {
            client = try MnemoConnection(socketPath: socketPath)
        } catch {
            logger.warning("\(error)")
            return .failed(.unavailable(error.description))
        }
        if let space {
            do {
                let answer = try client.request("use space \(StatementInfo.quoted(space))")
                guard answer.isOK else {
                    logger.error("space \(space): \(answer.headerLine)")
                    client.close()
                    return .failed(.spaceRefused(answer))
                }
            } catch {
                client.close()
                return .failed(.unavailable(Self.lostConnection(error)))
            }
        }
        logger.info("connected to \(socketPath)\(space.map { " (space \($0))" } ?? "")")
        connection = client
        return .opened(client)
    }

    private static func lostConnection(_ error: MnemoClientError) -> String {
        "\(error); the statement may not have run. The next call connects again."
    }

    private enum Opening {
        case opened(MnemoConnection)
        case failed(Answer)
    }
}
