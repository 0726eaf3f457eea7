import GRDB
import MnemoModel
import Testing

@testable import MnemoConsolidation
@testable import MnemoStore

/// Five scenes of two people talking: Ann paints and hikes, mentions her
/// sister; Bob answers without taking up her words.
func twoFriends(_ m: Memory) throws {
    let days = ["2023-01-05", "2023-02-05", "2023-03-05", "2023-04-05", "2023-05-05"]
    for (i, day) in days.enumerated() {
        let scene = "chat \(i + 1)"
        try m.say("I spent the morning painting a harbour watercolor.", by: "Ann", at: "\(day)T10:00:00Z", scene: scene)
        try m.say("Sounds lovely, Ann.", by: "Bob", at: "\(day)T10:01:00Z", scene: scene, addressees: ["Ann"])
        if i >= 2 {
            try m.say("Then hiking up the ridge with my sister.", by: "Ann", at: "\(day)T10:02:00Z", scene: scene)
        }
    }
    try m.say(
        "Yesterday I finished the harbour watercolor for the gallery.", by: "Ann", at: "2023-05-05T10:03:00Z", scene: "chat 5",
        times: [TimeMention(text: "Yesterday", range: TimeRange(from: Timestamp(iso8601: "2023-05-04"), to: Timestamp(iso8601: "2023-05-05")))])
}

@Suite("Pass 5: personas")
struct PersonasTests {
    @Test("A persona gets attributes from facts, topics, activities, relationships and a timeline, each with support")
    func derives() throws {
        let m = try Memory()
        try twoFriends(m)
        let fact = try m.assert("works_at", ["Ann", "Harbour Gallery"])
        try m.store.write { w in _ = try w.pinPersonaAttribute(entity: "Ann", name: "occupation", valueJSON: "\"painter\"") }
        try m.consolidate()
        let persona = try m.store.read { try $0.persona(of: "ann") }
        #expect(persona.first?.pinned == true)
        func find(_ category: String, _ value: String) -> PersonaAttribute? {
            persona.first { $0.category == category && $0.valueJSON == value }
        }
        let works = try #require(find("attribute", "\"Harbour Gallery\""))
        #expect(works.name == "works_at")
        #expect(works.support.contains(NodeID(.fact, fact)))
        let painting = try #require(find("activity", "\"painting\""))
        #expect(painting.support.filter { $0.kind == .scene }.count == 5)
        #expect(painting.firstSeen == Timestamp(iso8601: "2023-01-05T10:00:00Z"))
        #expect(painting.lastSeen == Timestamp(iso8601: "2023-05-05T10:00:00Z"))
        let hiking = try #require(find("activity", "\"hiking\""))
        // Five scenes earn more confidence than three, and neither is certain.
        #expect(painting.confidence > hiking.confidence && painting.confidence < 1)
        #expect(find("topic", "\"watercolor\"") != nil)
        #expect(find("relationship", "\"Bob\"")?.name == "talks_with")
        #expect(find("relationship", "\"sister\"")?.name == "mentions")
        let event = try #require(persona.first { $0.category == "timeline" })
        #expect(event.valueJSON.contains("\"from\":\"2023-05-04T00:00:00Z\""))
        // Bob's words are not Ann's.
        #expect(try m.store.read { try $0.persona(of: "bob") }.allSatisfy { $0.valueJSON != "\"painting\"" || $0.category != "activity" })
    }

    @Test("A scene's fact that contradicts a pinned attribute is flagged; a second run changes nothing")
    func calibration() throws {
        let m = try Memory()
        try twoFriends(m)
        try m.store.write { w in _ = try w.pinPersonaAttribute(entity: "Ann", name: "occupation", valueJSON: "\"painter\"") }
        let odd = try m.assert("occupation", ["Ann", "pilot"], scene: "chat 3")
        try m.assert("occupation", ["Ann", "painter"], scene: "chat 4")
        try m.consolidate()
        let flags = try m.store.read { try $0.insights(kinds: ["calibration"]) }
        #expect(flags.count == 1)
        #expect(flags.first?.support.contains(NodeID(.fact, odd)) == true)
        #expect(flags.first?.text.contains("pilot") == true)
        #expect(try m.consolidate().changes == 0)
    }
}

@Suite("Pass 6: insights")
struct PatternsTests {
    @Test("A recurring activity becomes a pattern insight with how often, since when and its trend")
    func patterns() throws {
        let m = try Memory()
        try twoFriends(m)
        try m.consolidate()
        let insights = try m.store.read { try $0.insights(kinds: ["pattern"], about: "ann") }
        let hiking = try #require(insights.first { $0.text.contains("hiking") })
        #expect(hiking.text.contains("in 3 of 5 scenes"))
        #expect(hiking.text.contains("since 2023-03-05"))
        #expect(hiking.text.contains("rising"))
        #expect(hiking.support.filter { $0.kind == .scene }.count == 3)
        let painting = try #require(insights.first { $0.text.contains("painting") })
        #expect(painting.text.contains("steady"))
        // A pattern that no longer holds goes away.
        try m.store.write { w in try w.db.execute(sql: "DELETE FROM episode WHERE text LIKE 'Then hiking%'") }
        try m.consolidate()
        #expect(try m.store.read { try $0.insights(kinds: ["pattern"], about: "ann") }.allSatisfy { !$0.text.contains("hiking") })
    }
}
