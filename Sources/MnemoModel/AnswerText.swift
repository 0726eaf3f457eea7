/// The lines of an answer written one after another into one buffer, each
/// ended by a newline, with their count: the bytes `OK n` is followed by.
///
/// A statement that answers many rows (`match`) writes each row here as it
/// finds it: a `JSONValue` or a `String` per row would cost an allocation,
/// a copy into it and another out of it, for every row.
public struct AnswerText: Sendable {
    private var out: JSONBuffer
    /// How many lines there are.
    public private(set) var count = 0

    public init(capacity: Int = 0) { out = JSONBuffer(capacity: capacity) }

    /// The lines, each ended by `\n`.
    public var bytes: [UInt8] { out.bytes }

    /// How many bytes the lines take.
    public var byteCount: Int { out.count }

    /// Calls `body` with the lines' bytes, without copying them.
    public func withBytes<T>(_ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T { try out.withBytes(body) }

    /// Appends a line: `write` writes its JSON text (without a newline), and
    /// the line's length with its newline is returned.
    @discardableResult
    public mutating func appendLine(_ write: (inout JSONBuffer) throws -> Void) rethrows -> Int {
        let start = out.count
        try write(&out)
        out.append(byte: UInt8(ascii: "\n"))
        count += 1
        return out.count - start
    }

    /// Each line as a `.raw` value, for callers that take an answer as values.
    public var values: [JSONValue] {
        var lines: [JSONValue] = []
        lines.reserveCapacity(count)
        out.withBytes { bytes in
            var start = 0
            for (i, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
                lines.append(.raw(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)))
                start = i + 1
            }
        }
        return lines
    }
}
