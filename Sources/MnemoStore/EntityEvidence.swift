import GRDB
import MnemoModel

/// An entity not archived, with how often it is used: what entity
/// resolution weighs when it picks the canonical one of several spellings.
package struct EntityUsage: Sendable {
    package var id: Int64
    package var name: String
    package var kind: String?
    /// Episodes that mention it plus facts it fills.
    package var mentions: Int
}

/// What tells that two entities are one (consolidation's entity
/// resolution), and the `same_as` links that say so. A link goes from the
/// duplicate to the canonical entity and never merges rows, so a run's
/// links can be undone.
extension ReadContext {
    /// Every `same_as` link, from the duplicate to the entity it stands for.
    package func sameAsLinks() throws -> [(from: Int64, to: Int64)] {
        try Row.fetchAll(db, sql: "SELECT from_id, to_id FROM entity_link WHERE kind = 'same_as'").map { ($0[0], $0[1]) }
    }

    /// The entity `id` is linked to `same_as`, one step (not the end of a chain).
    package func sameAsTarget(of id: Int64) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT to_id FROM entity_link WHERE from_id = ? AND kind = 'same_as'"), arguments: [id])
    }

    /// Every entity not archived, with its mentions and fillers counted.
    package func entityUsage() throws -> [EntityUsage] {
        // `+e.id`: the filler's value has no type affinity; without the `+`, SQLite
        // would convert the column and could not use the key. (One count per
        // table: through the view, SQLite would build an index of every entity filler.)
        try Row.fetchAll(
            db,
            sql: """
                SELECT e.id, e.name, e.kind,
                       (SELECT COUNT(*) FROM episode_entity WHERE entity_id = e.id) +
                       (SELECT COUNT(*) FROM fact_filler_settled WHERE kind = 0 AND value = +e.id) +
                       (SELECT COUNT(*) FROM fact_filler_recent WHERE kind = 0 AND value = +e.id)
                FROM entity e WHERE e.archived = 0
                """
        ).map { EntityUsage(id: $0[0], name: $0[1], kind: $0[2], mentions: $0[3]) }
    }

    /// The entities that spoke at least one episode.
    package func speakerIDs() throws -> [Int64] {
        try Int64.fetchAll(db, sql: "SELECT DISTINCT speaker_id FROM episode WHERE speaker_id IS NOT NULL")
    }

    /// How many times `a` and `b` are named side by side in one episode,
    /// neither as its speaker.
    package func coMentions(_ a: Int64, _ b: Int64) throws -> Int {
        try Int.fetchOne(
            db,
            sql: """
                SELECT COUNT(*) FROM episode_entity a JOIN episode_entity b ON a.episode_id = b.episode_id
                WHERE a.entity_id = ? AND b.entity_id = ? AND a.role != 'speaker' AND b.role != 'speaker'
                """, arguments: [a, b]) ?? 0
    }

    /// How many scenes in which `a` is named are also scenes of `b` (named
    /// in one of its episodes, or a member).
    package func sharedScenes(_ a: Int64, _ b: Int64) throws -> Int {
        try Int.fetchOne(
            db,
            sql: """
                SELECT COUNT(DISTINCT x.scene_id) FROM episode_entity a JOIN episode x ON x.id = a.episode_id
                WHERE a.entity_id = ?1 AND x.scene_id IN (
                    SELECT y.scene_id FROM episode_entity b JOIN episode y ON y.id = b.episode_id WHERE b.entity_id = ?2
                    UNION SELECT scene_id FROM scene_member WHERE entity_id = ?2)
                """, arguments: [a, b]) ?? 0
    }
}

extension WriteContext {
    /// Links `from` to `to` `same_as`, for run `runID`, with the evidence as
    /// JSON text; a link already there is left as it is.
    package func linkSameAs(_ from: Int64, to: Int64, evidence: String?, runID: Int64, at now: Timestamp) throws {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO entity_link(from_id, to_id, kind, evidence, run_id, created_at) VALUES (?, ?, 'same_as', ?, ?, ?)
                """, arguments: [from, to, evidence, runID, now.microseconds])
    }
}
