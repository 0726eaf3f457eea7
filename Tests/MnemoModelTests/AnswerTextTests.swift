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

    static let episodes: [Episode] = [
        Episode(
            id: 7, text: "quote \" and \n émoji 👩‍👩‍👧", speaker: "Zoë", at: Timestamp(microseconds: 1_700_000_000_123_450), sceneID: 3,
            sceneTitle: "chat \"1\"", ref: "D1:3", importance: 0.6, entities: ["Zoë", "bob"],
            times: [
                TimeMention(text: "yesterday", range: TimeRange(from: Timestamp(microseconds: 0), to: Timestamp(microseconds: 86_400_000_000))),
                TimeMention(text: "a moment", range: TimeRange(from: Timestamp(microseconds: 5), to: nil)),
            ], recordedAt: Timestamp(microseconds: 0)),
        Episode(
            id: 8, text: "", speaker: nil, at: Timestamp(microseconds: 0), sceneID: nil, sceneTitle: nil, ref: nil, importance: 1, entities: [],
            times: [], recordedAt: Timestamp(microseconds: 0)),
    ]

    /// An episode's line as a tree of values, member by member.
    static func tree(_ e: Episode) -> JSONValue {
        .object([
            ("kind", "episode"), ("id", .string(NodeID(.episode, e.id).description)), ("ref", .string(e.ref)), ("text", .string(e.text)),
            ("speaker", .string(e.speaker)), ("at", Encode.time(e.at)), ("scene", .string(e.sceneID.map { NodeID(.scene, $0).description })),
            ("scene_title", .string(e.sceneTitle)), ("importance", .double(e.importance)), ("entities", .array(e.entities.map { .string($0) })),
            (
                "times",
                .array(
                    e.times.map {
                        .object([
                            ("text", .string($0.text)), ("from", $0.range.from.map(Encode.dateOrTime) ?? .null),
                            ("to", $0.range.to.map(Encode.dateOrTime) ?? .null),
                        ])
                    })
            ), ("n", 1),
        ])
    }

    @Test("an episode's line written in place is its tree's text", arguments: episodes)
    func episode(_ e: Episode) {
        var out = JSONBuffer()
        Encode.write(e, extra: [("n", 1)], to: &out)
        #expect(out.string == Self.tree(e).serialized)
        #expect(Encode.episode(e, extra: [("n", 1)]).serialized == out.string)
    }

    static let scenes: [Scene] = {
        var full = Scene(
            id: 3, title: "the \"offsite\"", span: TimeRange(from: Timestamp(microseconds: 1_700_000_000_000_000), to: nil), place: "paris",
            participants: ["Zoë", "bob"], summary: "line\nbreak", automatic: true)
        full.places = ["Émile's", "a"]
        full.reflection = "thought"
        var emptyReflection = Scene(id: 4, title: "t", span: TimeRange(from: nil, to: nil), place: nil, participants: [], summary: nil, automatic: false)
        emptyReflection.reflection = ""
        return [full, emptyReflection]
    }()

    @Test("a scene's line written in place is its tree's text", arguments: scenes)
    func scene(_ s: Scene) {
        let tree = JSONValue.object([
            ("kind", "scene"), ("id", .string(NodeID(.scene, s.id).description)), ("title", .string(s.title)), ("from", Encode.time(s.span.from)),
            ("to", Encode.time(s.span.to)), ("place", .string(s.place)), ("participants", .array(s.participants.map { .string($0) })),
            ("summary", .string(s.summary)), ("places", .array(s.places.map { .string($0) })),
            ("reflection", s.reflection.flatMap { $0.isEmpty ? nil : JSONValue.string($0) } ?? .null), ("automatic", .bool(s.automatic)),
            ("episodes", 12),
        ])
        var out = JSONBuffer()
        Encode.write(s, extra: [("episodes", 12)], to: &out)
        #expect(Array(out.string.utf8) == Array(tree.serialized.utf8))
        #expect(Encode.scene(s, extra: [("episodes", 12)]).serialized == out.string)
    }

    @Test("an id's letter is its kind's character")
    func letters() {
        for kind in NodeKind.allCases { #expect(kind.letter == kind.rawValue.asciiValue) }
    }
}
