import Foundation
import MnemoModel
import NIOCore

/// One answer of the protocol: `OK n` and n JSON lines, or `ERR CODE message`.
///
/// An answer's bytes are written when it is made, on the thread that ran the
/// statement, so that the event loop only hands them to the socket: a
/// hundred thousand rows are megabytes, and copying them there would hold up
/// every other connection on that loop.
public enum Reply: Sendable {
    /// The whole answer: its `OK n` line and its n lines.
    case ok(ByteBuffer)
    case error(MnemoError)

    /// An answer of these lines, each one JSON text without its newline.
    public static func ok(_ lines: [String]) -> Reply {
        var buffer = header(count: lines.count, capacity: lines.reduce(0) { $0 + $1.utf8.count + 1 })
        for line in lines {
            buffer.writeString(line)
            buffer.writeInteger(UInt8(ascii: "\n"))
        }
        return .ok(buffer)
    }

    /// An answer of these values; a `.raw` value (a line already written, as
    /// big answers write their rows) is copied as it is.
    public static func ok(_ values: [JSONValue]) -> Reply {
        var capacity = 0
        for value in values {
            if case .raw(let line) = value { capacity += line.utf8.count + 1 } else { capacity += 128 }
        }
        var buffer = header(count: values.count, capacity: capacity)
        for value in values {
            buffer.writeString(value.serialized)
            buffer.writeInteger(UInt8(ascii: "\n"))
        }
        return .ok(buffer)
    }

    /// An answer as the executor hands it over.
    public static func ok(_ answer: Answer) -> Reply {
        switch answer {
        case .values(let values): ok(values)
        case .text(let text): ok(text)
        }
    }

    /// An answer whose lines are written already: its bytes are copied as they are.
    public static func ok(_ text: AnswerText) -> Reply {
        var buffer = header(count: text.count, capacity: text.byteCount)
        _ = text.withBytes { buffer.writeBytes(UnsafeRawBufferPointer($0)) }
        return .ok(buffer)
    }

    /// A buffer holding `OK count`, with room for `capacity` bytes of lines after it.
    private static func header(count: Int, capacity: Int) -> ByteBuffer {
        let header = "OK \(count)\n"
        var buffer = ByteBufferAllocator().buffer(capacity: header.utf8.count + capacity)
        buffer.writeString(header)
        return buffer
    }

    /// Writes the answer's bytes.
    public func write(into buffer: inout ByteBuffer) {
        switch self {
        case .ok(let answer):
            var answer = answer
            buffer.writeBuffer(&answer)
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
