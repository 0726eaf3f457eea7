import GRDB
import MnemoModel

/// An episode with a speaker, as person profiles read it (times in microseconds).
package struct SpokenEpisode: Sendable {
    package var id: Int64
    package var speaker: Int64
    package var scene: Int64?
    package var at: Int64
    package var text: String
}

/// A thing (an entity not a person) an episode with a speaker mentions.
package struct ThingMention: Sendable {
    package var entity: Int64
    package var name: String
    package var episode: Int64
    package var scene: Int64?
    package var at: Int64
    package var speaker: Int64
}

/// A time expression an episode resolved: the span it names, in microseconds, and the words.
package struct DatedEpisode: Sendable {
    package var episode: Int64
    package var from: Int64
    package var to: Int64
    package var expression: String
}

/// The scans consolidation reads every person's profile from (their words,
/// the things they mention, their dated episodes, the scenes they are in), a
/// few for everyone at once rather than a few per person: a memory may know
/// 100,000 people. The `forEach` reads hand over one row at a time, so that
/// every episode of the memory is never held at once.
extension ReadContext {
    /// The people not archived (entities of kind person), by id: id and name.
    package func persons() throws -> [(id: Int64, name: String)] {
        try Row.fetchAll(db, sql: "SELECT id, name FROM entity WHERE kind = 'person' AND archived = 0 ORDER BY id").map { ($0[0], $0[1]) }
    }

    /// The names of every entity of kind person, archived or not.
    package func personNames() throws -> [String] {
        try String.fetchAll(db, sql: "SELECT name FROM entity WHERE kind = 'person'")
    }

    /// When each scene opened (microseconds), by scene id.
    package func sceneOpenings() throws -> [(id: Int64, openedAt: Int64)] {
        try Row.fetchAll(db, sql: "SELECT id, opened_at FROM scene").map { ($0[0], $0[1]) }
    }

    /// Every episode with a speaker, by time and id.
    package func forEachSpokenEpisode(_ body: (SpokenEpisode) throws -> Void) throws {
        let rows = try Row.fetchCursor(db, sql: "SELECT id, speaker_id, scene_id, at, text FROM episode WHERE speaker_id IS NOT NULL ORDER BY at, id")
        while let row = try rows.next() {
            try body(SpokenEpisode(id: row[0], speaker: row[1], scene: row[2], at: row[3], text: row[4]))
        }
    }

    /// Every mention of an entity that is not a person in an episode with a
    /// speaker, by the episode's time and id.
    package func forEachThingMentioned(_ body: (ThingMention) throws -> Void) throws {
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT n.id, n.name, e.id, e.scene_id, e.at, e.speaker_id FROM episode_entity x
                JOIN episode e ON e.id = x.episode_id JOIN entity n ON n.id = x.entity_id
                WHERE x.role = 'mention' AND e.speaker_id IS NOT NULL AND (n.kind IS NULL OR n.kind != 'person')
                ORDER BY e.at, e.id
                """)
        while let row = try rows.next() {
            try body(ThingMention(entity: row[0], name: row[1], episode: row[2], scene: row[3], at: row[4], speaker: row[5]))
        }
    }

    /// Every resolved time expression, by episode and by order in its text.
    package func forEachDatedEpisode(_ body: (DatedEpisode) throws -> Void) throws {
        let rows = try Row.fetchCursor(db, sql: "SELECT episode_id, from_time, to_time, text FROM episode_time ORDER BY episode_id, position")
        while let row = try rows.next() {
            try body(DatedEpisode(episode: row[0], from: row[1], to: row[2], expression: row[3]))
        }
    }
}
