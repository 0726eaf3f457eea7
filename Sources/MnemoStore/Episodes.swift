import GRDB
import MnemoModel

/// An episode to store, as `remember` receives it after extraction.
public struct EpisodeInput: Sendable, Hashable {
    public var text: String
    public var speaker: String?
    /// When it happened; `nil` = now.
    public var at: Timestamp?
    /// The scene's title; `nil` puts it in the speaker's open scene, if any.
    public var scene: String?
    public var ref: String?
    public var importance: Double
    /// Entities mentioned in the text (names or aliases).
    public var mentions: [String]
    /// Entities the text is addressed to ("Hey Mel!").
    public var addressees: [String]
    /// Temporal expressions resolved against `at`.
    public var times: [TimeMention]

    public init(
        text: String, speaker: String? = nil, at: Timestamp? = nil, scene: String? = nil, ref: String? = nil,
        importance: Double = 0.5, mentions: [String] = [], addressees: [String] = [], times: [TimeMention] = []
    ) {
        self.text = text
        self.speaker = speaker
        self.at = at
        self.scene = scene
        self.ref = ref
        self.importance = importance
        self.mentions = mentions
        self.addressees = addressees
        self.times = times
    }
}

/// What storing an episode created or touched.
public struct EpisodeOutcome: Sendable, Hashable {
    public var episodeID: Int64
    public var sceneID: Int64?
    /// True when the scene was created for this episode.
    public var sceneCreated: Bool
    /// Every entity linked to the episode (speaker, mentions, addressees).
    public var entityIDs: [Int64]
    public var speakerID: Int64?
}

extension WriteContext {
    /// Stores an episode, links its speaker and mentioned entities, records the
    /// mentions in the activation log, and places it in a scene.
    public func createEpisode(_ input: EpisodeInput) throws -> EpisodeOutcome {
        guard !input.text.isEmpty else { throw MnemoError(.invalid, "an episode needs text") }
        guard (0...1).contains(input.importance) else {
            throw MnemoError(.invalid, "importance must be between 0 and 1, got \(input.importance)")
        }
        let at = input.at ?? now
        let speakerID = try input.speaker.map { try entityID(named: $0, kind: "person") }
        var sceneID: Int64?
        var sceneCreated = false
        if let title = input.scene {
            if let existing = try reader.latestScene(titled: title) {
                sceneID = existing
            } else {
                sceneID = try openScene(title, at: at)
                sceneCreated = true
            }
        } else if let speakerID {
            sceneID = try Int64.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT s.id FROM scene s JOIN scene_member m ON m.scene_id = s.id
                        WHERE m.entity_id = ? AND s.closed_at IS NULL ORDER BY s.opened_at DESC, s.id DESC LIMIT 1
                        """), arguments: [speakerID])
        }
        try db.cachedStatement(
            sql: """
                INSERT INTO episode(text, speaker_id, at, scene_id, ref, importance, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [input.text, speakerID, at.microseconds, sceneID, input.ref, input.importance, now.microseconds])
        let episodeID = db.lastInsertedRowID
        if pending.firstNewEpisode == nil { pending.firstNewEpisode = episodeID }

        var linked: [Int64] = []
        let link = try db.cachedStatement(sql: "INSERT OR IGNORE INTO episode_entity(episode_id, entity_id, role) VALUES (?, ?, ?)")
        let mention = try db.cachedStatement(sql: "INSERT INTO activation(node_kind, node_id, at, event) VALUES ('n', ?, ?, 'mentioned')")
        func add(_ id: Int64, _ role: String) throws {
            try link.execute(arguments: [episodeID, id, role])
            if !linked.contains(id) {
                linked.append(id)
                try mention.execute(arguments: [id, at.microseconds])
                if cache.mentionDueCheck(id) { try foldActivationIfLong(NodeID(.entity, id)) }
            }
        }
        if let speakerID { try add(speakerID, "speaker") }
        for name in input.mentions { try add(try entityID(named: name), "mention") }
        for name in input.addressees { try add(try entityID(named: name, kind: "person"), "addressee") }

        let time = try db.cachedStatement(sql: "INSERT INTO episode_time(episode_id, position, text, from_time, to_time) VALUES (?, ?, ?, ?, ?)")
        for (position, t) in input.times.enumerated() {
            guard let from = t.range.from, let to = t.range.to, from < to else {
                throw MnemoError(.invalid, "time \"\(t.text)\" needs a bounded, non-empty interval")
            }
            try time.execute(arguments: [episodeID, position, t.text, from.microseconds, to.microseconds])
        }
        if let sceneID {
            try extendScene(sceneID, toCover: at)
            if let speakerID {
                try db.cachedStatement(sql: "INSERT OR IGNORE INTO scene_member(scene_id, entity_id, role) VALUES (?, ?, 'participant')")
                    .execute(arguments: [sceneID, speakerID])
            }
        }
        return EpisodeOutcome(episodeID: episodeID, sceneID: sceneID, sceneCreated: sceneCreated, entityIDs: linked, speakerID: speakerID)
    }

    /// The episode `createEpisode` just stored, exactly as `ReadContext.episode(id:)`
    /// would read it back, but from what the write already knows: the answer to
    /// every `remember` needs it, and reading it back was a sixth of the write.
    public func createdEpisode(_ outcome: EpisodeOutcome, from input: EpisodeInput) throws -> Episode {
        var others: [String] = []
        for id in outcome.entityIDs where id != outcome.speakerID { others.append(try entityName(id)) }
        // The read orders by name in SQLite's BINARY collation: by bytes.
        others.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let speaker = try outcome.speakerID.map { try entityName($0) }
        return Episode(
            id: outcome.episodeID, text: input.text, speaker: speaker, at: input.at ?? now,
            sceneID: outcome.sceneID, sceneTitle: try outcome.sceneID.map { try sceneTitle($0) },
            ref: input.ref, importance: input.importance, entities: (speaker.map { [$0] } ?? []) + others,
            times: input.times, recordedAt: now)
    }
}

extension ReadContext {
    /// An episode with its speaker, scene, entities and resolved times.
    public func episode(id: Int64) throws -> Episode? {
        try episodes(ids: [id])[id]
    }

