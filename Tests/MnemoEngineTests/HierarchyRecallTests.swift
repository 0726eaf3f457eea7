import Foundation
import MnemoModel
import MnemoQuery
import MnemoStore
import Testing

@testable import MnemoEngine
@testable import MnemoRecall

/// Recall over what consolidation derives (docs/recall.md, "The graph"):
/// persona attributes, insights and scene summaries are nodes linked to their
/// person and support, their texts seed, and `kinds` answers them.
@Suite("recall across episodes, scenes, personas and insights")
struct HierarchyRecallTests {
    typealias Fixture = SpaceOnFile

    @Test("a cue naming a person and what a persona attribute is called reaches the episodes behind it, which share no word with it")
    func topDown() throws {
        // The defaults, chosen on LoCoMo, keep these seeds and edges light
        // (docs/recall.md); with them at full weight the hierarchy decides.
        // Contiguity is off: it passes every turn's activation to the turns
        // beside it, which here are Ann's other turns. So is the length
        // prior: her painting and hiking turns are her longest.
        var settings = RecallSettings()
        settings.otherTextSeed = 1
        settings.supportWeight = 1
        settings.contiguity = 0
        settings.lengthPrior = 0
        let f = try Fixture(recall: settings)
        try f.chats()
        let query = #"recall "which activities does Ann do" limit 3 explain"#
        func texts(_ lines: [[String: Any]]) -> [String] { lines.compactMap { $0["text"] as? String } }
        let before = texts(try f.run(query))
        _ = try f.run("consolidate")
        let lines = try f.run(query)
        let after = texts(lines)
        #expect(after.count == 3)
        #expect(after.allSatisfy { $0.contains("painting") || $0.contains("hiking") }, "\(after)")
        #expect(!before.allSatisfy { $0.contains("painting") || $0.contains("hiking") }, "\(before)")
        // The path goes through the persona attribute.
        let via = (lines.first?["paths"] as? [[String: Any]])?.first?["via"] as? [String] ?? []
        #expect(via.contains { $0.hasPrefix("p:") }, "\(via)")
    }

    @Test("consolidation adds paths and takes none away: after it, every episode and fact a cue reached scores at least what it did")
    func additive() throws {
        // Recency and frequency aside (recall itself is an access), and the
        // turns around the 20 strongest episodes (which 20 those are may
        // change), so that the scores differ only by what spreading adds.
        var settings = RecallSettings()
        settings.baseLevelWeight = 0
        settings.contiguity = 0
        settings.supportWeight = 1
        let f = try Fixture(recall: settings)
        try f.chats()
        let query = #"recall "what does Ann like" limit 30"#
        func scores(_ lines: [[String: Any]]) -> [String: Double] {
            Dictionary(lines.compactMap { line in (line["id"] as? String).map { ($0, line["score"] as? Double ?? 0) } }, uniquingKeysWith: max)
        }
        let annID = try #require(try f.store.read { try $0.entityID(named: "ann") })
        let ann = try #require(try f.executor.space.recall.graph().node(NodeID(.entity, annID)))
        let fanBefore = try f.executor.space.recall.graph().withView { $0.fan(ann) }
        let before = scores(try f.run(query))
        _ = try f.run("consolidate")
        #expect(try !f.run(#"persona "ann""#).isEmpty, "consolidation derived no persona, so there is nothing to test")
        let after = scores(try f.run(query))
        #expect(try f.executor.space.recall.graph().withView { $0.fan(ann) } == fanBefore)
        for (id, score) in before {
            let now = try #require(after[id], "\(id) is no longer reached")
            #expect(now >= score * (1 - 1e-9), "\(id): \(score) before, \(now) after")
        }
        #expect(before.contains { id, score in after[id]! > score * 1.01 }, "the persona layer added nothing to any score")
    }

