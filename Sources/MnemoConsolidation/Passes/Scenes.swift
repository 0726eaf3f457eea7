import Foundation
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
        let rows = try context.read.unplacedEpisodes()
        guard !rows.isEmpty else { return }
        var groups: [[(Int64, Int64)]] = []
        for row in rows {
            let item: (Int64, Int64) = (row.id, row.at)
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
                try context.write.placeEpisode(episode, inScene: scene)
            }
            context.count("segmented_episodes", group.count)
            context.count("scenes_created")
        }
    }

    private func closeIdle(_ context: PassContext) throws {
        let idleBefore = context.now.microseconds - context.settings.sceneIdleSeconds * 1_000_000
        for scene in try context.read.openScenes() {
            let last = scene.lastEpisodeAt ?? scene.openedAt
            guard last < idleBefore else { continue }
            try context.write.closeScene(id: scene.id, at: Timestamp(microseconds: last + 1))
            context.count("scenes_closed")
        }
    }

    private func describe(_ context: PassContext) throws {
        let summarizer = ExtractiveSummarizer(sentences: context.settings.summarySentences, cache: TermCache())
        var lines: [Int64: [ExtractiveSummarizer.Line]] = [:]
        for line in try context.read.linesByScene() {
            lines[line.scene, default: []].append(.init(speaker: line.speaker, text: line.text))
        }
        for scene in try context.read.sceneSummaries() {
            try context.checkCancelled()
            guard let episodes = lines[scene.id] else { continue }
            let summary = summarizer.summarize(episodes)
            if summary != scene.summary {
                try context.write.setSceneSummary(scene.id, summary)
                context.count("summaries")
            }
        }
        // Participants: who spoke and who was addressed. Places: places mentioned.
        context.count("participants", try context.write.addParticipantsFromEpisodes())
        context.count("places", try context.write.addPlacesFromEpisodes())
    }
}
