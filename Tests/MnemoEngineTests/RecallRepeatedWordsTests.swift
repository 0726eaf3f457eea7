import Foundation
import MnemoModel
import MnemoQuery
import MnemoStore
import Testing

@testable import MnemoEngine
@testable import MnemoRecall

/// A recall's text may say a word or a name many times, or be a megabyte
/// long: each word and each entity counts once, and what `explain` adds
/// grows with the words the text has, not with them times the results.
@Suite("recall of a text that repeats itself")
struct RecallRepeatedWordsTests {
    /// 300 turns, Caroline's about a violin lesson, Melanie's about a cherry pie.
    static func space() throws -> SpaceOnFile {
        let space = try SpaceOnFile()
        let turns = (0..<300).map { i in
            let (speaker, what) = i % 2 == 0 ? ("caroline", "the violin lesson") : ("melanie", "a cherry pie")
            return #"remember "Day \#(i): about \#(what) and the weather" by \#(speaker) at 2024-01-01T10:00"#
        }
        _ = space.executor.runWrites(try turns.map { try #require(try Parser.parse($0)) })
        return space
    }

    @Test("explain lists a word the text repeats once, and a name said three times seeds its entity once")
    func eachWordAndNameOnce() throws {
        let f = try Self.space()
        let explained = try f.run(#"recall "violin violin lesson violin" limit 3 explain"#)
        let words = try #require((explained.first?["paths"] as? [[String: Any]])?.first?["words"] as? [String])
        #expect(words == ["violin", "lesson"])
        // (Each on a space of its own: a recall reinforces what it answers.)
        let once = try Self.space().run(#"recall "Melanie cherry pie" limit 10"#)
        let thrice = try Self.space().run(#"recall "Melanie cherry Melanie pie Melanie" limit 10"#)
        #expect(once.map { $0["id"] as! String } == thrice.map { $0["id"] as! String })
        #expect(once.map { $0["score"] as! Double } == thrice.map { $0["score"] as! Double })
        // A text of names alone: the entity is the only seed.
        let seeds = try #require(try f.run(#"recall "Melanie Melanie Melanie" limit 1 explain"#).first?["seeds"] as? [[String: Any]])
        #expect(seeds.map { $0["seed"] as? String } == ["entity"])
    }

    @Test("a recall searches the stems of its first 256 distinct words, a stem as often as its words, sorted by word")
    func searchedTerms() {
        #expect(RecallEngine.searchedTerms(["violins", "lesson", "violin", "lesson"]) == ["lesson", "violin", "violin"])
        let words = (0..<300).map { "w\($0)x" }
        let terms = RecallEngine.searchedTerms(words + ["a"])
        #expect(terms.count == RecallEngine.searchedWordsLimit)
        #expect(terms == Array(words.prefix(RecallEngine.searchedWordsLimit)).sorted())
    }

    @Test("a recall of 40,000 words with explain and 200 results is answered in seconds")
    func longTextExplained() throws {
        let f = try Self.space()
        let text = Array(repeating: "violin Melanie pie weather", count: 10_000).joined(separator: " ")
        let start = ContinuousClock.now
        let answer = try f.run("recall \"\(text)\" limit 200 explain")
        let took = ContinuousClock.now - start
        #expect(answer.count == 200)
        // Each word of the text once per seed of each result took minutes here.
        #expect(took < .seconds(20), "took \(took)")
    }
}
