import Testing

@testable import MnemoRecall

/// `CueWord.matches` walks a short postings list and looks documents up in a
/// long one: both ways must find what a plain filter finds.
@Suite("the cue words of text seeds")
struct CueWordTests {
    struct Posting { var document: UInt32 }

    @Test("each document's cue words, in the cue's order, as a filter over every word finds them, for short and long postings lists")
    func matchesAsAFilter() {
        var generator = Seeded(state: 2026_12_05)
        for round in 0..<200 {
            let vocabulary = (0..<12).map { "w\($0)" }
            // Postings of 1 to 400 documents out of 500, in document order.
            var postings: [String: [Posting]] = [:]
            for word in vocabulary where generator.next() % 5 != 0 {
                let size = 1 + Int(generator.next() % (round % 2 == 0 ? 8 : 400))
                postings[word] = Set((0..<size).map { _ in UInt32(generator.next() % 500) }).sorted().map(Posting.init)
            }
            let cue = vocabulary.shuffled(using: &generator).prefix(1 + Int(generator.next() % 12)).map { CueWord(word: $0.uppercased(), stem: $0) }
            var documents: [UInt32: Int] = [:]
            for _ in 0..<(1 + Int(generator.next() % 20)) {
                let number = UInt32(generator.next() % 500)
                documents[number] = 10_000 + Int(number)
            }
            let found = CueWord.matches(Array(cue), documents: documents, postings: postings, document: \.document)
            for (number, key) in documents {
                let expected = cue.filter { postings[$0.stem]?.contains { $0.document == number } ?? false }.map(\.word)
                #expect((found[key] ?? []) == expected, "round \(round), document \(number)")
            }
        }
    }

    @Test("the distinct words of a text, in the order it first gives them, each with its stem")
    func distinct() {
        #expect(
            CueWord.distinct(["violin", "violins", "violin", "lesson"]) == [
                CueWord(word: "violin", stem: "violin"), CueWord(word: "violins", stem: "violin"), CueWord(word: "lesson", stem: "lesson"),
            ])
    }
}

extension Seeded: RandomNumberGenerator {}
