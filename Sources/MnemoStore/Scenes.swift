import GRDB
import MnemoModel

extension WriteContext {
    /// Opens a scene. A scene of the same title that is still open is a conflict.
    public func openScene(
        _ title: String, at: Timestamp? = nil, participants: [String] = [], place: String? = nil,
        automatic: Bool = false
    ) throws -> Int64 {
        let norm = Name.normalize(title)
        guard !norm.isEmpty else { throw MnemoError(.invalid, "a scene needs a title") }
        if let open = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM scene WHERE norm = ? AND closed_at IS NULL"), arguments: [norm]) {
            throw MnemoError(.conflict, "scene \"\(Name.display(title))\" is already open (s:\(open)); close it first")
        }
        let placeID = try place.map { try entityID(named: $0, kind: "place") }
        try db.cachedStatement(sql: "INSERT INTO scene(title, norm, opened_at, place_id, automatic, created_at) VALUES (?, ?, ?, ?, ?, ?)").execute(
            arguments: [Name.display(title), norm, (at ?? now).microseconds, placeID, automatic, now.microseconds])
        let id = db.lastInsertedRowID
        cache.setSceneTitle(id, Name.display(title))
        for name in participants { try addParticipant(name, to: id) }
        if let placeID {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO scene_member(scene_id, entity_id, role) VALUES (?, ?, 'place')").execute(arguments: [
                id, placeID,
            ])
        }
        return id
    }

    /// `base` if no scene has that title yet, else `base #n` with the
    /// smallest `n` from 2 that no scene has: the title of a scene the daemon
    /// opens by itself (segmentation), which must never collide with one a
    /// client or an earlier segmentation chose.
    public func uniqueSceneTitle(_ base: String) throws -> String {
        let display = Name.display(base)
        let norm = Name.normalize(display)
        // Every title that starts with the base, through the index on `norm`.
        let taken = try String.fetchAll(
            db.cachedStatement(sql: "SELECT norm FROM scene WHERE norm >= ? AND norm < ?"),
            arguments: [norm, norm + "\u{10FFFF}"])
        guard taken.contains(norm) else { return display }
        let used = Set(taken.compactMap { $0.hasPrefix(norm + " #") ? Int($0.dropFirst(norm.count + 2)) : nil })
        var n = 2
        while used.contains(n) { n += 1 }
        return "\(display) #\(n)"
    }

    /// Closes the open scene of that title.
    @discardableResult
    public func closeScene(_ title: String, at: Timestamp? = nil) throws -> Int64 {
        let norm = Name.normalize(title)
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT id, opened_at FROM scene WHERE norm = ? AND closed_at IS NULL ORDER BY id DESC LIMIT 1"),
                arguments: [norm])
        else {
            throw MnemoError(.notFound, "no open scene \"\(Name.display(title))\"")
        }
        let id: Int64 = row[0]
        let end = at ?? now
        let lastEpisode = try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(at) FROM episode WHERE scene_id = ?"), arguments: [id])
        let opened = Timestamp(microseconds: row[1])
        guard end > opened else {
            throw MnemoError(.invalid, "scene \"\(Name.display(title))\" opened at \(opened.iso8601); it cannot close at or before that")
        }
        if let lastEpisode, end.microseconds <= lastEpisode {
            throw MnemoError(
                .invalid, "scene \"\(Name.display(title))\" has an episode at \(Timestamp(microseconds: lastEpisode).iso8601); it cannot close before that")
        }
        try closeScene(id: id, at: end)
        return id
    }

    /// Makes an entity a participant of a scene.
    public func addParticipant(_ name: String, to sceneID: Int64) throws {
        let entity = try entityID(named: name)
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO scene_member(scene_id, entity_id, role) VALUES (?, ?, 'participant')").execute(
            arguments: [sceneID, entity])
    }

    /// The latest scene of that title, opened at `at` if there is none yet.
    public func sceneID(titled title: String, at: Timestamp) throws -> Int64 {
        if let id = try reader.latestScene(titled: title) { return id }
        return try openScene(title, at: at)
    }

    /// A scene's title, as stored (titles never change once written).
    func sceneTitle(_ id: Int64) throws -> String {
        if let title = cache.sceneTitle(id) { return title }
        guard let title = try String.fetchOne(db.cachedStatement(sql: "SELECT title FROM scene WHERE id = ?"), arguments: [id]) else {
            throw MnemoError(.notFound, "s:\(id) does not exist")
        }
        cache.setSceneTitle(id, title)
        return title
    }

    /// Widens a scene's span so that it covers `t`. A scene that covers it
    /// already is left alone: an update, even to the same values, rewrites
    /// the scene's entries in both of its indexes (two pages of every
    /// `remember` in an ongoing scene).
    func extendScene(_ id: Int64, toCover t: Timestamp) throws {
        try db.cachedStatement(
            sql: """
                UPDATE scene SET opened_at = MIN(opened_at, ?1),
                    closed_at = CASE WHEN closed_at IS NOT NULL AND closed_at <= ?1 THEN ?1 + 1 ELSE closed_at END
                WHERE id = ?2 AND (opened_at > ?1 OR (closed_at IS NOT NULL AND closed_at <= ?1))
                """
        ).execute(arguments: [t.microseconds, id])
    }
}

