/// JSON string literals, written the one way Mnemo writes them: `"`, `\`
/// and control characters escaped, and U+2028/U+2029 too (for JavaScript's
/// sake); everything else as it is.
public enum JSONString {
    /// Whether a string holds a character that must be escaped. (U+2028 and
    /// U+2029 are the bytes E2 80 A8/A9; other E2 sequences such as ’ pass.)
    public static func needsEscape(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { needsEscape($0) }
    }

    /// Whether UTF-8 text holds a character that must be escaped.
    public static func needsEscape(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i < utf8.count {
            let b = utf8[i]
            if b < 0x20 || b == 0x22 || b == 0x5C { return true }
            if b == 0xE2, i + 2 < utf8.count, utf8[i + 1] == 0x80, utf8[i + 2] == 0xA8 || utf8[i + 2] == 0xA9 { return true }
            i += 1
        }
        return false
    }

    /// Whether UTF-8 text is ASCII alone (then it is valid UTF-8 as it is),
    /// eight bytes at a time: a byte at a time, a summary of 600 bytes cost
    /// more than making a `String` of it.
    public static func isASCII(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = utf8.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var i = 0
        var high: UInt64 = 0
        while i + 8 <= utf8.count {
            high |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < utf8.count {
            high |= UInt64(utf8[i])
            i += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    /// Appends `s` as a JSON string literal.
    public static func write(_ s: String, to out: inout String) {
        out += "\""
        // Most strings need no escape: append them whole.
        guard needsEscape(s) else {
            out += s
            out += "\""
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    /// `s` as a JSON string literal.
    public static func quoted(_ s: String) -> String {
        var out = ""
        write(s, to: &out)
        return out
    }
}
