import Foundation
import GRDB
import MnemoModel
import Testing

@testable import MnemoStore

@Suite("episodes, scenes, personas and spaces")
struct EpisodeSceneSpaceTests {
    @Test("an episode keeps speaker, time, scene, ref, entities and times, and is full-text indexed")
    func episodeRoundTrip() throws {
        let s = try TestStore(startingAt: "2023-05-09T00:00:00Z")
        let outcome = try s.store.write { w in
            try w.createEpisode(
                EpisodeInput(
                    text: "I went to a support group yesterday", speaker: "Caroline", at: t("2023-05-08T13:56"),
                    scene: "chat 1", ref: "D1:3", importance: 0.6, mentions: ["support group"], addressees: ["Mel"],
                    times: [TimeMention(text: "yesterday", range: TimeRange(from: t("2023-05-07"), to: t("2023-05-08")))]))
        }
        #expect(outcome.sceneCreated && outcome.entityIDs.count == 3)
        let e = try #require(try s.store.read { try $0.episode(id: outcome.episodeID) })
        #expect(e.speaker == "Caroline" && e.ref == "D1:3" && e.importance == 0.6)
        #expect(e.at == t("2023-05-08T13:56:00Z") && e.recordedAt == t("2023-05-09"))
        #expect(e.sceneTitle == "chat 1")
        #expect(e.entities == ["Caroline", "Mel", "support group"])
        #expect(e.times == [TimeMention(text: "yesterday", range: TimeRange(from: t("2023-05-07"), to: t("2023-05-08")))])
        #expect(try s.store.read { try $0.episodes(ref: "D1:3") }.map(\.id) == [outcome.episodeID])
        let hit = try s.store.read { try Int64.fetchOne($0.db, sql: "SELECT rowid FROM episode_fts WHERE episode_fts MATCH 'groups'") }
        #expect(hit == outcome.episodeID) // Porter stemming: groups ~ group
        let mentions = try s.store.read { try Int.fetchOne($0.db, sql: "SELECT COUNT(*) FROM activation WHERE event = 'mentioned'") }
        #expect(mentions == 3)
        let scene = try #require(try s.store.read { try $0.scene(titled: "CHAT 1") })
        #expect(scene.participants == ["Caroline"] && scene.span.from == t("2023-05-08T13:56"))
    }

    @Test("the episode a write answers with is the one a read finds, however the names were spelled")
    func createdEpisodeMatchesTheRead() throws {
        let s = try TestStore(startingAt: "2024-01-10T00:00:00Z")
        let inputs = [
            EpisodeInput(
                text: "Zoë met Émile and bob", speaker: "Caroline", at: t("2024-01-02T10:00"), scene: "Chat 1",
                ref: "D1:1", importance: 0.9, mentions: ["Zoë", "Émile", "bob", "zoë"], addressees: ["Mel"],
                times: [TimeMention(text: "last week", range: TimeRange(from: t("2023-12-25"), to: t("2024-01-01")))]),
            // Known names in other spellings and a scene title in another case: the stored spellings answer.
            EpisodeInput(
                text: "caroline again", speaker: "CAROLINE", at: t("2024-01-02T11:00"), scene: "chat 1",
                mentions: ["ZOË", "Bob"], addressees: ["caroline"]),
            EpisodeInput(text: "no speaker, no scene", mentions: ["alpha", "Alpha Beta", "a"]),
            EpisodeInput(text: "speaker only", speaker: "mel"),
        ]
        for input in inputs {
            let (created, read) = try s.store.write { w in
                let outcome = try w.createEpisode(input)
                return (try w.createdEpisode(outcome, from: input), try w.reader.episode(id: outcome.episodeID))
            }
            #expect(created == read)
        }
        // A name linked to another by consolidation answers with that other's name.
        try s.store.write { w in
            let mel = try w.entityID(named: "Mel")
            let melanie = try w.entityID(named: "Melanie")
            try w.db.execute(sql: "INSERT INTO entity_link(from_id, to_id, kind, created_at) VALUES (?, ?, 'same_as', 0)", arguments: [mel, melanie])
            w.forgetCachedNames()
        }
        let input = EpisodeInput(text: "hi Mel", speaker: "Mel", mentions: ["melanie"])
        let (created, read) = try s.store.write { w in
            let outcome = try w.createEpisode(input)
            return (try w.createdEpisode(outcome, from: input), try w.reader.episode(id: outcome.episodeID))
        }
        #expect(created == read && created.speaker == "Melanie")
    }

