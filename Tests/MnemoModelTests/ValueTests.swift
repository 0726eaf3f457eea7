import Foundation
import MnemoModel
import Testing

/// `Value.jsonText`: what persona answers embed as raw JSON.
@Suite struct ValueTests {
    @Test("every value is valid JSON text, numbers JSON cannot write included")
    func jsonTextIsJSON() throws {
        let values: [Value] = [
            .literal(.number(.infinity)), .literal(.number(-.infinity)), .literal(.number(.nan)),
            .list([.literal(.number(1)), .literal(.number(.infinity))]), .literal(.number(1e300)), .literal(.number(2.5)),
            .literal(.number(-0.0)), .literal(.text("a\u{0}\"b")), .entity(id: 1, name: "Zoë"),
        ]
        for value in values {
            let text = value.jsonText
            #expect((try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) != nil, "\(text)")
        }
        #expect(Value.literal(.number(.infinity)).jsonText == "null")
        #expect(Value.list([.literal(.number(3)), .literal(.number(-.infinity))]).jsonText == "[3,null]")
        #expect(Value.literal(.number(42)).jsonText == "42")
    }
}
