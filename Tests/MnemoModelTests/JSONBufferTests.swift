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

    @Test("ISO 8601 times are written digit by digit as the components say")
    func times() {
        for iso in ["2023-05-08T13:56:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z", "2024-02-29T00:00:00.5Z", "1970-01-01T00:00:00.00012Z"] {
            #expect(Timestamp(iso8601: iso)!.iso8601 == iso)
        }
        // Outside years 0...9999 the general writer is used.
        let far = Timestamp(year: 12_345, month: 6, day: 7)
        #expect(far.iso8601 == "12345-06-07T00:00:00Z")
    }
}
