import Testing

@testable import MnemoModel

/// `match` writes its rows straight into one buffer (`AnswerText`) and its
/// values with `Encode.write`: the text must be what the value trees give.
@Suite("Answer lines written as text")
struct AnswerTextTests {
    static let values: [Value] = [
        .entity(id: 3, name: "ann"), .entity(id: 4, name: "quote \" and \\ backslash\nline"),
        .literal(.text("")), .literal(.text("émoji 👩‍👩‍👧 and \u{2028}")),
        .literal(.number(4242)), .literal(.number(-0.5)), .literal(.number(1e300)), .literal(.number(.infinity)), .literal(.number(.nan)),
        .literal(.time(Timestamp(microseconds: 0))), .literal(.time(Timestamp(microseconds: 1_700_000_000_123_450))),
        .list([]), .list([.entity(id: 1, name: "a"), .literal(.number(2)), .list([.literal(.text("nested"))])]),
    ]

    @Test("a value is written as its JSONValue serialises", arguments: values)
    func value(_ value: Value) {
        var out = JSONBuffer()
        Encode.write(value, to: &out)
        #expect(out.string == Encode.value(value).serialized)
    }

    @Test("lines are counted, each ended by a newline, and read back as the values written")
    func lines() {
        var text = AnswerText()
        #expect(text.count == 0 && text.values.isEmpty)
        var expected: [String] = []
        for value in Self.values {
            let line = JSONValue.object([("kind", "v"), ("value", Encode.value(value))]).serialized
            let written = text.appendLine { out in
                out.append(#"{"kind":"v","value":"#)
                Encode.write(value, to: &out)
                out.append("}")
            }
            #expect(written == line.utf8.count + 1)
            expected.append(line)
        }
        #expect(text.count == Self.values.count)
        #expect(text.values.map(\.serialized) == expected)
        #expect(String(decoding: text.bytes, as: UTF8.self) == expected.map { $0 + "\n" }.joined())
    }

    @Test("an id's letter is its kind's character")
    func letters() {
        for kind in NodeKind.allCases { #expect(kind.letter == kind.rawValue.asciiValue) }
    }
}
