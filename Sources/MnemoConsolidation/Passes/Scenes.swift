import Foundation
import GRDB
import MnemoModel
import MnemoStore

/// Pass 4: scenes are tidied and described.
/// - Episodes that belong to no scene are segmented: one new automatic scene
///   per run of episodes no more than `sceneGapSeconds` apart.
/// - An open scene whose last episode is older than `sceneIdleSeconds` is
///   closed just after that episode.
/// - Every scene gets its participants (speakers and the people addressed),
///   its places (entities of kind place mentioned in it), and an extractive
///   summary of its most central sentences.
struct Scenes: ConsolidationPass {
    let name = "scenes"

    func run(_ context: PassContext) throws {
        try segmentUnplaced(context)
        try closeIdle(context)
        try describe(context)
    }

    private func segmentUnplaced(_ context: PassContext) throws {
        let db = context.db
        let rows = try Row.fetchAll(db, sql: "SELECT id, at FROM episode WHERE scene_id IS NULL ORDER BY at, id")
        guard !rows.isEmpty else { return }
        var groups: [[(Int64, Int64)]] = []
        for row in rows {
            let item: (Int64, Int64) = (row[0], row[1])
            if let last = groups.last?.last, item.1 - last.1 <= context.settings.sceneGapSeconds * 1_000_000 {
                groups[groups.count - 1].append(item)
            } else {
                groups.append([item])
            }
        }
        for group in groups {
            try context.checkCancelled()
            let first = Timestamp(microseconds: group[0].1)
            let title = try context.write.uniqueSceneTitle("segment \(first.iso8601)")
            let scene = try context.write.openScene(title, at: first, automatic: true)
            for (episode, _) in group {
                try db.cachedStatement(sql: "UPDATE episode SET scene_id = ? WHERE id = ?").execute(arguments: [scene, episode])
            }
            context.count("segmented_episodes", group.count)
            context.count("scenes_created")
        }
    }

    private func closeIdle(_ context: PassContext) throws {
        let db = context.db
        let idleBefore = context.now.microseconds - context.settings.sceneIdleSeconds * 1_000_000
        for row in try Row.fetchAll(db, sql: """
            SELECT s.id, s.opened_at, (SELECT MAX(at) FROM episode WHERE scene_id = s.id) FROM scene s WHERE s.closed_at IS NULL
            """) {
            let last: Int64 = (row[2] as Int64?) ?? row[1]
            guard last < idleBefore else { continue }
            try db.cachedStatement(sql: "UPDATE scene SET closed_at = ? WHERE id = ?").execute(arguments: [last + 1, row[0] as Int64])
            context.count("scenes_closed")
        }
    }

    private func describe(_ context: PassContext) throws {
        let db = context.db
        let summarizer = ExtractiveSummarizer(sentences: context.settings.summarySentences, cache: TermCache())
        var lines: [Int64: [ExtractiveSummarizer.Line]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT e.scene_id, p.name, e.text FROM episode e LEFT JOIN entity p ON p.id = e.speaker_id
            WHERE e.scene_id IS NOT NULL ORDER BY e.scene_id, e.at, e.id
            """) {
            lines[row[0], default: []].append(.init(speaker: row[1], text: row[2]))
        }
        let summaries = try Row.fetchAll(db, sql: "SELECT id, summary FROM scene")
        let setSummary = try db.makeStatement(sql: "UPDATE scene SET summary = ? WHERE id = ?")
        for row in summaries {
            try context.checkCancelled()
            let id: Int64 = row[0]
            guard let episodes = lines[id] else { continue }
            let summary = summarizer.summarize(episodes)
            if summary != row[1] as String? {
                try setSummary.execute(arguments: [summary, id])
                context.count("summaries")
            }
        }
        // Participants: who spoke and who was addressed. Places: places mentioned.
        try db.execute(sql: """
            INSERT OR IGNORE INTO scene_member(scene_id, entity_id, role)
            SELECT DISTINCT e.scene_id,
                   COALESCE((SELECT to_id FROM entity_link WHERE from_id = x.entity_id AND kind = 'same_as'), x.entity_id),
                   'participant' FROM episode e
            JOIN episode_entity x ON x.episode_id = e.id AND x.role IN ('speaker', 'addressee')
            WHERE e.scene_id IS NOT NULL
            """)
        context.count("participants", db.changesCount)
        try db.execute(sql: """
            INSERT OR IGNORE INTO scene_member(scene_id, entity_id, role)
            SELECT DISTINCT e.scene_id, x.entity_id, 'place' FROM episode e
            JOIN episode_entity x ON x.episode_id = e.id JOIN entity n ON n.id = x.entity_id AND n.kind = 'place'
            WHERE e.scene_id IS NOT NULL
            """)
        context.count("places", db.changesCount)
    }
}
