/// JSON text written as UTF-8 bytes, the way every answer line is written.
///
/// Appending to a Swift `String` checks and grows its storage on every call,
/// and a row of an answer is dozens of appends; appending bytes to an array
/// is a copy. The text is turned into a `String` once, when it is done.
public struct JSONBuffer: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 128) { bytes.reserveCapacity(capacity) }

    /// Empties the buffer, keeping its storage for the next text.
    public mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    /// The text written so far.
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    /// Appends text written in the source (keys, punctuation), as it is.
    public mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends text that is already JSON, as it is.
    public mutating func append(raw text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    public mutating func append(byte: UInt8) { bytes.append(byte) }

    /// Appends an integer in decimal.
    public mutating func append(_ value: Int64) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            // The magnitude of Int64.min does not fit an Int64; it does a UInt64.
            append(magnitude: value.magnitude)
        } else {
            append(magnitude: UInt64(value))
        }
    }

    private mutating func append(magnitude: UInt64) {
        var digits = 1
        var bound: UInt64 = 10
        while digits < 20, magnitude >= bound {
            digits += 1
            bound = bound &* 10
        }
        let end = bytes.count + digits
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits))
        bytes.withUnsafeMutableBufferPointer { out in
            var v = magnitude
            var i = end
            repeat {
                i -= 1
                out[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v % 10)
                v /= 10
            } while v > 0
        }
    }

    /// Appends `text` as a JSON string literal, escaped as `JSONString` says.
    public mutating func appendQuoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            guard JSONString.needsEscape(utf8) else {
                bytes.append(contentsOf: utf8)
                return
            }
            var i = 0
            while i < utf8.count {
                let b = utf8[i]
                switch b {
                case UInt8(ascii: "\""): append("\\\"")
                case UInt8(ascii: "\\"): append("\\\\")
                case UInt8(ascii: "\n"): append("\\n")
                case UInt8(ascii: "\r"): append("\\r")
                case UInt8(ascii: "\t"): append("\\t")
                case 0..<0x20:
                    append("\\u00")
                    bytes.append(Self.hex[Int(b >> 4)])
                    bytes.append(Self.hex[Int(b & 0xF)])
                case 0xE2 where i + 2 < utf8.count && utf8[i + 1] == 0x80 && (utf8[i + 2] == 0xA8 || utf8[i + 2] == 0xA9):
                    append(utf8[i + 2] == 0xA8 ? "\\u2028" : "\\u2029")
                    i += 2
                default: bytes.append(b)
                }
                i += 1
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends a time as a JSON string of its ISO 8601 text (`Timestamp.iso8601`),
    /// written in place.
    public mutating func appendQuoted(_ time: Timestamp) {
        let c = time.components
        guard (0...9999).contains(c.year) else {
            appendQuoted(time.iso8601)
            return
        }
        bytes.append(UInt8(ascii: "\""))
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: Timestamp.iso8601Capacity))
        let written = bytes.withUnsafeMutableBufferPointer { all in
            Timestamp.writeISO8601(c, into: UnsafeMutableBufferPointer(rebasing: all[start...]))
        }
        bytes.removeLast(Timestamp.iso8601Capacity - written)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends `key` (text written in the source, such as `,"ref":`), then
    /// `value` as a JSON string, or `null` when there is none.
    public mutating func append(_ key: StaticString, quotedOrNull value: String?) {
        append(key)
        if let value { appendQuoted(value) } else { append("null") }
    }

    /// Appends `key`, then `time` as `appendQuoted` writes it, or `null` when there is none.
    public mutating func append(_ key: StaticString, quotedOrNull time: Timestamp?) {
        append(key)
        if let time { appendQuoted(time) } else { append("null") }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)
}