    @Test("an episode stays owed to the full-text index when a savepoint that indexed it is rolled back")
    func fullTextAfterSavepointRollback() throws {
        let s = try TestStore()
        let old = try s.store.write { w in try w.createEpisode(EpisodeInput(text: "an older cello lesson")).episodeID }
        let new = try s.store.write { w in
            let id = try w.createEpisode(EpisodeInput(text: "the violin lesson ran late")).episodeID
            // forget indexes what is owed first; the rollback undoes that indexing too.
            _ = try? w.savepoint { () throws -> Void in
                _ = try w.forget(NodeID(.episode, old))
                throw MnemoError(.invalid, "changed my mind")
            }
            return id
        }
        try s.store.write { w in
            // FTS5 fails this check when index and episode table disagree.
            try w.db.execute(sql: "INSERT INTO episode_fts(episode_fts, rank) VALUES ('integrity-check', 1)")
        }
        let hits = try s.store.read { try Int64.fetchAll($0.db, sql: "SELECT rowid FROM episode_fts WHERE episode_fts MATCH 'lesson' ORDER BY rowid") }
        #expect(hits == [old, new])
    }

    @Test("a name first mentioned or made a participant without a kind becomes a person when it speaks; a kind once given stays")
    func speakerBecomesAPerson() throws {
        let s = try TestStore()
        func kind(_ name: String) throws -> String? {
            try s.store.read { try String.fetchOne($0.db, sql: "SELECT kind FROM entity WHERE norm = ?", arguments: [name]) }
        }
        try s.store.write { w in
            _ = try w.openScene("climb 1", at: t("2024-03-02T19:00"), participants: ["sam"])
            _ = try w.createEpisode(EpisodeInput(text: "Met Dana at the gym", speaker: "ann", at: t("2024-03-02T19:00"), mentions: ["Dana"]))
            _ = try w.openScene("the boulder", at: t("2024-03-02T19:00"), place: "gym")
        }
        #expect(try kind("sam") == nil && kind("dana") == nil && kind("gym") == "place")
        try s.store.write { w in
            _ = try w.createEpisode(EpisodeInput(text: "Went climbing", speaker: "sam", at: t("2024-03-02T19:01"), scene: "climb 1"))
            _ = try w.createEpisode(EpisodeInput(text: "Hi", speaker: "dana", at: t("2024-03-02T19:02")))
            _ = try w.createEpisode(EpisodeInput(text: "Tweet", speaker: "gym", at: t("2024-03-02T19:03")))
        }
        #expect(try kind("sam") == "person" && kind("dana") == "person" && kind("gym") == "place")
    }

    @Test("scenes open and close, conflict when already open, and are found by member and time")
    func scenes() throws {
        let s = try TestStore()
        let id = try s.store.write { w in
            try w.openScene("offsite", at: t("2024-02-01"), participants: ["alice", "bob"], place: "paris")
        }
        #expect(mnemoError { try s.store.write { w in _ = try w.openScene("Offsite") } }?.code == .conflict)
        let e = try s.store.write { w in try w.createEpisode(EpisodeInput(text: "Kick-off", speaker: "alice", at: t("2024-02-01T09:00"))) }
        #expect(e.sceneID == id) // the speaker's open scene
        #expect(mnemoError { try s.store.write { w in try w.closeScene("offsite", at: t("2024-02-01T08:00")) } }?.code == .invalid)
        try s.store.write { w in try w.closeScene("offsite", at: t("2024-02-03")) }
        #expect(mnemoError { try s.store.write { w in try w.closeScene("offsite") } }?.code == .notFound)
        let scene = try #require(try s.store.read { try $0.scene(id: id) })
        #expect(scene.span == TimeRange(from: t("2024-02-01"), to: t("2024-02-03")))
        #expect(scene.place == "paris" && scene.participants == ["alice", "bob"])
        #expect(try s.store.read { try $0.scenes(with: "bob", during: TimeRange(from: t("2024-02-02"), to: t("2024-03-01"))) }.map(\.id) == [id])
        #expect(try s.store.read { try $0.scenes(with: "bob", during: TimeRange(from: t("2024-03-01"), to: t("2024-04-01"))) }.isEmpty)
        #expect(try s.store.read { try $0.scenes(with: "carol") }.isEmpty)
    }

