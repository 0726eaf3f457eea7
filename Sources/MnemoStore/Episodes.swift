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
        var named: [(name: String, id: Int64)] = []
        for id in outcome.entityIDs where id != outcome.speakerID { named.append((try entityName(id), id)) }
        // In the order the read gives them.
        let others = named.sorted(by: NameOrder.precedes).map(\.name)
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
        var found: [Int64: Episode] = [:]
        for case let episode? in try episodes(inOrder: ids) { found[episode.id] = episode }
        return found
    }

    /// The episodes of `ids`, each at its id's place (`nil` where there is no
    /// such episode), read in three statements however many there are: the
    /// episodes, their entities, their times, each stepped through SQLite's C
    /// API, the ids passed as one JSON array and read in its order (`j.key`
    /// is the place). Names of speakers and entities and titles of scenes come
    /// from the read's `ReadCache`, read once per id.
    ///
    /// An episode's entities are its speaker first, then the others by name
    /// (`NameOrder`), each once whatever its roles.
    func episodes(inOrder ids: some Collection<Int64>) throws -> [Episode?] {
        guard !ids.isEmpty else { return [] }
        let list = Self.jsonList(ids)
        var episodes = [Episode?](repeating: nil, count: ids.count)
        try forEachRow(
            """
            SELECT j.key, e.id, e.text, e.speaker_id, e.at, e.scene_id, e.ref, e.importance, e.recorded_at
            FROM json_each(?) j CROSS JOIN episode e ON e.id = j.value
            """, ids: list, count: ids.count
        ) { row, at in
            let sceneID = FastStatement.optionalInt64(row, 5)
            episodes[at] = Episode(
                id: FastStatement.int64(row, 1), text: FastStatement.optionalText(row, 2) ?? "",
                speaker: try FastStatement.optionalInt64(row, 3).flatMap { try cache.entityName($0, in: db) },
                at: Timestamp(microseconds: FastStatement.int64(row, 4)), sceneID: sceneID,
                sceneTitle: try sceneID.flatMap { try cache.sceneTitle($0, in: db) }, ref: FastStatement.optionalText(row, 6),
                importance: FastStatement.double(row, 7), entities: [], times: [],
                recordedAt: Timestamp(microseconds: FastStatement.int64(row, 8)))
        }

        // An episode's links come together, by entity: an entity linked in
        // several roles is one run of rows, speaker among them or not.
        var named: [(speaker: Bool, name: String, id: Int64)] = []
        var current: Int?
        func finish() {
            guard let at = current, !named.isEmpty else { return }
            named.sort { a, b in a.speaker != b.speaker ? a.speaker : NameOrder.precedes((a.name, a.id), (b.name, b.id)) }
            episodes[at]?.entities = named.map(\.name)
            named.removeAll(keepingCapacity: true)
        }
        try forEachRow(
            """
            SELECT j.key, ee.entity_id, ee.role = 'speaker'
            FROM json_each(?) j CROSS JOIN episode_entity ee ON ee.episode_id = j.value
            ORDER BY j.key, ee.entity_id
            """, ids: list, count: ids.count
        ) { row, at in
            if at != current {
                finish()
                current = at
            }
            let id = FastStatement.int64(row, 1)
            let speaker = FastStatement.int64(row, 2) != 0
            if let last = named.last, last.id == id {
                if speaker { named[named.count - 1].speaker = true }
            } else if let name = try cache.entityName(id, in: db) {
                named.append((speaker, name, id))
            }
        }
        finish()

        try forEachRow(
            """
            SELECT j.key, t.text, t.from_time, t.to_time
            FROM json_each(?) j CROSS JOIN episode_time t ON t.episode_id = j.value
            ORDER BY j.key, t.position
            """, ids: list, count: ids.count
        ) { row, at in
            episodes[at]?.times.append(
                TimeMention(
                    text: FastStatement.optionalText(row, 1) ?? "",
                    range: TimeRange(from: Timestamp(microseconds: FastStatement.int64(row, 2)), to: Timestamp(microseconds: FastStatement.int64(row, 3)))))
        }
        return episodes
    }

    /// Episodes carrying a client `ref`, oldest first.
    public func episodes(ref: String) throws -> [Episode] {
        try Int64.fetchAll(db.cachedStatement(sql: "SELECT id FROM episode WHERE ref = ? ORDER BY id"), arguments: [ref]).compactMap { try episode(id: $0) }
    }
}

extension [Int64] {
    /// The episodes of these ids, in this order, read a chunk at a time with
    /// `episodes(inOrder:)` and each charged to the read's answer budget.
    func episodesInOrder(_ reader: ReadContext) throws -> [Episode] {
        var result: [Episode] = []
        result.reserveCapacity(count)
        try forEachEpisode(reader) { result.append($0) }
        return result
    }

    /// Calls `body` with the episodes of these ids, in this order, as each
    /// chunk of them is read, each charged to the read's answer budget.
    func forEachEpisode(_ reader: ReadContext, _ body: (Episode) throws -> Void) throws {
        try reader.forEachChunk(of: self) { chunk in
            for case let episode? in try reader.episodes(inOrder: chunk) {
                try reader.budget.charge(episode.answerBytes)
                try body(episode)
            }
        }
    }
}