    /// Episodes by id, read in three statements however many there are (recall
    /// answers ten or twenty at once). Ids that do not exist are left out.
    public func episodes(ids: [Int64]) throws -> [Int64: Episode] {
        guard !ids.isEmpty else { return [:] }
        let list = Self.jsonList(ids)
        var entities: [Int64: [String]] = [:]
        for row in try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT ee.episode_id, n.name FROM episode_entity ee JOIN entity n ON n.id = ee.entity_id
                    WHERE ee.episode_id IN (SELECT value FROM json_each(?))
                    GROUP BY ee.episode_id, n.id ORDER BY ee.episode_id, MIN(CASE ee.role WHEN 'speaker' THEN 0 ELSE 1 END), n.name
                    """), arguments: [list])
        {
            entities[row[0], default: []].append(row[1])
        }
        var times: [Int64: [TimeMention]] = [:]
        for row in try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT episode_id, text, from_time, to_time FROM episode_time
                    WHERE episode_id IN (SELECT value FROM json_each(?)) ORDER BY episode_id, position
                    """), arguments: [list])
        {
            times[row[0], default: []].append(
                TimeMention(text: row[1], range: TimeRange(from: Timestamp(microseconds: row[2]), to: Timestamp(microseconds: row[3]))))
        }
        var found: [Int64: Episode] = [:]
        for row in try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT e.id, e.text, sp.name, e.at, e.scene_id, s.title, e.ref, e.importance, e.recorded_at
                    FROM episode e LEFT JOIN entity sp ON sp.id = e.speaker_id LEFT JOIN scene s ON s.id = e.scene_id
                    WHERE e.id IN (SELECT value FROM json_each(?))
                    """), arguments: [list])
        {
            let id: Int64 = row[0]
            found[id] = Episode(
                id: id, text: row[1], speaker: row[2], at: Timestamp(microseconds: row[3]), sceneID: row[4],
                sceneTitle: row[5], ref: row[6], importance: row[7], entities: entities[id] ?? [],
                times: times[id] ?? [], recordedAt: Timestamp(microseconds: row[8]))
        }
        return found
    }

    /// Episodes carrying a client `ref`, oldest first.
    public func episodes(ref: String) throws -> [Episode] {
        try Int64.fetchAll(db.cachedStatement(sql: "SELECT id FROM episode WHERE ref = ? ORDER BY id"), arguments: [ref]).compactMap { try episode(id: $0) }
    }
}

extension [Int64] {
    /// The episodes of these ids, in this order, read a chunk at a time with
    /// `episodes(ids:)` and each charged to the read's answer budget.
    func episodesInOrder(_ reader: ReadContext) throws -> [Episode] {
        var result: [Episode] = []
        result.reserveCapacity(count)
        try reader.forEachChunk(of: self) { chunk in
            let found = try reader.episodes(ids: Array(chunk))
            for id in chunk {
                guard let episode = found[id] else { continue }
                try reader.budget.charge(episode.answerBytes)
                result.append(episode)
            }
        }
        return result
    }
}
