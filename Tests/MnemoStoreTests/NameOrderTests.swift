import Foundation
import MnemoModel
import MnemoStore
import Testing

/// The order of names in answers (`NameOrder`): by bytes, which for a name
/// spelled with a combining accent differs from Swift's `<`.
@Suite("names in answers are ordered by their bytes")
struct NameOrderTests {
    @Test("an episode's entities, just written and read back, in byte order, not Swift's")
    func episodeEntities() throws {
        let accented = "Ae\u{301}" // A, e, combining acute: 41 65 CC 81
        let plain = "Af" // 41 66
        #expect(plain < accented, "Swift compares the composed é, after f")
        let t = try TestStore()
        let input = EpisodeInput(text: "Af met Aé.", mentions: [plain, accented])
        let (written, id) = try t.store.write { w in
            let outcome = try w.createEpisode(input)
            return (try w.createdEpisode(outcome, from: input), outcome.episodeID)
        }
        let read = try #require(try t.store.read { r in try r.episode(id: id) })
        let bytes = { (e: Episode) in e.entities.map { Array($0.utf8) } }
        #expect(bytes(written) == [Array(accented.utf8), Array(plain.utf8)])
        #expect(bytes(read) == bytes(written))
    }
}
