import MnemoModel
import MnemoQuery
import NIOCore

/// A request line after parsing, waiting its turn on its connection.
///
/// Lines are parsed as they arrive, so the statements pipelined behind a
/// running request are ready when it finishes. What needs no statement to run
/// (a `ping`, an empty line, a line that is too long, not UTF-8 or not valid
/// syntax) already carries its reply.
enum QueuedRequest {
    /// A statement to run.
    case statement(Statement)
    /// The reply is known; `keyword` names the request in `stats` (`nil`:
    /// not counted, as for a blank line).
    case answered(keyword: String?, Reply)

    init(_ frame: RequestFrame) {
        switch frame {
        case .tooLarge(let limit):
            self = .answered(
                keyword: "too_large",
                .error(
                    MnemoError(
                        .tooLarge, "request line longer than max_line (\(limit) bytes); it was discarded")))
        case .line(let buffer) where ConnectionHandler.isPing(buffer):
            // The health check of every client library: answered without parsing.
            self = .answered(keyword: StatementKind.ping.traits.name, StatementRunner.pong)
        case .line(let buffer):
            // Decoding that replaced bad bytes would hide them: the protocol refuses them.
            guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
                self = .answered(keyword: "invalid_utf8", .error(MnemoError(.syntax, "request is not valid UTF-8")))
                return
            }
            do {
                if let statement = try Parser.parse(text, now: .now()) {
                    self = .statement(statement)
                } else {
                    self = .answered(keyword: nil, .ok([String]()))
                }
            } catch {
                self = .answered(keyword: "syntax_error", .error(error))
            }
        }
    }
}
