import Foundation
import Testing

@testable import MnemoRecall

/// The parts of a recall's score that do not come from spreading
/// (docs/recall.md, step 3 and 4): which items the entity boost rewards,
/// how far contiguity reaches and how it falls off, how a long query weighs
/// its words, and the length prior.
@Suite("recall scoring: the speaker's boost, contiguity's reach, a long query's rare words, the length prior")
struct RecallScoringTests {
    typealias Fixture = HierarchyRecallTests.Fixture

    /// Settings that leave a score to the part under test: no base level,
    /// and the other parts off unless a test turns them on.
    static func isolated(_ change: (inout RecallSettings) -> Void) -> RecallSettings {
        var settings = RecallSettings()
        settings.baseLevelWeight = 0
        settings.contiguity = 0
        settings.lengthPrior = 0
        settings.temporalSeed = 0
        change(&settings)
        return settings
    }

    static func scores(_ lines: [[String: Any]]) -> [String: Double] {
        Dictionary(lines.compactMap { line in (line["text"] as? String).map { ($0, line["score"] as! Double) } }, uniquingKeysWith: max)
    }

    @Test("the entity boost goes to what the named person said, and to an unspoken note naming them, not to another's turn that names them")
    func speakerBoost() throws {
        let f = try Fixture(recall: Self.isolated { $0.entityBoost = 1.5 })
        // Ann speaks first, so that her name is known when Bob says it.
        _ = try f.run(#"remember "Bob, the greyhound race was fun." by ann at 2023-01-05T10:00 in scene "day""#)
        _ = try f.run(#"remember "Ann, the greyhound race was fun." by bob at 2023-01-05T10:01 in scene "day""#)
        _ = try f.run(#"remember "Ann: the greyhound race was fun." at 2023-01-05T10:02 in scene "notes""#)
        let lines = try f.run(#"recall "the greyhound race Ann liked" limit 3"#)
        let scores = Self.scores(lines)
        let annSaid = try #require(scores["Bob, the greyhound race was fun."])
        let bobSaid = try #require(scores["Ann, the greyhound race was fun."])
        let note = try #require(scores["Ann: the greyhound race was fun."])
        let entities = try f.run(#"recall "the greyhound race Ann liked" limit 3"#).first { $0["speaker"] as? String == "bob" }?["entities"]
        #expect((entities as? [String])?.contains("ann") == true, "Bob's turn does not name Ann")
        // Bob's turn names Ann, so the name reaches it with a mention's weight
        // (1.0), more than Ann's own turn gets as its speaker (0.6); the boost
        // for what she said puts hers above it all the same.
        #expect(annSaid > bobSaid)
        // A note with no speaker that names Ann is about her: boosted as well,
        // and reached as Bob's turn is.
        #expect(note > 2 * bobSaid)
    }

    @Test("a question in one form of a verb finds a turn in its irregular form, and the other way round")
    func irregularVerbForms() throws {
        let f = try Fixture(recall: Self.isolated { _ in })
        _ = try f.run(#"remember "I bought a red kite at the fair." by ann at 2023-01-05T10:00 in scene "day""#)
        _ = try f.run(#"remember "We go sailing when the wind is up." by bob at 2023-01-05T10:01 in scene "day""#)
        _ = try f.run(#"remember "The kite shop had a sale." by bob at 2023-01-05T10:02 in scene "day""#)
        let bought = try f.run(#"recall "who would buy kites" limit 1"#)
        #expect(bought.first?["text"] as? String == "I bought a red kite at the fair.")
        let went = try f.run(#"recall "where they went" limit 1"#)
        #expect(went.first?["text"] as? String == "We go sailing when the wind is up.")
    }

    /// A scene of `count` turns by Ann, those at `matching` about the aurora,
    /// recalled with contiguity 0.5 over 3 turns, falling off by `falloff`
    /// (with `baseLevel`, the base level's weight).
    static func trip(falloff: Double, baseLevel: Double = 0, matching: Set<Int>, of count: Int) throws -> Fixture {
        let f = try Fixture(
            recall: isolated {
                $0.baseLevelWeight = baseLevel
                $0.contiguity = 0.5
                $0.contiguitySpan = 3
                $0.contiguityFalloff = falloff
            })
        for i in 0..<count {
            _ = try f.run(#"remember "\#(tripText(i, matching: matching))" by ann at 2023-02-01T10:0\#(i) in scene "trip""#)
        }
        return f
    }

    static func tripText(_ i: Int, matching: Set<Int>) -> String {
        matching.contains(i) ? "We saw the aurora over the fjord, number \(i)." : "Filler turn number \(i) says little."
    }

    @Test("a contiguity share of 0 adds nothing: no turn is answered twice")
    func zeroShare() throws {
        // A base level, so that a turn with no activation would still score.
        let f = try Self.trip(falloff: 0, baseLevel: 0.01, matching: [1, 5], of: 7)
        let ids = try f.run(#"recall "aurora" depth 0 limit 20"#).compactMap { $0["id"] as? String }
        #expect(Set(ids).count == ids.count, "\(ids)")
        // The two that matched and the turns next to them; e:4, two turns from
        // both, receives nothing.
        #expect(Set(ids) == ["e:1", "e:2", "e:3", "e:5", "e:6", "e:7"], "\(ids)")
    }

    @Test("a boost never lowers an item: an old turn weakly reached, inside the time the text names, ranks above the ones outside it")
    func boostsOnOldTurns() throws {
        // The defaults' base level: years-old turns have a negative one.
        let f = try Fixture(recall: Self.isolated { $0.baseLevelWeight = RecallSettings().baseLevelWeight })
        // Bob says forty things in 2020: his name passes each of them little.
        for month in 1...10 {
            for day in 1...4 {
                let at = "2020-\(month < 10 ? "0" : "")\(month)-0\(day)T10:00"
                _ = try f.run(#"remember "Filler \#(month) \#(day) says little." by Bob at \#(at) in scene "s\#(month)""#)
            }
        }
        let lines = try f.run(#"recall "What did Bob do in July 2020?" limit 5"#)
        let first = try #require(lines.first)
        #expect((first["at"] as? String)?.hasPrefix("2020-07") == true, "\(lines.map { $0["text"] ?? "" })")
        #expect((first["score"] as? Double ?? 0) > (lines.last?["score"] as? Double ?? 0))
    }

    @Test("contiguity reaches recall_contiguity_span turns either way, its share falling off by recall_contiguity_falloff a turn")
    func contiguitySpan() throws {
        let f = try Self.trip(falloff: 0.6, matching: [4], of: 9)
        let texts = (0..<9).map { Self.tripText($0, matching: [4]) }
        // Depth 0: the text seed and contiguity alone.
        let scores = Self.scores(try f.run(#"recall "aurora fjord" depth 0 limit 20"#))
        let seed = try #require(scores[texts[4]])
        for distance in 1...3 {
            let expected = seed * 0.5 * pow(0.6, Double(distance - 1))
            for i in [4 - distance, 4 + distance] {
                let score = try #require(scores[texts[i]], "turn \(i), \(distance) away, received nothing")
                #expect(abs(score - expected) < 0.0002, "turn \(i): \(score), expected \(expected)")
            }
        }
        #expect(scores[texts[0]] == nil && scores[texts[8]] == nil, "contiguity reached past its span")
    }

    @Test(
        "a long query weighs each word by its IDF to a power, so its rare word outranks two common ones; a shorter query is plain BM25",
        arguments: ["episode", "fact"])
    func longQueryIDFPower(kind: String) throws {
        // Of 30 texts (turns, or facts' text fillers), 4 say "garden", 4
        // "weekend", one says both (`both`), one "trellis" (`rare`); those two
        // of the same length. By plain BM25 the two common words (IDF 1.77
        // each) outweigh the rare one (IDF 2.98); to the power 2.5, 8.4 against 15.3.
        let both = "garden weekend plan"
        let rare = "trellis repairs plan"
        var texts = [both, rare]
        texts += (0..<3).map { "the garden number \($0)" }
        texts += (0..<3).map { "that weekend number \($0)" }
        texts += (0..<22).map { "another lunch number \($0)" }
        func first(_ query: String, power: Double) throws -> String? {
            let f = try Fixture(
                recall: Self.isolated {
                    $0.longQueryWords = 4
                    $0.longQueryIDFPower = power
                })
            for (i, text) in texts.enumerated() {
                if kind == "episode" {
                    _ = try f.run(#"remember "\#(text)" by ann at 2023-03-01T10:\#(String(format: "%02d", i))"#)
                } else {
                    _ = try f.run(#"assert discussed(who: ann, topic: "\#(text)")"#)
                }
            }
            let line = try f.run(#"recall "\#(query)" kinds \#(kind) depth 0 limit 1"#).first
            return kind == "episode" ? line?["text"] as? String : (line?["roles"] as? [String: Any])?["topic"] as? String
        }
        // Four words searched ("ideas" matches nothing): a long query.
        #expect(try first("trellis garden weekend ideas", power: 2.5) == rare)
        #expect(try first("trellis garden weekend ideas", power: 1) == both)
        // Three words: plain BM25 whatever the power.
        #expect(try first("trellis garden weekend", power: 2.5) == both)
    }

    @Test("the length prior multiplies an episode's score by (length / mean length)^exponent, the ratio capped at 4")
    func lengthPrior() throws {
        let short = "Kayak."
        let middle = "We took the kayak out on the lake at dawn."
        let long = "Kayak " + String(repeating: "and paddles and more paddles ", count: 20) + "end."
        let all = [short, middle, long, "An unrelated turn about lunch.", "Another unrelated turn about dinner."]
        let mean = Double(all.map(\.count).reduce(0, +)) / Double(all.count)
        func scores(exponent: Double) throws -> [String: Double] {
            let f = try Fixture(recall: Self.isolated { $0.lengthPrior = exponent })
            for (i, text) in all.enumerated() { _ = try f.run(#"remember "\#(text)" by ann at 2023-03-01T10:0\#(i)"#) }
            return Self.scores(try f.run(#"recall "kayak" depth 0 limit 10"#))
        }
        let plain = try scores(exponent: 0)
        let weighed = try scores(exponent: 0.5)
        for text in [short, middle, long] {
            let ratio = min(max(Double(text.count) / mean, 0.25), 4)
            let expected = try #require(plain[text]) * pow(ratio, 0.5)
            #expect(abs(try #require(weighed[text]) - expected) < 0.0002, "\(text.prefix(20)): \(weighed[text]!), expected \(expected)")
        }
        // The long one is capped: more than 4 times the mean, it gets 4^0.5.
        #expect(Double(long.count) / mean > 4)
        #expect(abs(weighed[long]! / plain[long]! - 2) < 0.01)
    }
}
