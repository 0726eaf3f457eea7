import Testing

@testable import MnemoModel

/// Wire ids such as `f:42`.
@Suite struct NodeIDTests {
    @Test func parsesAndPrints() throws {
        let id = try #require(NodeID("f:42"))
        #expect(id.kind == .fact)
        #expect(id.number == 42)
        #expect(id.description == "f:42")
        #expect(NodeID("n:5") == NodeID(.entity, 5))
        #expect(NodeID("e:9223372036854775807")?.number == .max)
    }

    @Test(arguments: NodeKind.allCases)
    func roundTripsEveryKind(_ kind: NodeKind) {
        let id = NodeID(kind, 17)
        #expect(NodeID(id.description) == id)
        #expect(id.description == "\(kind.rawValue):17")
    }

    @Test func kindNames() {
        #expect(NodeKind.allCases.map(\.name) == ["entity", "episode", "fact", "scene", "persona", "insight"])
        #expect(NodeKind.allCases.map { String($0.rawValue) } == ["n", "e", "f", "s", "p", "i"])
    }

    @Test(arguments: [
        "x:1", "f:", "f:0", "f:-3", "f42", "", "f", ":1", "F:1", "f::1", "f:1a", " f:1", "f:1 ",
        "f:9223372036854775808", "ff:1", "f:+3", "f:007",
    ])
    func rejects(_ text: String) {
        #expect(NodeID(text) == nil)
    }

    @Test func parsesSubstrings() {
        let line = "retract f:42 at 2024-02-01"
        #expect(NodeID(line.split(separator: " ")[1]) == NodeID(.fact, 42))
    }

    @Test func ordersByKindThenNumber() {
        #expect(NodeID(.fact, 2) < NodeID(.fact, 10)) // numerically, not as text
        #expect(NodeID(.episode, 99) < NodeID(.fact, 1))
        #expect(!(NodeID(.fact, 1) < NodeID(.fact, 1)))
        let sorted = ["f:10", "e:3", "f:2", "n:1"].compactMap(NodeID.init).sorted().map(\.description)
        #expect(sorted == ["e:3", "f:2", "f:10", "n:1"])
    }
}
