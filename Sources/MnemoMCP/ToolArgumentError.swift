/// Why a tool call's arguments cannot become a statement. The message is
/// meant for the model that made the call: it names the argument and says
/// what would be accepted, so that the next call can be right.
public struct ToolArgumentError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
