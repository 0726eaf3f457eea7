#if canImport(Darwin)
import Darwin
#else
import Glibc
#endif

/// JSON text written as UTF-8 bytes, the way every answer line is written.
///
/// Appending to a Swift `String` checks and grows its storage on every call,
/// and a row of an answer is dozens of appends. Appending to a `[UInt8]`
/// costs a generic `append(contentsOf:)` each (about a hundred instructions
/// for a key of ten bytes, a tenth of a `history` row's cost in all), so the
/// bytes are kept in storage of the buffer's own: an append checks that the
/// storage is not shared and has room, then copies. A copy of a buffer shares
/// its storage until one of them is written to, as an array's would.
/// The text is turned into a `String` or handed out once, when it is done.
public struct JSONBuffer: @unchecked Sendable { // The storage is never written while shared (`reserve`).
    /// The bytes: `count` of them written at `base`, room for `capacity`.
    ///
    /// They are held by `malloc` rather than Swift's allocator so that they
    /// grow by `realloc`: an answer of many megabytes is in blocks the C
    /// library maps, and a mapped block grows by remapping its pages rather
    /// than copying them (a copy also touches every page twice).
    private final class Storage {
        var base: UnsafeMutablePointer<UInt8>
        var count = 0
        var capacity: Int

        init(capacity: Int) {
            self.capacity = Swift.max(capacity, 16)
            base = Self.allocate(self.capacity)
        }

        deinit { free(base) }

        private static func allocate(_ capacity: Int) -> UnsafeMutablePointer<UInt8> {
            guard let bytes = malloc(capacity) else { fatalError("out of memory for \(capacity) bytes of answer") }
            return bytes.assumingMemoryBound(to: UInt8.self)
        }

        /// A copy of the bytes with room for at least `capacity`.
        func copy(capacity: Int) -> Storage {
            let copy = Storage(capacity: Swift.max(capacity, self.capacity))
            copy.base.initialize(from: base, count: count)
            copy.count = count
            return copy
        }

        /// Room for at least `needed` bytes: doubled, or more when that is not enough.
        func grow(to needed: Int) {
            let grown = Swift.max(needed, capacity * 2)
            guard let bigger = realloc(base, grown) else { fatalError("out of memory for \(grown) bytes of answer") }
            base = bigger.assumingMemoryBound(to: UInt8.self)
            capacity = grown
        }
    }

    private var storage: Storage

    public init(capacity: Int = 128) { storage = Storage(capacity: capacity) }

    /// How many bytes have been written.
    public var count: Int { storage.count }

    /// The bytes written so far, as an array (a copy).
    public var bytes: [UInt8] { withBytes { Array($0) } }

    /// Calls `body` with the bytes written so far, without copying them.
    public func withBytes<T>(_ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        try body(UnsafeBufferPointer(start: storage.base, count: storage.count))
    }

    /// Empties the buffer, keeping its storage for the next text.
    public mutating func removeAll() {
        if isKnownUniquelyReferenced(&storage) { storage.count = 0 } else { storage = Storage(capacity: storage.capacity) }
    }

    /// Drops the bytes written after the first `count`.
    public mutating func removeLast(downTo count: Int) {
        precondition(count >= 0 && count <= storage.count, "removeLast(downTo:) past the bytes written")
        if isKnownUniquelyReferenced(&storage) {
            storage.count = count
        } else {
            let kept = Storage(capacity: storage.capacity)
            kept.base.initialize(from: storage.base, count: count)
            kept.count = count
            storage = kept
        }
    }

