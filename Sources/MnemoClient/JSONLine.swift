import Foundation

/// Reads the top level of one JSON object line while keeping the key order
/// (JSONSerialization's dictionaries do not), with each value's text as sent.
/// Package-wide: the MCP bridge renders answer lines with it too.
package enum JSONLine {
    package struct Member {
        package var key: String
        /// The value's JSON text, white space outside strings removed.
        package var raw: String
    }

    /// The members of a JSON object in order; nil if the line is not one object.
    package static func members(_ line: String) -> [Member]? {
        var members: [Member] = []
        let complete = elements(of: line, open: "{", close: "}") { bytes, index in
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\""),
                let keyEnd = endOfString(bytes, at: index),
                let key = string(bytes[index..<keyEnd])
            else { return false }
            index = keyEnd
            skipWhiteSpace(bytes, &index)
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
            index += 1
            skipWhiteSpace(bytes, &index)
            guard let valueEnd = endOfValue(bytes, at: index) else { return false }
            members.append(Member(key: key, raw: compact(bytes[index..<valueEnd])))
            index = valueEnd
            return true
        }
        return complete ? members : nil
    }

    /// The items of a JSON array in order, each value's text as `members`
    /// gives it; nil if `raw` is not one array.
    package static func items(_ raw: String) -> [String]? {
        var items: [String] = []
        let complete = elements(of: raw, open: "[", close: "]") { bytes, index in
            guard let end = endOfValue(bytes, at: index) else { return false }
            items.append(compact(bytes[index..<end]))
            index = end
            return true
        }
        return complete ? items : nil
    }

    /// Walks the top level of one object or array (`open`, `close`) that is
    /// the whole of `text` (white space aside): `element` is called at the
    /// start of each element, reads it and moves `index` past it, or answers
    /// false. True when the text was one such container to its end.
    private static func elements(
        of text: String, open: Unicode.Scalar, close: Unicode.Scalar, _ element: ([UInt8], inout Int) -> Bool
    ) -> Bool {
        let bytes = Array(text.utf8)
        var index = 0
        skipWhiteSpace(bytes, &index)
        guard index < bytes.count, bytes[index] == UInt8(ascii: open) else { return false }
        index += 1
        skipWhiteSpace(bytes, &index)
        var first = true
        while true {
            if first, index < bytes.count, bytes[index] == UInt8(ascii: close) {
                index += 1
                break
            }
            first = false
            skipWhiteSpace(bytes, &index)
            guard element(bytes, &index) else { return false }
            skipWhiteSpace(bytes, &index)
            guard index < bytes.count else { return false }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: close) else { return false }
            index += 1
            break
        }
        skipWhiteSpace(bytes, &index)
        return index == bytes.count
    }

    /// The value of a JSON string literal (quotes included in `raw`); nil when
    /// `raw` is not a string literal.
    package static func string(_ raw: String) -> String? {
        string(ArraySlice(raw.utf8))
    }

    static func string(_ raw: ArraySlice<UInt8>) -> String? {
        guard raw.count >= 2, raw.first == UInt8(ascii: "\""), raw.last == UInt8(ascii: "\"") else { return nil }
        let inner = raw.dropFirst().dropLast()
        if !inner.contains(UInt8(ascii: "\\")) {
            return String(decoding: inner, as: UTF8.self)
        }
        let value = try? JSONSerialization.jsonObject(with: Data(raw), options: [.fragmentsAllowed])
        return value as? String
    }

    private static func skipWhiteSpace(_ bytes: [UInt8], _ index: inout Int) {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D {
            index += 1
        }
    }

    /// Index just past the string literal starting at `start` (a quote).
    private static func endOfString(_ bytes: [UInt8], at start: Int) -> Int? {
        var index = start + 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\\"): index += 2
            case UInt8(ascii: "\""): return index + 1
            default: index += 1
            }
        }
        return nil
    }

    /// Index just past the value starting at `start`.
    private static func endOfValue(_ bytes: [UInt8], at start: Int) -> Int? {
        guard start < bytes.count else { return nil }
        switch bytes[start] {
        case UInt8(ascii: "\""):
            return endOfString(bytes, at: start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var index = start
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    guard let end = endOfString(bytes, at: index) else { return nil }
                    index = end
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return index + 1 }
                default:
                    break
                }
                index += 1
            }
            return nil
        default:
            var index = start
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D:
                    return index > start ? index : nil
                default:
                    index += 1
                }
            }
            return nil
        }
    }

    /// The JSON text without white space outside strings.
    private static func compact(_ bytes: ArraySlice<UInt8>) -> String {
        guard bytes.contains(where: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else {
            return String(decoding: bytes, as: UTF8.self)
        }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                result.append(byte)
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
                result.append(byte)
            } else if byte != 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D {
                result.append(byte)
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}
