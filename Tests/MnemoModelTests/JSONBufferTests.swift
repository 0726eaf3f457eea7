import Testing

@testable import MnemoModel

/// Answer lines are written as bytes (`JSONBuffer`); they must be the text
/// `JSONString` and `Timestamp` define.
@Suite("JSON written as bytes")
struct JSONBufferTests {
    @Test(
        "strings are escaped exactly as JSONString escapes them",
        arguments: [
            "", "plain", "quote \" and \\ backslash", "new\nline\r\ttab", "\u{01}\u{1F}\u{7F}", "line\u{2028}para\u{2029}end",
            "’ is not escaped", "émoji 👩‍👩‍👧 ok", "ends with \u{2028}", "\u{2029}", "…\u{2027}\u{202A}",
        ])
    func strings(_ text: String) {
        var out = JSONBuffer()
        out.appendQuoted(text)
        #expect(out.string == JSONString.quoted(text))
    }

    @Test("integers are written in decimal, the extremes included")
    func integers() {
        for value: Int64 in [0, 7, -7, 10, 1_234_567_890, .max, .min] {
            var out = JSONBuffer()
            out.append(value)
            #expect(out.string == String(value))
        }
    }

    @Test("a value tree and a raw line serialise as before: compact, keys in order")
    func trees() {
        let value: JSONValue = .object([
            ("kind", "x"), ("n", .int(-3)), ("d", .double(2.5)), ("whole", .double(4)), ("inf", .double(.infinity)),
            ("list", .array([.null, .bool(true), .string("a\"b")])), ("raw", .raw(#"{"k":1}"#)),
        ])
        #expect(value.serialized == #"{"kind":"x","n":-3,"d":2.5,"whole":4,"inf":null,"list":[null,true,"a\"b"],"raw":{"k":1}}"#)
    }

    @Test("text is ASCII when no byte has its high bit, wherever that byte is in the eight-byte words")
    func ascii() {
        func isASCII(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBufferPointer { JSONString.isASCII($0) } }
        #expect(isASCII([]))
        for count in [1, 7, 8, 9, 16, 17, 640] {
            let plain = [UInt8](repeating: UInt8(ascii: "a"), count: count)
            #expect(isASCII(plain))
            for place in Set([0, count / 2, count - 1]) {
                var marked = plain
                marked[place] = 0x80
                #expect(!isASCII(marked), "\(count) bytes, 0x80 at \(place)")
                marked[place] = 0xC3
                #expect(!isASCII(marked))
            }
        }
        #expect(!isASCII(Array("café".utf8)) && isASCII(Array("cafe\u{0}\u{7F}".utf8)))
    }

    @Test("ISO 8601 times are written field by field as the components say")
    func times() {
        for iso in [
            "2023-05-08T13:56:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z", "2024-02-29T00:00:00.5Z", "1970-01-01T00:00:00.00012Z",
            "0000-01-01T00:00:00Z", "2020-10-10T10:10:10.1Z", "1999-09-09T09:09:09.010203Z", "2001-11-30T20:05:50.000001Z",
        ] {
            #expect(Timestamp(iso8601: iso)!.iso8601 == iso)
        }
        // Outside years 0...9999 the general writer is used.
        let far = Timestamp(year: 12_345, month: 6, day: 7)
        #expect(far.iso8601 == "12345-06-07T00:00:00Z")
    }

    @Test("a buffer grows past its capacity, and a copy keeps its bytes when either is written to")
    func storage() {
        var out = JSONBuffer(capacity: 1)
        var expected = ""
        for i in 0..<500 {
            out.append("[")
            out.append(Int64(i))
            out.appendQuoted("s\(i)\n")
            out.appendQuoted(Timestamp(microseconds: Int64(i) * 1_000_000))
            out.append(number: Double(i) / 4)
            out.append(byte: UInt8(ascii: "]"))
            expected +=
                "[\(i)" + JSONString.quoted("s\(i)\n") + "\"\(Timestamp(microseconds: Int64(i) * 1_000_000).iso8601)\""
                + JSONValue.double(Double(i) / 4).serialized + "]"
        }
        #expect(out.string == expected)
        #expect(out.count == expected.utf8.count && out.bytes == Array(expected.utf8))
        var copy = out
        out.append("x")
        copy.append("y")
        #expect(out.string == expected + "x" && copy.string == expected + "y")
        var emptied = copy
        emptied.removeAll()
        emptied.append(raw: #"{"k":1}"#)
        #expect(emptied.string == #"{"k":1}"# && copy.string == expected + "y")
        copy.removeAll()
        #expect(copy.count == 0 && copy.string.isEmpty)
    }

    @Test("numbers: whole ones below 10^15 without a fraction, others as Swift prints them, null when not finite")
    func numbers() {
        let cases: [(Double, String)] = [
            (0, "0"), (-0.0, "0"), (1, "1"), (-1, "-1"), (2.5, "2.5"), (999_999_999_999_999, "999999999999999"), (1e15, "1000000000000000.0"),
            (1e-7, "1e-07"), (-1e-7, "-1e-07"), (0.1, "0.1"), (-1e15, "-1000000000000000.0"), (1e16, "1e+16"),
            (.greatestFiniteMagnitude, "1.7976931348623157e+308"), (.infinity, "null"), (-.infinity, "null"), (.nan, "null"),
        ]
        for (d, text) in cases {
            var out = JSONBuffer()
            out.append(number: d)
            #expect(out.string == text, "\(d)")
        }
    }
}
