import Foundation
import MnemoIngest
import MnemoModel
import MnemoStore

@testable import MnemoRecall

/// A store of random episodes (and facts) in a temporary directory, made the
/// same way from the same seed: for tests that compare recalls over many
/// random queries. Its generator goes on from where building left it, for
/// the test's own choices.
final class RandomMemory {
    static let words = [
        "violin", "lesson", "beach", "sunset", "painting", "camping", "kids", "support", "group", "pottery",
        "hiking", "books", "adoption", "agency", "concert", "school", "garden", "dog", "race", "charity",
    ]
    static let people = ["Ann", "Bob", "Cy", "Dee"]

    let directory = NSTemporaryDirectory() + "mnemo-random-\(UUID().uuidString)"
    let store: MemoryStore
    var generator: Seeded

    /// `episodes` episodes of `wordsPerEpisode` random words (up to
    /// `lengthSpread` more, at random) "with" a person, spoken by a random
    /// person, 20 a day from 2024-03-01, `sceneSize` to a scene; then `facts`
    /// facts `likes(person, word)`, each from one of them.
    init(seed: UInt64, episodes: Int, wordsPerEpisode: Int, lengthSpread: Int = 0, sceneSize: Int, facts: Int = 0) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        store = try MemoryStore(path: directory + "/t.sqlite")
        generator = Seeded(state: seed)
        try store.write { w in
            for i in 0..<episodes {
                let count = wordsPerEpisode + (lengthSpread > 0 ? Int(generator.next() % UInt64(lengthSpread + 1)) : 0)
                let text = (0..<count).map { _ in pick(Self.words) }.joined(separator: " ") + " with \(pick(Self.people))"
                let day = 1 + i / 20
                _ = try w.createEpisode(
                    EpisodeInput(
                        text: text, speaker: pick(Self.people), at: Timestamp(iso8601: "2024-03-\(day < 10 ? "0" : "")\(day)T10:00:00Z")!,
                        scene: "chat \(i / sceneSize)", mentions: [pick(Self.people)]))
            }
            for i in 0..<facts {
                let roles = [Argument(.entity(pick(Self.people))), Argument(.entity(pick(Self.words)))]
                _ = try w.assert(FactAssertion("likes", roles, sources: [Int64(1 + (i * 3) % episodes)]))
            }
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// What recall reads besides the store: the graph, the text indexes,
    /// and a dictionary of the people's names.
    func indexes() throws -> (GraphIndex, TextIndex, NodeTextIndex, EntityDictionary) {
        let dictionary = EntityDictionary()
        for person in Self.people { dictionary.add(person) }
        return (try GraphIndex.build(from: store), try TextIndex.build(from: store), try NodeTextIndex.build(from: store), dictionary)
    }

    func pick<T>(_ items: [T]) -> T { items[Int(generator.next() % UInt64(items.count))] }
}
