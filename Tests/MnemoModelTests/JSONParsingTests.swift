import MnemoModel
import Testing

@Suite("reading JSON back into JSONValue")
struct JSONParsingTests {
    @Test("what JSONValue writes reads back to the same value and the same text, members in order")
    func roundTrip() throws {
        let value = JSONValue.object([
            ("kind", "fact"), ("z", .int(-9_223_372_036_854_775_808)), ("a", .double(0.1)), ("big", .double(1e300)),
            ("text", .string("tab\t quote\" back\\ nl\n é 😀 \u{2028} \u{01}")), ("list", .array([.null, .bool(true), .bool(false), .array([])])),
            ("empty", .object([])),
        ])
        let parsed = try JSONValue.parse(value.serialized)
        #expect(parsed.serialized == value.serialized)
        #expect(parsed["z"] == .int(.min))
        #expect(parsed["a"] == .double(0.1))
    }

    @Test("escapes: \\u with surrogate pairs, and every short escape")
    func escapes() throws {
        #expect(try JSONValue.parse(#""\ud83d\ude00 \u00e9 \/ \b\f\n\r\t""#) == .string("😀 é / \u{08}\u{0C}\n\r\t"))
        #expect(try JSONValue.parse(" [1 , 2.5e3 ,-0.5] ") == .array([.int(1), .double(2500), .double(-0.5)]))
        #expect(try JSONValue.parse("18446744073709551616") == .double(18_446_744_073_709_551_616))
    }

    @Test(
        "what is not JSON is refused with where",
        arguments: [
            "", "{", "{\"a\" 1}", "[1,]", "01", "1.", "-", "tru", "\"open", "\"\\x\"", "\"\\ud800\"", "\"a\u{01}b\"", "{} {}", "1e999",
            String(repeating: "[", count: 65) + String(repeating: "]", count: 65),
        ])
    func refused(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }

    @Test("the error names the column")
    func column() {
        do {
            _ = try JSONValue.parse(#"{"a": tru}"#)
            Issue.record("parsed")
        } catch {
            #expect(error.column == 7)
        }
    }
}