extension ReadContext {
    func latestScene(titled title: String) throws -> Int64? {
        try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT id FROM scene WHERE norm = ? ORDER BY opened_at DESC, id DESC LIMIT 1"),
            arguments: [Name.normalize(title)])
    }

    /// A scene by id, with its participants and place.
    public func scene(id: Int64) throws -> Scene? {
        try scenes(ids: [id])[id]
    }

    /// The latest scene of that title.
    public func scene(titled title: String) throws -> Scene? {
        try latestScene(titled: title).flatMap { try scene(id: $0) }
    }

    /// Scenes an entity took part in whose span overlaps `during`, oldest first.
    public func scenes(with entity: String? = nil, during: TimeRange = .always, limit: Int = .max) throws -> [Scene] {
        var result: [Scene] = []
        try scenes(with: entity, during: during, limit: limit) { result.append($0) }
        return result
    }

    /// Calls `body` with each scene `scenes(with:during:limit:)` answers, in
    /// its order, as each chunk of them is read, each charged to the read's
    /// answer budget.
    public func scenes(with entity: String? = nil, during: TimeRange = .always, limit: Int = .max, _ body: (Scene) throws -> Void) throws {
        var sql = "SELECT DISTINCT s.id FROM scene s"
        var arguments: StatementArguments = []
        var conditions: [String] = []
        if let entity {
            guard let id = try entityID(named: entity) else { return }
            sql += " JOIN scene_member m ON m.scene_id = s.id"
            conditions.append("m.entity_id = ?")
            _ = arguments.append(contentsOf: [id])
        }
        if let to = during.to {
            conditions.append("s.opened_at < ?")
            _ = arguments.append(contentsOf: [to.microseconds])
        }
        if let from = during.from {
            conditions.append("(s.closed_at IS NULL OR s.closed_at > ?)")
            _ = arguments.append(contentsOf: [from.microseconds])
        }
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY s.opened_at, s.id LIMIT ?"
        _ = arguments.append(contentsOf: [Self.sqlLimit(limit)])
        let ids = try Int64.fetchAll(db, sql: sql, arguments: arguments)
        try forEachChunk(of: ids) { chunk in
            for case let scene? in try scenes(inOrder: chunk) {
                try budget.charge(
                    300 + (scene.summary?.utf8.count ?? 0) + (scene.reflection?.utf8.count ?? 0) + scene.title.utf8.count
                        + scene.participants.reduce(0) { $0 + $1.utf8.count + 4 })
                try body(scene)
            }
        }
    }

    /// Scenes by id, read in two statements however many there are. Ids that
    /// do not exist are left out.
    public func scenes(ids: [Int64]) throws -> [Int64: Scene] {
        var found: [Int64: Scene] = [:]
        for case let scene? in try scenes(inOrder: ids) { found[scene.id] = scene }
        return found
    }

    /// The scenes of `ids`, each at its id's place (`nil` where there is no
    /// such scene), read in two statements however many there are, stepped
    /// through SQLite's C API as `episodes(inOrder:)` reads episodes: the
    /// scenes, then their members. Names come from the read's `ReadCache`.
    /// A scene's participants and places are each by name (`NameOrder`).
    func scenes(inOrder ids: some Collection<Int64>) throws -> [Scene?] {
        guard !ids.isEmpty else { return [] }
        let list = Self.jsonList(ids)
        var scenes = [Scene?](repeating: nil, count: ids.count)
        try forEachRow(
            """
            SELECT j.key, s.id, s.title, s.opened_at, s.closed_at, s.place_id, s.summary, s.automatic, s.reflection
            FROM json_each(?) j CROSS JOIN scene s ON s.id = j.value
            """, ids: list, count: ids.count
        ) { row, at in
            var scene = Scene(
                id: FastStatement.int64(row, 1), title: FastStatement.optionalText(row, 2) ?? "",
                span: TimeRange(
                    from: Timestamp(microseconds: FastStatement.int64(row, 3)),
                    to: Timestamp(databaseMicroseconds: FastStatement.optionalInt64(row, 4))),
                place: try FastStatement.optionalInt64(row, 5).flatMap { try cache.entityName($0, in: db) }, participants: [],
                summary: FastStatement.optionalText(row, 6), automatic: FastStatement.int64(row, 7) != 0)
            scene.reflection = FastStatement.optionalText(row, 8)
            scenes[at] = scene
        }
        // Participants at 2 × place, places at the next.
        var named: [[(name: String, id: Int64)]] = Array(repeating: [], count: 2 * ids.count)
        try forEachRow(
            """
            SELECT j.key, m.role = 'participant', m.entity_id
            FROM json_each(?) j CROSS JOIN scene_member m ON m.scene_id = j.value WHERE m.role IN ('participant', 'place')
            """, ids: list, count: ids.count
        ) { row, at in
            guard let name = try cache.entityName(FastStatement.int64(row, 2), in: db) else { return }
            named[2 * at + (FastStatement.int64(row, 1) != 0 ? 0 : 1)].append((name, FastStatement.int64(row, 2)))
        }
        func byName(_ list: [(name: String, id: Int64)]) -> [String] { list.sorted(by: NameOrder.precedes).map(\.name) }
        for at in scenes.indices where scenes[at] != nil {
            if !named[2 * at].isEmpty { scenes[at]?.participants = byName(named[2 * at]) }
            if !named[2 * at + 1].isEmpty { scenes[at]?.places = byName(named[2 * at + 1]) }
        }
        return scenes
    }

    /// The episodes of a scene in time order, the first `limit` of them.
    public func episodes(inScene id: Int64, limit: Int = .max) throws -> [Episode] {
        var episodes: [Episode] = []
        try self.episodes(inScene: id, limit: limit) { episodes.append($0) }
        return episodes
    }

    /// Calls `body` with each of the first `limit` episodes of a scene, in
    /// time order, as they are read: not gathered first, so that an answer
    /// can be written straight from them.
    public func episodes(inScene id: Int64, limit: Int = .max, _ body: (Episode) throws -> Void) throws {
        try Int64.fetchAll(
            db.cachedStatement(sql: "SELECT id FROM episode WHERE scene_id = ? ORDER BY at, id LIMIT ?"),
            arguments: [id, Self.sqlLimit(limit)]
        ).forEachEpisode(self, body)
    }

    /// How many episodes a scene holds.
    public func episodeCount(inScene id: Int64) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM episode WHERE scene_id = ?"), arguments: [id]) ?? 0
    }
}
