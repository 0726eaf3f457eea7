/// The statements that read facts a chunk at a time (`FactScan`, `history`),
/// public so that `mnemo-bench-query big-answers` can step the very same SQL
/// through SQLite alone beside the daemon's answer.
///
/// Parameters: `?1` a predicate id, `?2` the last fact id of the chunk
/// before (the scan); `?1` and `?2` the first and last fact id of a chunk
/// (the ranges), and `?3` its predicate's id (the roles); `?1` a fact id
/// (the statements of one fact), and `?2` its predicate's id (its roles).
public enum FactRowSQL {
    /// The fact's columns, then one role's (one row per filler), then the
    /// fact's details when they are read: `FactScan` reads them by number.
    static func columns(withDetails: Bool) -> String {
        """
        SELECT f.id, f.valid_from, f.valid_to, f.recorded_at, f.retracted_at, f.superseded_by,
               r.position, r.item, r.role, r.kind, r.value\(withDetails ? ", f.confidence, f.note, f.scene_id, f.origin" : "")

        """
    }

    /// Every fact of predicate `?1` with an id above `?2`, in id order,
    /// without its roles: a chunk of them is read, then their roles beside
    /// them (`rolesInRange`, `rolesOfFact`), rather than joining each fact to
    /// its roles, which repeats the fact's columns on every role's row and
    /// seeks the roles once per fact. Columns: the fact's times (0-5, as in
    /// `columns`), then with details its confidence, note, scene and origin (6-9).
    public static func predicateFacts(withDetails: Bool, includeRetracted: Bool) -> String {
        """
        SELECT f.id, f.valid_from, f.valid_to, f.recorded_at, f.retracted_at, f.superseded_by\(withDetails ? ", f.confidence, f.note, f.scene_id, f.origin" : "")
        FROM \(PredicateBlocks.factsOfPredicateAfter)
        WHERE \(PredicateBlocks.predicateIsAfter)\(includeRetracted ? "" : " AND f.retracted_at IS NULL")
        ORDER BY b.block, f.id
        """
    }

    /// The roles of predicate `?3`'s facts from `?1` to `?2`, by fact, a row
    /// per filler: for a chunk whose ids are dense in their range.
    public static let rolesInRange = """
        SELECT fact_id, position, item, role, kind, value FROM fact_role
        WHERE fact_id BETWEEN ?1 AND ?2 AND predicate_id = ?3 ORDER BY fact_id, position, item
        """
    /// The roles of fact `?1` (of predicate `?2`), a row per filler: for a chunk spread thin.
    public static let rolesOfFact = """
        SELECT fact_id, position, item, role, kind, value FROM fact_role WHERE fact_id = ?1 AND predicate_id = ?2 ORDER BY position, item
        """

    /// Fact `?1`, a row per role (the ids a bound filler gave).
    public static func fact(withDetails: Bool) -> String {
        columns(withDetails: withDetails) + "FROM fact f JOIN fact_role r ON r.fact_id = f.id WHERE f.id = ?1 ORDER BY r.position, r.item"
    }

    /// The source episodes of the facts from `?1` to `?2`, by fact: for a
    /// chunk whose ids are dense in their range.
    public static let sourcesInRange = "SELECT fact_id, episode_id FROM fact_source WHERE fact_id BETWEEN ?1 AND ?2 ORDER BY fact_id, episode_id"
    /// The source episodes of fact `?1`: for a chunk spread thin.
    public static let sourcesOfFact = "SELECT fact_id, episode_id FROM fact_source WHERE fact_id = ?1 ORDER BY episode_id"

    /// The earlier beliefs of the facts from `?1` to `?2`, by fact and
    /// recorded time: for a chunk whose ids are dense in their range.
    public static let beliefsInRange = """
        SELECT fact_id, valid_from, valid_to, recorded_at, retracted_at FROM fact_belief
        WHERE fact_id BETWEEN ?1 AND ?2 ORDER BY fact_id, recorded_at
        """
    /// The earlier beliefs of fact `?1`, by recorded time: for a chunk spread thin.
    public static let beliefsOfFact = """
        SELECT fact_id, valid_from, valid_to, recorded_at, retracted_at FROM fact_belief WHERE fact_id = ?1 ORDER BY recorded_at
        """

    /// Whether a chunk of `count` facts from id `first` to `last` is read by
    /// range (one statement, rows of ids between skipped) rather than fact by
    /// fact: when `count` is more than a quarter of `last - first`.
    public static func readsByRange(first: Int64, last: Int64, count: Int) -> Bool {
        let (span, overflow) = last.subtractingReportingOverflow(first)
        return !overflow && span < 4 * Int64(count)
    }
}
