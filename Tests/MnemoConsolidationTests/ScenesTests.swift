import GRDB
import MnemoModel
import MnemoStore
import Testing

@testable import MnemoConsolidation

@Suite("Pass 4: scenes")
struct ScenesTests {
    @Test("Unplaced episodes are segmented by time gaps; idle scenes close after their last episode")
    func segmentAndClose() throws {
        let m = try Memory(at: "2024-01-10T00:00:00Z")
        try m.say("morning one", by: "ann", at: "2024-01-01T09:00:00Z")
        try m.say("morning two", by: "bob", at: "2024-01-01T09:10:00Z")
        try m.say("evening", by: "ann", at: "2024-01-01T20:00:00Z")
        try m.say("in a named scene", by: "ann", at: "2024-01-05T10:00:00Z", scene: "trip")
        let report = try m.consolidate()
        #expect(report.count("scenes", "scenes_created") == 2)
        #expect(report.count("scenes", "segmented_episodes") == 3)
        #expect(try m.count("SELECT COUNT(*) FROM episode WHERE scene_id IS NULL") == 0)
        #expect(try m.count("SELECT COUNT(DISTINCT scene_id) FROM episode WHERE text LIKE 'morning%'") == 1)
        let trip = try m.store.read { try $0.scene(titled: "trip") }
        #expect(trip?.span.to == Timestamp(microseconds: Timestamp(iso8601: "2024-01-05T10:00:00Z")!.microseconds + 1))
        #expect(trip?.participants == ["ann"])
    }

    @Test("A scene stays open while it is not idle")
    func notIdle() throws {
        let m = try Memory(at: "2024-01-05T12:00:00Z")
        try m.say("just now", by: "ann", at: "2024-01-05T11:00:00Z", scene: "live")
        try m.consolidate()
        #expect(try m.store.read { try $0.scene(titled: "live") }?.span.to == nil)
    }

    @Test("The summary is the scene's most central sentences, in the order said")
    func summary() throws {
        let lines: [ExtractiveSummarizer.Line] = [
            .init(speaker: "ann", text: "We went camping by the lake with the kids last weekend."),
            .init(speaker: "bob", text: "Thanks!"),
            .init(speaker: "bob", text: "Camping by a lake with kids sounds like a perfect weekend trip."),
            .init(speaker: "ann", text: "My car needs new tyres before winter arrives."),
            .init(speaker: "bob", text: "The kids must have loved the lake and the campfire while camping."),
        ]
        let summary = try #require(ExtractiveSummarizer(sentences: 2).summarize(lines))
        // Two of the three camping sentences, never the off-topic one or the small talk, in order.
        #expect(!summary.contains("tyres") && !summary.contains("Thanks"))
        #expect(summary.components(separatedBy: "camping").count + summary.components(separatedBy: "Camping").count - 2 == 2)
        #expect(summary.hasPrefix("ann: We went camping"))
    }

    @Test("Sentences split after . ! ? and white space")
    func sentences() {
        #expect(ExtractiveSummarizer.sentences(of: "Hi! How are you? Fine. 3.5 stars") == ["Hi!", "How are you?", "Fine.", "3.5 stars"])
    }
}
