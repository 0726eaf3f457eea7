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
        var sql = "SELECT DISTINCT s.id FROM scene s"
        var arguments: StatementArguments = []
        var conditions: [String] = []
        if let entity {
            guard let id = try entityID(named: entity) else { return [] }
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
        var result: [Scene] = []
        try forEachChunk(of: ids) { chunk in
            let found = try scenes(ids: Array(chunk))
            for id in chunk {
                guard let scene = found[id] else { continue }
                try budget.charge(
                    300 + (scene.summary?.utf8.count ?? 0) + (scene.reflection?.utf8.count ?? 0) + scene.title.utf8.count
                        + scene.participants.reduce(0) { $0 + $1.utf8.count + 4 })
                result.append(scene)
            }
        }
        return result
    }

    /// Scenes by id, read in two statements however many there are. Ids that
    /// do not exist are left out.
    public func scenes(ids: [Int64]) throws -> [Int64: Scene] {
        guard !ids.isEmpty else { return [:] }
        let list = Self.jsonList(ids)
        var found: [Int64: Scene] = [:]
        for row in try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT s.id, s.title, s.opened_at, s.closed_at, p.name, s.summary, s.automatic, s.reflection FROM scene s
                    LEFT JOIN entity p ON p.id = s.place_id WHERE s.id IN (SELECT value FROM json_each(?))
                    """), arguments: [list])
        {
            var scene = Scene(
                id: row[0], title: row[1], span: TimeRange(from: Timestamp(microseconds: row[2]), to: Timestamp(databaseMicroseconds: row[3])),
                place: row[4], participants: [], summary: row[5], automatic: row[6])
            scene.reflection = row[7]
            found[scene.id] = scene
        }
        for row in try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT m.scene_id, m.role, n.name FROM scene_member m JOIN entity n ON n.id = m.entity_id
                    WHERE m.scene_id IN (SELECT value FROM json_each(?)) AND m.role IN ('participant', 'place')
                    ORDER BY m.scene_id, n.name
                    """), arguments: [list])
        {
            let id: Int64 = row[0]
            if (row[1] as String) == "participant" { found[id]?.participants.append(row[2]) } else { found[id]?.places.append(row[2]) }
        }
        return found
    }

    /// The episodes of a scene in time order, the first `limit` of them.
    public func episodes(inScene id: Int64, limit: Int = .max) throws -> [Episode] {
        try Int64.fetchAll(
            db.cachedStatement(sql: "SELECT id FROM episode WHERE scene_id = ? ORDER BY at, id LIMIT ?"),
            arguments: [id, Self.sqlLimit(limit)]
        ).episodesInOrder(self)
    }

    /// How many episodes a scene holds.
    public func episodeCount(inScene id: Int64) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM episode WHERE scene_id = ?"), arguments: [id]) ?? 0
    }
}