    @Test("a person known only by a pinned attribute still passes activation to it")
    func pinnedOnly() throws {
        let f = try Fixture()
        _ = try f.run(#"persona "zoe" set job = "lighthouse keeper""#)
        let lines = try f.run(#"recall "zoe" kinds persona"#)
        #expect(lines.contains { ($0["id"] as? String)?.hasPrefix("p:") == true }, "\(lines)")
    }

    @Test("kinds: persona attributes with their support, insights, scenes; the default answers episodes and facts only")
    func kinds() throws {
        let f = try Fixture()
        try f.chats()
        _ = try f.run("consolidate")
        let personas = try f.run(#"recall "painting" about ann kinds persona limit 3"#)
        #expect(!personas.isEmpty)
        #expect(personas.allSatisfy { $0["kind"] as? String == "persona" && $0["score"] is Double })
        let painting = try #require(personas.first { $0["value"] as? String == "painting" })
        let support = try #require(painting["support"] as? [String])
        #expect(support.contains { $0.hasPrefix("e:") } && support.contains { $0.hasPrefix("s:") })
        let insights = try f.run(#"recall "painting" about ann kinds insight limit 3"#)
        #expect(insights.first?["kind"] as? String == "insight")
        #expect((insights.first?["support"] as? [String])?.isEmpty == false)
        #expect((insights.first?["text"] as? String)?.contains("painting") == true)
        let scenes = try f.run(#"recall "hiking ridge" kinds scene limit 2"#)
        #expect(scenes.count == 2 && scenes.allSatisfy { $0["kind"] as? String == "scene" && $0["summary"] != nil })
        let mixed = try f.run(#"recall "painting" about ann kinds episode, persona limit 20"#)
        #expect(Set(mixed.compactMap { $0["kind"] as? String }) == ["episode", "persona"])
        let plain = try f.run(#"recall "painting" about ann limit 20"#)
        #expect(Set(plain.compactMap { $0["kind"] as? String }).isSubset(of: ["episode", "fact"]))
        #expect(throws: MnemoError.self) { try Parser.parse(#"recall "x" kinds entity"#) }
        #expect(throws: MnemoError.self) { try Parser.parse(#"recall "x" kinds fact, fact"#) }
    }

    @Test("seeds from a fact's text fillers, and from the scene `in scene` names even when no word matches")
    func otherSeeds() throws {
        let f = try Fixture()
        try f.chats()
        _ = try f.run(#"assert discussed(who: carol, topic: "quarterly merger plans")"#)
        let facts = try f.run(#"recall "merger" limit 3"#)
        #expect(facts.first?["kind"] as? String == "fact", "\(facts)")
        let inScene = try f.run(#"recall "zzz" in scene "chat 2" limit 10"#)
        #expect(inScene.count == 4)
        #expect(inScene.allSatisfy { $0["scene_title"] as? String == "chat 2" })
    }

    @Test("after consolidation, undo and forget, the graph recall keeps equals one built from the store")
    func refreshEqualsRebuild() throws {
        let f = try Fixture()
        try f.chats()
        _ = try f.run(#"recall "painting" limit 1"#) // builds what recall keeps
        _ = try f.run("consolidate")
        var (kept, built) = try f.graphs()
        #expect(kept.contains { $0.hasPrefix("p:") } && kept.contains { $0.hasPrefix("i:") })
        #expect(kept == built)
        // A later run that changes personas: new episodes make hiking a pattern too.
        for week in 6...7 {
            _ = try f.run(#"remember "More hiking on the ridge today." by ann at 2023-0\#(week)-05T10:00 in scene "chat \#(week)""#)
        }
        _ = try f.run("consolidate")
        (kept, built) = try f.graphs()
        #expect(kept == built)
        _ = try f.run(#"persona ann set occupation = "nurse""#)
        #expect(try f.run(#"recall "nurse" kinds persona limit 1"#).first?["value"] as? String == "nurse")
        _ = try f.run("undo consolidation 2")
        (kept, built) = try f.graphs()
        #expect(kept == built)
        let episode = try #require(try f.run(#"recall "hiking ridge today" limit 1"#).first?["id"] as? String)
        _ = try f.run("forget \(episode)")
        (kept, built) = try f.graphs()
        #expect(kept == built)
    }
}

extension SpaceOnFile {
    /// Five weekly chats: Ann paints and hikes, and says other things too.
    func chats() throws {
        for week in 1...5 {
            let day = "2023-0\(week)-05"
            let scene = "in scene \"chat \(week)\""
            _ = try run(#"remember "I spent the morning painting a harbour watercolor." by ann at \#(day)T10:00 \#(scene)"#)
            _ = try run(#"remember "Your watercolor sounds lovely, Ann." by bob at \#(day)T10:01 \#(scene)"#)
            _ = try run(#"remember "The bus was late again, so I walked." by ann at \#(day)T10:02 \#(scene)"#)
            _ = try run(#"remember "My neighbour keeps a noisy parrot." by ann at \#(day)T10:03 \#(scene)"#)
            if week >= 3 { _ = try run(#"remember "Then hiking up the ridge with my sister." by ann at \#(day)T10:04 \#(scene)"#) }
        }
    }

    /// The graph as the space keeps it, and as built from the store now.
    func graphs() throws -> (kept: Set<String>, built: Set<String>) {
        let kept = try executor.space.recall.graph().withView { $0.edges() }
        return (kept, try GraphIndex.build(from: store).withView { $0.edges() })
    }
}
