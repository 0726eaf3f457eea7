import Foundation
import MnemoModel
import Testing

@testable import MnemoRecall

/// A time the text names as a cue of its own (docs/recall.md, step 1): the
/// scenes that opened inside it are seeded, and their episodes reached by
/// spreading, even when no word of the text matches them.
@Suite("recall: a time the text names seeds the scenes that opened in it")
struct RecallTimeSeedTests {
    typealias Fixture = HierarchyRecallTests.Fixture

    /// Three scenes of one turn each, in January, March and July 2023,
    /// recalled with a time seed of `seed`.
    static func seasons(seed: Double) throws -> Fixture {
        let f = try Fixture(recall: RecallScoringTests.isolated { $0.temporalSeed = seed })
        _ = try f.run(#"remember "We went skating on the frozen lake." by ann at 2023-01-10T10:00 in scene "winter""#)
        _ = try f.run(#"remember "We planted tomatoes in the garden." by ann at 2023-03-12T10:00 in scene "spring""#)
        _ = try f.run(#"remember "We swam in the sea every morning." by ann at 2023-07-01T10:00 in scene "summer""#)
        return f
    }

    static func texts(_ lines: [[String: Any]]) -> [String] { lines.compactMap { $0["text"] as? String } }

    @Test("a turn that shares no word with the text comes back when the text names the time of its scene")
    func seedsTheScene() throws {
        let question = #"recall "what happened in March 2023" limit 5"#
        #expect(Self.texts(try Self.seasons(seed: 0).run(question)).isEmpty, "nothing matches a word of the text")
        // First: the other turns are reached too, further on (the scene's
        // participant, Ann, passes some of it on to all she said).
        #expect(Self.texts(try Self.seasons(seed: 10).run(question)).first == "We planted tomatoes in the garden.")
    }

    @Test("explain names the time and the scene it seeded")
    func explained() throws {
        let f = try Self.seasons(seed: 10)
        let line = try #require(f.run(#"recall "what happened in March 2023" limit 1 explain"#).first)
        let seeds = try #require(line["seeds"] as? [[String: Any]])
        #expect(seeds.first?["seed"] as? String == "time")
        #expect(seeds.first?["name"] as? String == "March 2023")
        #expect(seeds.first?["node"] as? String == "s:2")
        let path = try #require((line["paths"] as? [[String: Any]])?.first)
        #expect(path["via"] as? [String] == ["s:2", "e:2"])
    }

    @Test("scenes made after the graph was built are found by their time, in order, as a fresh build has them")
    func refreshed() throws {
        let f = try Self.seasons(seed: 10)
        _ = try f.run(#"recall "what happened in March 2023""#) // builds the graph
        _ = try f.run(#"remember "We picked apples in the orchard." by ann at 2023-10-05T10:00 in scene "autumn""#)
        _ = try f.run(#"remember "We lit candles for the new year." by ann at 2022-12-31T10:00 in scene "eve""#)
        #expect(Self.texts(try f.run(#"recall "what happened in October 2023" limit 1"#)) == ["We picked apples in the orchard."])
        #expect(Self.texts(try f.run(#"recall "what happened in December 2022" limit 1"#)) == ["We lit candles for the new year."])
        func scenes(_ graph: GraphIndex) -> [NodeID] { graph.withView { v in v.scenes(from: .min, to: .max).map { v.id($0) } } }
        let kept = try scenes(f.executor.space.recall.graph())
        #expect(kept == (try scenes(GraphIndex.build(from: f.store))))
        #expect(kept.map(\.number) == [5, 1, 2, 3, 4], "in time order: eve, winter, spring, summer, autumn")
    }

    @Test("a scene an earlier turn opens earlier moves to its new time, before a scene that was before it")
    func moved() throws {
        let f = try Self.seasons(seed: 10)
        _ = try f.run(#"recall "what happened in March 2023""#) // builds the graph
        _ = try f.run(#"remember "We sowed the first seeds indoors." by ann at 2022-12-20T10:00 in scene "spring""#)
        #expect(Self.texts(try f.run(#"recall "what happened in March 2023""#)).isEmpty, "spring opened in December now")
        let december = Self.texts(try f.run(#"recall "what happened in December 2022" limit 2"#))
        #expect(Set(december) == ["We sowed the first seeds indoors.", "We planted tomatoes in the garden."])
    }

    @Test("a time holding more scenes than the cap seeds none of them")
    func capped() throws {
        let f = try Fixture(recall: RecallScoringTests.isolated { $0.temporalSeed = 10 })
        let cap = Activation.timeSeedScenes
        for hour in 0..<cap {
            let at = String(format: "2023-01-%02dT%02d:00", 1 + hour / 24, hour % 24)
            _ = try f.run(#"remember "Hour \#(hour) went by." at \#(at) in scene "hour \#(hour)""#)
        }
        #expect(Self.texts(try f.run(#"recall "what happened in 2023" limit 3"#)).count == 3, "\(cap) scenes are seeded")
        _ = try f.run(#"remember "One more went by." at 2023-12-31T10:00 in scene "one more""#)
        #expect(Self.texts(try f.run(#"recall "what happened in 2023" limit 3"#)).isEmpty, "\(cap + 1) scenes are not")
    }
}
