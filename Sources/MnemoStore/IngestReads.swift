import GRDB
import MnemoModel

extension ReadContext {
    /// Every entity name and alias with the entity's display name, for the
    /// ingestion dictionary.
    public func allNames() throws -> [(name: String, display: String)] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT name, name FROM entity
                UNION ALL SELECT a.alias, e.name FROM entity_alias a JOIN entity e ON e.id = a.entity_id
                """
        ).map { ($0[0], $0[1]) }
    }

    /// The open scene a speaker is taking part in, most recent first.
    public func openSceneOfSpeaker(_ speaker: String) throws -> (id: Int64, title: String, openedAt: Timestamp, lastEpisodeAt: Timestamp?, episodes: Int)? {
        guard let speakerID = try entityID(named: speaker) else { return nil }
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT s.id, s.title, s.opened_at,
                               (SELECT MAX(at) FROM episode WHERE scene_id = s.id), (SELECT COUNT(*) FROM episode WHERE scene_id = s.id)
                        FROM scene s JOIN scene_member m ON m.scene_id = s.id
                        WHERE m.entity_id = ? AND s.closed_at IS NULL ORDER BY s.opened_at DESC, s.id DESC LIMIT 1
                        """), arguments: [speakerID])
        else { return nil }
        return (row[0], row[1], Timestamp(microseconds: row[2]), Timestamp(databaseMicroseconds: row[3]), row[4])
    }

    /// The facts an episode is a source of.
    public func facts(fromSource episodeID: Int64) throws -> [Fact] {
        try Int64.fetchAll(db.cachedStatement(sql: "SELECT fact_id FROM fact_source WHERE episode_id = ? ORDER BY fact_id"), arguments: [episodeID])
            .compactMap { try fact(id: $0) }
    }

    /// The text of a scene's latest episodes.
    public func recentEpisodeTexts(inScene id: Int64, limit: Int) throws -> [String] {
        try String.fetchAll(db.cachedStatement(sql: "SELECT text FROM episode WHERE scene_id = ? ORDER BY at DESC, id DESC LIMIT ?"), arguments: [id, limit])
    }

    /// The text of every episode with an id above `after`, by id.
    public func episodeTexts(after: Int64) throws -> [(id: Int64, text: String)] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT id, text FROM episode WHERE id > ? ORDER BY id"), arguments: [after])
            .map { ($0[0], $0[1]) }
    }
}
