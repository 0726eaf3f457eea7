/// The SQL that reads the rows of an answer from a space's file, for
/// `SQLiteRowReader` (Schemas/*.sql hold the tables), where the daemon's
/// own statements are not used (`match` and `history` with no bound filler
/// are read with them: `SQLiteRowReader.readFacts`). The first column of
/// each statement is the id of the answer row, and the rows of one answer
/// row come together; every other column is what that answer row shows or
/// needs to decide that it belongs (a fact's intervals, whether it is
/// retracted).
///
/// Each statement picks its answer rows in a subquery with their order and
/// limit, then joins what each of them is made of. The reads are those a
/// row needs and no more: a fact's row, its roles with their entities' names
/// (and, for `history` and `timeline`, which show them, its earlier beliefs
/// and its sources); an episode's row, its scene's title, its entities with
/// their names and its time expressions; a scene's row, its place's name and
/// its members with theirs; a persona attribute or an insight with its
/// support.
enum RowSQL {
    private static let factColumns = "f.id, f.valid_from, f.valid_to, f.recorded_at, f.retracted_at, f.confidence"
    private static let roles = """
        JOIN fact_role r ON r.fact_id = f.id
        LEFT JOIN entity e ON r.kind = 0 AND e.id = r.value
        """
    private static let roleColumns = "r.position, r.item, r.role, r.kind, r.value, e.name"
    private static let sources = "(SELECT group_concat(s.episode_id) FROM fact_source s WHERE s.fact_id = f.id) AS sources"

    /// The first `limit` believed facts of a predicate whose role at
    /// `position` is the entity `entity`, found through the filler index, by
    /// id, with their roles (`match P(?x, role: NAME)`).
    static func facts(of predicate: Int64, entity: Int64, position: Int64, limit: Int) -> String {
        """
        SELECT \(factColumns), \(roleColumns)
        FROM (SELECT \(factColumns) FROM fact_filler x JOIN fact f ON f.id = x.fact_id
              WHERE x.value = \(entity) AND x.kind = 0 AND x.predicate_id = \(predicate) AND x.position = \(position) AND f.retracted_at IS NULL
              ORDER BY x.fact_id LIMIT \(limit)) f
        \(roles)
        """
    }

    /// The believed facts in which `entity` fills a role (at `position`, or
    /// any), with their roles and sources: by time (`timeline`) or by id.
    static func facts(naming entity: Int64, position: Int64?, orderedByTime: Bool, limit: Int) -> String {
        let at = position.map { " AND x.position = \($0)" } ?? ""
        let order = orderedByTime ? "coalesce(f.valid_from, f.recorded_at), f.id" : "f.id"
        return """
            SELECT \(factColumns), f.note, f.scene_id, f.superseded_by, f.sources, \(roleColumns)
            FROM (SELECT DISTINCT \(factColumns), f.note, f.scene_id, f.superseded_by, \(sources)
                  FROM fact_filler x JOIN fact f ON f.id = x.fact_id
                  WHERE x.value = \(entity) AND x.kind = 0\(at) AND f.retracted_at IS NULL
                  ORDER BY \(order) LIMIT \(limit)) f
            \(roles)
            """
    }

    /// The first `limit` episodes that meet `condition`, by time, with their
    /// scene's title, their entities and their time expressions.
    static func episodes(where condition: String, limit: Int) -> String {
        """
        SELECT ep.id, ep.text, ep.at, ep.ref, ep.importance, ep.recorded_at, ep.scene_id, sc.title, m.role, n.name,
               t.position, t.text, t.from_time, t.to_time
        FROM (SELECT id, text, at, ref, importance, recorded_at, scene_id FROM episode WHERE \(condition) ORDER BY at, id LIMIT \(limit)) ep
        LEFT JOIN scene sc ON sc.id = ep.scene_id
        JOIN episode_entity m ON m.episode_id = ep.id
        JOIN entity n ON n.id = m.entity_id
        LEFT JOIN episode_time t ON t.episode_id = ep.id
        """
    }

    /// The first `limit` scenes that meet `condition`, oldest first, with
    /// their place and members; with `countingEpisodes`, how many episodes
    /// each holds too (the line of `scene NAME` says so).
    static func scenes(where condition: String, limit: Int, countingEpisodes: Bool = false) -> String {
        let count = countingEpisodes ? ", (SELECT count(*) FROM episode WHERE scene_id = scene.id) AS episodes" : ""
        return """
            SELECT sc.*, p.name, m.role, n.name
            FROM (SELECT id, title, opened_at, closed_at, summary, reflection, automatic, place_id\(count) FROM scene WHERE \(condition)
                  ORDER BY opened_at, id LIMIT \(limit)) sc
            LEFT JOIN entity p ON p.id = sc.place_id
            LEFT JOIN scene_member m ON m.scene_id = sc.id
            LEFT JOIN entity n ON n.id = m.entity_id
            """
    }

    /// The current stored persona attributes of `entity`, pinned first, with
    /// their support.
    static func personaAttributes(of entity: Int64, limit: Int) -> String {
        """
        SELECT p.id, p.name, p.value, p.pinned, p.category, p.valid_from, p.valid_to, p.confidence, p.first_seen, p.last_seen,
               p.recorded_at, s.item_kind, s.item_id
        FROM (SELECT * FROM persona_attribute WHERE entity_id = \(entity) AND retracted_at IS NULL ORDER BY pinned DESC, id LIMIT \(limit)) p
        LEFT JOIN support s ON s.owner_kind = 'p' AND s.owner_id = p.id
        """
    }

    /// The newest `limit` insights that meet `condition`, with their
    /// subject's name and their support.
    static func insights(where condition: String, limit: Int) -> String {
        """
        SELECT i.id, i.kind, i.text, i.data, i.key, i.created_at, n.name, s.item_kind, s.item_id
        FROM (SELECT id, kind, text, data, key, created_at, subject_id FROM insight WHERE \(condition)
              ORDER BY created_at DESC, id DESC LIMIT \(limit)) i
        LEFT JOIN entity n ON n.id = i.subject_id
        LEFT JOIN support s ON s.owner_kind = 'i' AND s.owner_id = i.id
        """
    }
}