    @Test("an episode outside its scene's span widens the span; one inside leaves the scene row untouched")
    func sceneSpanWidens() throws {
        let s = try TestStore()
        let id = try s.store.write { w in try w.openScene("trip", at: t("2024-02-01")) }
        try s.store.write { w in try w.closeScene("trip", at: t("2024-02-03")) }
        func span() throws -> TimeRange { try #require(try s.store.read { try $0.scene(id: id) }).span }
        func episode(_ at: String) throws {
            try s.store.write { w in _ = try w.createEpisode(EpisodeInput(text: "note at \(at)", speaker: "alice", at: t(at), scene: "trip")) }
        }
        try episode("2024-01-30")
        #expect(try span() == TimeRange(from: t("2024-01-30"), to: t("2024-02-03")))
        try episode("2024-02-05")
        let widened = TimeRange(from: t("2024-01-30"), to: Timestamp(microseconds: t("2024-02-05").microseconds + 1))
        #expect(try span() == widened)
        // Inside the span the scene row is not updated at all (an update to the
        // same values would still rewrite its index entries): a trigger refusing
        // any update of it lets the write through.
        try s.store.write { w in
            try w.db.execute(sql: "CREATE TEMP TRIGGER refuse_scene_update BEFORE UPDATE ON main.scene BEGIN SELECT RAISE(ABORT, 'scene updated'); END")
        }
        try episode("2024-02-02")
        #expect(mnemoError { try episode("2024-02-07") }?.message.contains("scene updated") == true)
        #expect(try span() == widened)
    }

    @Test("a pinned persona attribute replaces the previous value and keeps it in the record")
    func pinnedPersona() throws {
        let s = try TestStore()
        try s.store.write { w in
            _ = try w.pinPersonaAttribute(entity: "caroline", name: "occupation", valueJSON: "\"student\"", from: t("2020-01-01"))
            _ = try w.pinPersonaAttribute(entity: "caroline", name: "occupation", valueJSON: "\"counsellor\"", from: t("2023-09-01"))
        }
        let now = try s.store.read { try $0.persona(of: "Caroline") }
        #expect(now.map(\.valueJSON) == ["\"counsellor\""] && now[0].pinned)
        let then = try s.store.read { try $0.persona(of: "caroline", asOf: t("2021-01-01")) }
        #expect(then.map(\.valueJSON) == ["\"student\""])
        #expect(mnemoError { try s.store.write { w in _ = try w.pinPersonaAttribute(entity: "c", name: "x", valueJSON: "not json") } }?.code == .invalid)
        #expect(mnemoError { _ = try s.store.read { try $0.persona(of: "nobody") } }?.code == .notFound)
    }

    @Test("each space is its own SQLite file, opened on demand")
    func spaces() throws {
        let dir = TemporaryDirectory()
        let spaces = try SpaceManager(directory: dir.path)
        #expect(mnemoError { _ = try spaces.store("agent-7", create: false) }?.code == .notFound)
        let a = try spaces.store("Agent-7", create: true)
        let b = try spaces.store("default", create: true)
        try a.write { w in try w.assert(FactAssertion("likes", entities: "x", "tea")) }
        #expect(try b.read { try $0.facts(matching: FactPattern("likes", entities: "x", nil)) }.isEmpty)
        #expect(try spaces.store("agent-7", create: false) === a)
        #expect(FileManager.default.fileExists(atPath: dir.path + "/spaces/agent-7.sqlite"))
        #expect(spaces.spaceNames() == ["agent-7", "default"])
        for bad in ["", "../etc", ".hidden", "a/b", String(repeating: "x", count: 65), "space name"] {
            #expect(mnemoError { _ = try spaces.store(bad, create: true) }?.code == .invalid, "\(bad)")
        }
        // A second manager over the same directory sees the data (a daemon restart).
        let again = try SpaceManager(directory: dir.path)
        #expect(try again.store("agent-7", create: false).read { try $0.facts(matching: FactPattern("likes", entities: "x", nil)) }.count == 1)
    }
}
