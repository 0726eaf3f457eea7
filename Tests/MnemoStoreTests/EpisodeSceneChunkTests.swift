import GRDB
import MnemoModel
import Testing

@testable import MnemoStore

/// `scene`, `scenes`, `timeline` and recall read episodes and scenes a chunk
/// of ids at a time, each table in one statement stepped through SQLite's C
/// API, names from the read's cache (`episodes(inOrder:)`,
/// `scenes(inOrder:)`); these check that every episode and scene comes back
/// as a plain read of its rows says, across chunk boundaries.
@Suite("episodes and scenes read in chunks")
struct EpisodeSceneChunkTests {
    static let names = ["Zoë", "bob", "Émile", "alpha", "Alpha Beta", "caroline", "Mel"]

    /// A scene of 600 episodes (more than two chunks): speakers, mentions and
    /// addressees drawn from names whose byte order is not their
    /// case-insensitive order, a speaker sometimes also mentioned or addressed,
    /// some episodes without speaker, ref, mentions or times, and some with two
    /// times. Returns the ids in time order, which is not id order.
    func sceneStore() throws -> (TestStore, [Int64]) {
        let s = try TestStore(startingAt: "2024-01-01T00:00:00Z")
        let names = Self.names
        let ids = try s.store.write { w in
            try (0..<600).map { i -> Int64 in
                // Episodes come in reverse time order in pairs: ids and times disagree.
                let at = t("2023-01-01").adding(days: i % 2 == 0 ? i + 1 : i - 1)
                var times: [TimeMention] = []
                for k in 0..<((i + 1) % 3) {
                    times.append(TimeMention(text: "time \(k) of \(i)", range: TimeRange(from: at.adding(days: -k - 1), to: at.adding(days: -k))))
                }
                return try w.createEpisode(
                    EpisodeInput(
                        text: "episode \(i) \"quoted\"", speaker: i % 5 == 4 ? nil : names[i % names.count], at: at, scene: "long",
                        ref: i % 4 == 0 ? "r\(i)" : nil, importance: Double(i % 10) / 10,
                        mentions: i % 6 == 5 ? [] : [names[(i + 3) % names.count], names[i % names.count]],
                        addressees: i % 2 == 0 ? [names[(i + 1) % names.count]] : [], times: times)
                ).episodeID
            }
        }
        let ordered = zip(ids, 0..<600).sorted { ($0.1 % 2 == 0 ? $0.1 + 1 : $0.1 - 1) < ($1.1 % 2 == 0 ? $1.1 + 1 : $1.1 - 1) }.map(\.0)
        return (s, ordered)
    }

