import Foundation
import Testing

@testable import MnemoModel

@Suite("JSON answer lines")
struct JSONValueTests {
    @Test(
        "Strings are escaped exactly where JSON (and JavaScript) need it",
        arguments: [
            ("plain text", #""plain text""#),
            ("it’s “curly” — fine", #""it’s “curly” — fine""#),
            ("say \"hi\"", #""say \"hi\"""#),
            ("back\\slash", #""back\\slash""#),
            ("line\nbreak\ttab\r", #""line\nbreak\ttab\r""#),
            ("bell\u{07}", #""bell\u0007""#),
            ("sep\u{2028}para\u{2029}", #""sep\u2028para\u2029""#),
        ])
    func escaping(input: String, expected: String) throws {
        var out = ""
        JSONValue.writeString(input, to: &out)
        #expect(out == expected)
        // And it reads back as the same string.
        let decoded = try JSONSerialization.jsonObject(with: Data(out.utf8), options: [.fragmentsAllowed]) as? String
        #expect(decoded == input)
    }
}
