import Foundation
import MnemoClient
import MnemoTestSupport
import Testing

/// Personas as a new user meets them: one person telling the memory about
/// their week, a few times, with no scene named and nobody else speaking.
@Suite("Personas from small data", .serialized)
struct SmallDataPersonaTests {
    /// The persona rows of `name` of one category, by value.
    static func persona(_ client: MnemoConnection, _ name: String, _ category: String) throws -> [String: [String: Any]] {
        var rows: [String: [String: Any]] = [:]
        for row in try client.request("persona \(name)").objects where row["category"] as? String == category {
            if let value = row["value"] as? String { rows[value] = row }
        }
        return rows
    }

    /// Remembers `text` by `speaker` at `at`, and answers the episode's and its scene's ids.
    static func remember(_ client: MnemoConnection, _ text: String, by speaker: String, at: String, scene: String? = nil) throws -> (
        episode: String, scene: String
    ) {
        let inScene = scene.map { #" in scene "\#($0)""# } ?? ""
        let answer = try client.request(#"remember "\#(text)" by \#(speaker) at \#(at)\#(inScene)"#)
        #expect(answer.code == nil, "\(answer)")
        let row = try #require(answer.objects.first)
        return (try #require(row["id"] as? String), try #require(row["scene"] as? String))
    }

    @Test("Four weekly sessions of one speaker: the activity, with a confidence its support earns and that support listed")
    func fourWeeks() throws {
        let daemon = try MnemodProcess()
        let client = try daemon.connect()
        let said = [
            ("2024-03-02T19:00", "Went climbing at the gym tonight and finally sent the overhang route."),
            ("2024-03-09T19:00", "Climbing again this week; my forearms gave out on the crimpy wall."),
            ("2024-03-16T19:00", "Bought new shoes for climbing. They hurt, but the grip is great."),
            ("2024-03-23T19:00", "A long climbing session with the new shoes: two boulder problems sent."),
        ]
        let stored = try said.map { try Self.remember(client, $0.1, by: "sam", at: $0.0) }
        #expect(Set(stored.map(\.scene)).count == 4) // a week apart: four automatic scenes
        #expect(try client.request("consolidate").code == nil)

        let climbing = try #require(try Self.persona(client, "sam", "activity")["climbing"])
        let support = try #require(climbing["support"] as? [String])
        #expect(Set(support) == Set(stored.map(\.episode) + stored.map(\.scene)))
        #expect(climbing["first_seen"] as? String == "2024-03-02T19:00:00Z" && climbing["last_seen"] as? String == "2024-03-23T19:00:00Z")
        let confidence = try #require(climbing["confidence"] as? Double)
        #expect(confidence > 0.5 && confidence < 1)
        // A word of two of the four sessions is derived with less confidence than one of all four.
        let topics = try Self.persona(client, "sam", "topic")
        let shoes = try #require(topics["shoes"]?["confidence"] as? Double)
        #expect(shoes < confidence)
        #expect((topics["shoes"]?["support"] as? [String])?.filter { $0.hasPrefix("s:") }.count == 2)
        // Said once, in one session: not a topic.
        #expect(topics["forearms"] == nil && topics["overhang"] == nil)
        // Every activity and topic stands on at least two scenes.
        for row in try client.request("persona sam").objects where ["topic", "activity"].contains(row["category"] as? String) {
            #expect(((row["support"] as? [String]) ?? []).filter { $0.hasPrefix("s:") }.count >= 2, "\(row)")
        }
    }

    @Test("An activity mentioned once, in one of several sessions, is not derived")
    func oneMention() throws {
        let daemon = try MnemodProcess()
        let client = try daemon.connect()
        _ = try Self.remember(client, "Went climbing at the gym with a colleague.", by: "sam", at: "2024-03-02T19:00")
        _ = try Self.remember(client, "Spent the evening on the tax return.", by: "sam", at: "2024-03-09T19:00")
        _ = try Self.remember(client, "Fixed the kitchen tap and called my mother.", by: "sam", at: "2024-03-16T19:00")
        #expect(try client.request("consolidate").code == nil)
        #expect(try Self.persona(client, "sam", "activity").isEmpty)
        #expect(try Self.persona(client, "sam", "topic").isEmpty)
        #expect(try client.request(#"insights"#).objects.allSatisfy { ($0["text"] as? String)?.contains("climbing") != true })
    }

    @Test("Three people in four scenes: what everyone says is no one's topic; what one of them keeps coming back to is theirs")
    func crowd() throws {
        let daemon = try MnemodProcess()
        let client = try daemon.connect()
        for (i, day) in ["2024-04-06", "2024-04-13", "2024-04-20", "2024-04-27"].enumerated() {
            let scene = "book club \(i + 1)"
            _ = try Self.remember(client, "What weather! The chapter was wonderful.", by: "ann", at: "\(day)T18:00", scene: scene)
            _ = try Self.remember(client, "Such weather. I found the chapter slow.", by: "bob", at: "\(day)T18:01", scene: scene)
            _ = try Self.remember(client, "The weather, honestly. The chapter made me cry.", by: "cat", at: "\(day)T18:02", scene: scene)
            if i > 0 {
                _ = try Self.remember(client, "My pottery class fired the glazed bowls.", by: "ann", at: "\(day)T18:03", scene: scene)
            }
        }
        #expect(try client.request("consolidate").code == nil)
        for person in ["ann", "bob", "cat"] {
            let topics = try Self.persona(client, person, "topic")
            #expect(topics["weather"] == nil && topics["chapter"] == nil, "\(person): \(topics.keys.sorted())")
        }
        let pottery = try #require(try Self.persona(client, "ann", "topic")["pottery"])
        #expect((pottery["support"] as? [String])?.filter { $0.hasPrefix("s:") }.count == 3)
        #expect(try Self.persona(client, "bob", "topic")["pottery"] == nil)
    }
}