    /// An episode as its rows say, read with GRDB row by row: the speaker's
    /// name, the scene's title, the entities (speaker first, then by name,
    /// each once) and the times in order.
    func plainRead(_ id: Int64, _ db: Database) throws -> Episode? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT e.id, e.text, sp.name, e.at, e.scene_id, s.title, e.ref, e.importance, e.recorded_at
                    FROM episode e LEFT JOIN entity sp ON sp.id = e.speaker_id LEFT JOIN scene s ON s.id = e.scene_id WHERE e.id = ?
                    """, arguments: [id])
        else { return nil }
        let entities = try String.fetchAll(
            db,
            sql: """
                SELECT n.name FROM episode_entity ee JOIN entity n ON n.id = ee.entity_id WHERE ee.episode_id = ?
                GROUP BY n.id ORDER BY MIN(CASE ee.role WHEN 'speaker' THEN 0 ELSE 1 END), n.name
                """, arguments: [id])
        let times = try Row.fetchAll(
            db, sql: "SELECT text, from_time, to_time FROM episode_time WHERE episode_id = ? ORDER BY position", arguments: [id]
        ).map { TimeMention(text: $0[0], range: TimeRange(from: Timestamp(microseconds: $0[1]), to: Timestamp(microseconds: $0[2]))) }
        return Episode(
            id: row[0], text: row[1], speaker: row[2], at: Timestamp(microseconds: row[3]), sceneID: row[4], sceneTitle: row[5], ref: row[6],
            importance: row[7], entities: entities, times: times, recordedAt: Timestamp(microseconds: row[8]))
    }

    @Test("a scene's episodes, in time order across chunks, as a plain read of their rows says")
    func sceneEpisodes() throws {
        let (s, ids) = try sceneStore()
        let (read, expected) = try s.store.read { r in
            let scene = try #require(try r.scene(titled: "long"))
            return (try r.episodes(inScene: scene.id), try ids.map { try plainRead($0, r.db) })
        }
        #expect(read.count == 600 && expected.count == 600)
        #expect(read == expected.compactMap { $0 })
        // The cases the names make: a speaker also mentioned is first, once; the rest by bytes.
        let first = try #require(read.first { $0.text.hasPrefix("episode 0 ") })
        #expect(first.speaker == "Zoë" && first.entities == ["Zoë", "alpha", "bob"])
        #expect(read.contains { $0.speaker == nil && !$0.entities.isEmpty })
        #expect(read.contains { $0.times.count == 2 } && read.contains { $0.times.isEmpty })
        // Stopped after a chunk and a half, in order.
        let some = try s.store.read { r in try r.episodes(inScene: try #require(try r.scene(titled: "long")).id, limit: 400) }
        #expect(some == Array(read.prefix(400)))
    }

    @Test("ids read in their order, each at its place: missing ones nil, repeated ones each time")
    func idsInOrder() throws {
        let (s, ids) = try sceneStore()
        let asked = [ids[300], -1, ids[0], 999_999, ids[300], ids[599]]
        let (read, byID, expected) = try s.store.read { r in
            (try r.episodes(inOrder: asked), try r.episodes(ids: asked), try asked.map { try plainRead($0, r.db) })
        }
        #expect(read == expected)
        #expect(read[1] == nil && read[3] == nil && read[0] == read[4])
        #expect(byID.count == 3 && byID[ids[0]] == expected[2])
        #expect(try s.store.read { try $0.episodes(inOrder: [Int64]()) }.isEmpty)
    }

    @Test("an entity gone reads as no speaker and is left out of the entities")
    func goneNames() throws {
        let (s, _) = try sceneStore()
        let episode = try #require(try s.store.read { try Int64.fetchOne($0.db, sql: "SELECT id FROM episode WHERE text LIKE 'episode 0 %'") })
        // On a connection without foreign keys, so that no cascade runs: the
        // episode's rows keep the id of an entity that is gone.
        var configuration = Configuration()
        configuration.foreignKeysEnabled = false
        try DatabaseQueue(path: s.directory.file("test.sqlite"), configuration: configuration).write { db in
            try db.execute(sql: "DELETE FROM entity WHERE name = 'Zoë'")
        }
        let (read, expected) = try s.store.read { r in (try r.episode(id: episode), try plainRead(episode, r.db)) }
        #expect(read == expected && read?.speaker == nil && read?.entities == ["alpha", "bob"])
    }

    /// 600 scenes, one a day, each closed after an hour: participants and
    /// places (as consolidation records them) drawn from `names`, some with a
    /// place, summary or reflection, some with none of them.
    func scenesStore() throws -> (TestStore, [Int64]) {
        let s = try TestStore(startingAt: "2024-01-01T00:00:00Z")
        let names = Self.names
        let ids = try s.store.write { w in
            try (0..<600).map { i -> Int64 in
                let at = t("2023-01-01").adding(days: i)
                let participants = (0..<(i % 4)).map { names[(i + 2 * $0) % names.count] }
                let id = try w.openScene("scene \(i)", at: at, participants: participants, place: i % 3 == 0 ? names[(i + 1) % names.count] : nil)
                for k in 0..<((i + 1) % 3) {
                    try w.db.execute(
                        sql: "INSERT OR IGNORE INTO scene_member(scene_id, entity_id, role) VALUES (?, ?, 'place')",
                        arguments: [id, try w.entityID(named: names[(i + 3 + k) % names.count])])
                }
                try w.db.execute(
                    sql: "UPDATE scene SET closed_at = ?, summary = ?, reflection = ? WHERE id = ?",
                    arguments: [at.adding(seconds: 3600).microseconds, i % 7 != 0 ? "summary \(i)" : nil, i % 5 == 0 ? "reflection \(i)" : nil, id])
                return id
            }
        }
        return (s, ids)
    }

    /// A scene as its rows say, read with GRDB: its place's name, and its
    /// participants and places each by name.
    func plainRead(scene id: Int64, _ db: Database) throws -> Scene? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT s.id, s.title, s.opened_at, s.closed_at, p.name, s.summary, s.automatic, s.reflection
                    FROM scene s LEFT JOIN entity p ON p.id = s.place_id WHERE s.id = ?
                    """, arguments: [id])
        else { return nil }
        func members(_ role: String) throws -> [String] {
            try String.fetchAll(
                db,
                sql: "SELECT n.name FROM scene_member m JOIN entity n ON n.id = m.entity_id WHERE m.scene_id = ? AND m.role = ? ORDER BY n.name",
                arguments: [id, role])
        }
        var scene = Scene(
            id: row[0], title: row[1], span: TimeRange(from: Timestamp(microseconds: row[2]), to: Timestamp(databaseMicroseconds: row[3])),
            place: row[4], participants: try members("participant"), summary: row[5], automatic: row[6])
        scene.places = try members("place")
        scene.reflection = row[7]
        return scene
    }

    @Test("scenes in time order across chunks, and by id, as a plain read of their rows says")
    func scenesInOrder() throws {
        let (s, ids) = try scenesStore()
        let (read, expected) = try s.store.read { r in (try r.scenes(), try ids.map { try plainRead(scene: $0, r.db) }) }
        #expect(read.count == 600 && read == expected.compactMap { $0 })
        #expect(read.contains { $0.participants.count == 3 && !$0.places.isEmpty && $0.place != nil })
        #expect(read.contains { $0.participants.isEmpty && $0.places.isEmpty && $0.place == nil && $0.summary == nil })
        let some = try s.store.read { try $0.scenes(limit: 300) }
        #expect(some == Array(read.prefix(300)))
        let asked = [ids[599], -5, ids[0], ids[599]]
        let (byPlace, byID, plain) = try s.store.read { r in
            (try r.scenes(inOrder: asked), try r.scenes(ids: asked), try asked.map { try plainRead(scene: $0, r.db) })
        }
        #expect(byPlace == plain && byPlace[1] == nil && byID.count == 2 && byID[ids[0]] == plain[2])
    }
}
