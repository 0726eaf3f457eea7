import Foundation
import MnemoModel
import NIOCore

/// One answer of the protocol: `OK n` and n JSON lines, or `ERR CODE message`.
public enum Reply: Sendable {
    case ok([String])
    case error(MnemoError)

    public static func ok(_ values: [JSONValue]) -> Reply { .ok(values.map(\.serialized)) }

    /// Writes the answer's bytes.
    public func write(into buffer: inout ByteBuffer) {
        switch self {
        case .ok(let lines):
            buffer.writeStaticString("OK ")
            buffer.writeString(String(lines.count))
            buffer.writeInteger(UInt8(ascii: "\n"))
            for line in lines {
                buffer.writeString(line)
                buffer.writeInteger(UInt8(ascii: "\n"))
            }
        case .error(let error):
            // A message is one line: fold any newline it carries.
            let message = error.message.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
            buffer.writeString("ERR \(error.code.rawValue) \(message)\n")
        }
    }

    public var isError: Bool {
        if case .error = self { return true }
        return false
    }
}