    /// Appends the bytes `range` of `other` (a text written aside, such as
    /// the members a fact's lines repeat).
    public mutating func append(_ other: JSONBuffer, bytes range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= other.count, "append(_:bytes:) past the bytes written")
        other.withBytes { bytes in
            if let base = bytes.baseAddress { append(base + range.lowerBound, count: range.count) }
        }
    }

    /// The text written so far.
    public var string: String { withBytes { String(decoding: $0, as: UTF8.self) } }

    /// Makes room for `n` more bytes in storage of this buffer's alone, counts
    /// them as written, and returns where they go: the caller writes all `n`
    /// (or gives back those it did not write with `unreserve`).
    @inline(__always)
    private mutating func reserve(_ n: Int) -> UnsafeMutablePointer<UInt8> {
        let needed = storage.count + n
        if !isKnownUniquelyReferenced(&storage) {
            storage = storage.copy(capacity: needed)
        } else if needed > storage.capacity {
            storage.grow(to: needed)
        }
        let start = storage.base + storage.count
        storage.count = needed
        return start
    }

    /// Gives back the last `n` bytes reserved and not written.
    private mutating func unreserve(_ n: Int) { storage.count -= n }

    /// Appends `count` bytes from `start`.
    @inline(__always)
    private mutating func append(_ start: UnsafePointer<UInt8>, count: Int) {
        guard count > 0 else { return }
        reserve(count).initialize(from: start, count: count)
    }

    /// Appends text written in the source (keys, punctuation), as it is.
    /// Inlined, so that the copy of a key of known length is a few moves.
    @inline(__always)
    public mutating func append(_ text: StaticString) {
        if text.hasPointerRepresentation {
            append(text.utf8Start, count: text.utf8CodeUnitCount)
        } else {
            text.withUTF8Buffer { utf8 in if let base = utf8.baseAddress { append(base, count: utf8.count) } }
        }
    }

    /// Appends UTF-8 bytes that are already JSON, as they are.
    public mutating func append(bytes: UnsafeBufferPointer<UInt8>) {
        if let base = bytes.baseAddress { append(base, count: bytes.count) }
    }

    /// Appends text that is already JSON, as it is.
    public mutating func append(raw text: String) {
        var text = text
        text.withUTF8 { utf8 in if let base = utf8.baseAddress { append(base, count: utf8.count) } }
    }

    public mutating func append(byte: UInt8) { reserve(1).pointee = byte }

    /// Appends an integer in decimal.
    public mutating func append(_ value: Int64) {
        if value < 0 {
            append(byte: UInt8(ascii: "-"))
            // The magnitude of Int64.min does not fit an Int64; it does a UInt64.
            append(magnitude: value.magnitude)
        } else {
            append(magnitude: UInt64(value))
        }
    }

    /// Appends a number as `JSONValue.double` writes it: a whole number below
    /// 10^15 without a fraction, another as Swift prints it, and `null` for
    /// one that is not finite.
    public mutating func append(number d: Double) {
        if d.isFinite {
            if d == d.rounded(), abs(d) < 1e15 { append(Int64(d)) } else { append(raw: "\(d)") }
        } else {
            append("null")
        }
    }

    private mutating func append(magnitude: UInt64) {
        var digits = 1
        var bound: UInt64 = 10
        while digits < 20, magnitude >= bound {
            digits += 1
            bound = bound &* 10
        }
        let out = reserve(digits)
        var v = magnitude
        var i = digits
        repeat {
            i -= 1
            out[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v % 10)
            v /= 10
        } while v > 0
    }

    /// Appends `text` as a JSON string literal, escaped as `JSONString` says.
    public mutating func appendQuoted(_ text: String) {
        var text = text
        text.withUTF8 { appendQuoted(utf8: $0) }
    }

    /// Appends UTF-8 text (a column SQLite hands over, without making a
    /// `String` of it) as a JSON string literal, escaped as `JSONString` says.
    public mutating func appendQuoted(utf8: UnsafeBufferPointer<UInt8>) {
        guard JSONString.needsEscape(utf8) else {
            let out = reserve(utf8.count + 2)
            out[0] = UInt8(ascii: "\"")
            if let base = utf8.baseAddress { (out + 1).initialize(from: base, count: utf8.count) }
            out[utf8.count + 1] = UInt8(ascii: "\"")
            return
        }
        append(byte: UInt8(ascii: "\""))
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
                append(byte: Self.hex[Int(b >> 4)])
                append(byte: Self.hex[Int(b & 0xF)])
            case 0xE2 where i + 2 < utf8.count && utf8[i + 1] == 0x80 && (utf8[i + 2] == 0xA8 || utf8[i + 2] == 0xA9):
                append(utf8[i + 2] == 0xA8 ? "\\u2028" : "\\u2029")
                i += 2
            default: append(byte: b)
            }
            i += 1
        }
        append(byte: UInt8(ascii: "\""))
    }

    /// Appends a time as a JSON string of its ISO 8601 text (`Timestamp.iso8601`),
    /// written in place.
    public mutating func appendQuoted(_ time: Timestamp) {
        let c = time.components
        guard (0...9999).contains(c.year) else {
            appendQuoted(time.iso8601)
            return
        }
        let out = reserve(Timestamp.iso8601Capacity + 2)
        out[0] = UInt8(ascii: "\"")
        let written = Timestamp.writeISO8601(c, into: UnsafeMutableBufferPointer(start: out + 1, count: Timestamp.iso8601Capacity))
        out[written + 1] = UInt8(ascii: "\"")
        unreserve(Timestamp.iso8601Capacity - written)
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
