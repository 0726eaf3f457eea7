/// An error every layer of Mnemo can raise, carrying the protocol's error code
/// so that it reaches a client as `ERR <CODE> <message>` unchanged.
public struct MnemoError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The codes of SPEC §6.
    public enum Code: String, Sendable {
        case syntax = "SYNTAX"
        case notFound = "NOT_FOUND"
        case denied = "DENIED"
        case tooLarge = "TOO_LARGE"
        case conflict = "CONFLICT"
        case busy = "BUSY"
        case readOnly = "READONLY"
        case invalid = "INVALID"
        case unsupported = "UNSUPPORTED"
        case timeout = "TIMEOUT"
        case full = "FULL"
        case internalError = "INTERNAL"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue) \(message)" }
}
