import GRDB
import MnemoModel

/// One episode of a scene as the reflector is sent it.
package struct SceneLine: Sendable {
    package var id: Int64
    package var ref: String?
    /// The speaker's name.
    package var speaker: String?
    package var at: Timestamp
    package var text: String
}

/// What consolidation keeps up about scenes, beyond what clients write:
/// episodes no scene holds segmented into scenes, idle scenes closed, each
/// scene's participants, places and extractive summary (the scene pass), and
/// the reflector's summaries and the facts it places in scenes.
extension ReadContext {
    /// The episodes in no scene, by time and id: id and time (microseconds).
    package func unplacedEpisodes() throws -> [(id: Int64, at: Int64)] {
        try Row.fetchAll(db, sql: "SELECT id, at FROM episode WHERE scene_id IS NULL ORDER BY at, id").map { ($0[0], $0[1]) }
    }

    /// The open scenes: id, when each opened and when its last episode
    /// happened (nil when it has none), in microseconds.
    package func openScenes() throws -> [(id: Int64, openedAt: Int64, lastEpisodeAt: Int64?)] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT s.id, s.opened_at, (SELECT MAX(at) FROM episode WHERE scene_id = s.id) FROM scene s WHERE s.closed_at IS NULL
                """
        ).map { ($0[0], $0[1], $0[2]) }
    }

    /// Every episode in a scene, by scene, time and id: the scene, the
    /// speaker's name and the text.
    package func linesByScene() throws -> [(scene: Int64, speaker: String?, text: String)] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT e.scene_id, p.name, e.text FROM episode e LEFT JOIN entity p ON p.id = e.speaker_id
                WHERE e.scene_id IS NOT NULL ORDER BY e.scene_id, e.at, e.id
                """
        ).map { ($0[0], $0[1], $0[2]) }
    }

    /// Every scene's id and extractive summary.
    package func sceneSummaries() throws -> [(id: Int64, summary: String?)] {
        try Row.fetchAll(db, sql: "SELECT id, summary FROM scene").map { ($0[0], $0[1]) }
    }

    /// The closed scenes the reflector has not answered for yet, by id.
    package func scenesAwaitingReflection() throws -> [Int64] {
        try Int64.fetchAll(db, sql: "SELECT id FROM scene WHERE reflection IS NULL AND closed_at IS NOT NULL ORDER BY id")
    }

    /// The episodes of scene `id`, by time and id.
    package func lines(ofScene id: Int64) throws -> [SceneLine] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT e.id, e.ref, p.name, e.at, e.text FROM episode e LEFT JOIN entity p ON p.id = e.speaker_id
                WHERE e.scene_id = ? ORDER BY e.at, e.id
                """, arguments: [id]
        ).map { SceneLine(id: $0[0], ref: $0[1], speaker: $0[2], at: Timestamp(microseconds: $0[3]), text: $0[4]) }
    }
}

extension WriteContext {
    /// Puts an episode in a scene.
    package func placeEpisode(_ episode: Int64, inScene scene: Int64) throws {
        try db.cachedStatement(sql: "UPDATE episode SET scene_id = ? WHERE id = ?").execute(arguments: [scene, episode])
    }

    /// Closes scene `id` at `end`, unchecked (`closeScene(_:at:)` checks a
    /// client's close against the scene's episodes).
    package func closeScene(id: Int64, at end: Timestamp) throws {
        try db.cachedStatement(sql: "UPDATE scene SET closed_at = ? WHERE id = ?").execute(arguments: [end.microseconds, id])
    }

    /// Sets a scene's extractive summary.
    package func setSceneSummary(_ id: Int64, _ summary: String?) throws {
        try db.cachedStatement(sql: "UPDATE scene SET summary = ? WHERE id = ?").execute(arguments: [summary, id])
    }

    /// Makes who spoke and who was addressed in a scene's episodes its
    /// participants (an entity linked `same_as` as the entity it stands for);
    /// returns how many memberships are new.
    package func addParticipantsFromEpisodes() throws -> Int {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO scene_member(scene_id, entity_id, role)
                SELECT DISTINCT e.scene_id,
                       COALESCE((SELECT to_id FROM entity_link WHERE from_id = x.entity_id AND kind = 'same_as'), x.entity_id),
                       'participant' FROM episode e
                JOIN episode_entity x ON x.episode_id = e.id AND x.role IN ('speaker', 'addressee')
                WHERE e.scene_id IS NOT NULL
                """)
        return db.changesCount
    }

    /// Makes the places named in a scene's episodes its places; returns how
    /// many memberships are new.
    package func addPlacesFromEpisodes() throws -> Int {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO scene_member(scene_id, entity_id, role)
                SELECT DISTINCT e.scene_id, x.entity_id, 'place' FROM episode e
                JOIN episode_entity x ON x.episode_id = e.id JOIN entity n ON n.id = x.entity_id AND n.kind = 'place'
                WHERE e.scene_id IS NOT NULL
                """)
        return db.changesCount
    }

    /// Stores the reflector's summary of a scene (empty when it gave none),
    /// unless the scene has one already.
    package func setSceneReflection(_ text: String, ofScene id: Int64) throws {
        try db.execute(sql: "UPDATE scene SET reflection = ? WHERE id = ? AND reflection IS NULL", arguments: [text, id])
    }

    /// Places a fact in a scene, unless it is in one already.
    package func placeFact(_ fact: Int64, inScene scene: Int64) throws {
        try db.execute(sql: "UPDATE fact SET scene_id = ? WHERE id = ? AND scene_id IS NULL", arguments: [scene, fact])
    }
}
