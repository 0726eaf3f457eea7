import MnemoModel

/// What the memory believed at a recorded time `K`, as it differs from what
/// it believes now: what `recall … known as of K` needs beside recall's
/// graph, which holds the current beliefs. Read by `ReadContext.beliefs(at:)`.
///
/// A fact is believed at `K` when one of its beliefs — the current `fact`
/// row or a `fact_belief` row — has a recorded interval `[recorded_at,
/// retracted_at)` containing `K`, and then with the valid interval that
/// belief had (`match … known as of` reads it the same way). Everything
/// else counts from the moment it was recorded: an episode from its
/// `recorded_at`, an entity, scene or insight from its `created_at`, a
/// persona attribute over `[recorded_at, retracted_at)`.
package struct BeliefsAt: Sendable {
    /// Things the memory did not hold at `K`: facts none of whose beliefs
    /// was held then, and episodes, entities, scenes, persona attributes
    /// and insights recorded after it.
    package var unknown: [NodeID] = []
    /// Facts and persona attributes retracted since `K`: believed then, as
    /// they stand now.
    package var retractedSince: [NodeID] = []
    /// Facts believed at `K` with an earlier belief than the current one (a
    /// supersession or a late correction recorded since changed their valid
    /// interval): the valid interval believed then. They may have been
    /// retracted since, too.
    package var earlier: [(fact: Int64, valid: TimeRange)] = []
}

extension ReadContext {
    /// What the memory believed at recorded time `t`, as it differs from now
    /// (`BeliefsAt`). Reads every table of things once (no index orders
    /// them by recorded time): a recall `known as of` costs a scan of the
    /// space, which a recall of today's beliefs never pays.
    package func beliefs(at t: Timestamp) throws -> BeliefsAt {
        var beliefs = BeliefsAt()
        // A fact recorded after t is known then only through an earlier belief.
        let facts = try FastStatement(
            db,
            """
            SELECT f.id, f.recorded_at > ?1, b.recorded_at IS NOT NULL, b.valid_from, b.valid_to
            FROM fact f LEFT JOIN fact_belief b ON b.fact_id = f.id AND b.recorded_at <= ?1 AND ?1 < b.retracted_at
            WHERE f.recorded_at > ?1 OR f.retracted_at > ?1
            """)
        facts.bind(1, t.microseconds)
        try facts.forEachRow { row in
            let id = FastStatement.int64(row, 0)
            if FastStatement.int64(row, 1) == 0 {
                beliefs.retractedSince.append(NodeID(.fact, id))
            } else if FastStatement.int64(row, 2) != 0 {
                let valid = TimeRange(
                    from: FastStatement.optionalInt64(row, 3).map(Timestamp.init(microseconds:)),
                    to: FastStatement.optionalInt64(row, 4).map(Timestamp.init(microseconds:)))
                beliefs.earlier.append((id, valid))
            } else {
                beliefs.unknown.append(NodeID(.fact, id))
            }
        }
        try cancellation.check()
        for (kind, sql) in Self.recordedAfter {
            let statement = try FastStatement(db, sql)
            statement.bind(1, t.microseconds)
            try statement.forEachRow { row in beliefs.unknown.append(NodeID(kind, FastStatement.int64(row, 0))) }
            try cancellation.check()
        }
        let retracted = try FastStatement(
            db, "SELECT id FROM persona_attribute WHERE recorded_at <= ?1 AND retracted_at > ?1")
        retracted.bind(1, t.microseconds)
        try retracted.forEachRow { row in beliefs.retractedSince.append(NodeID(.persona, FastStatement.int64(row, 0))) }
        return beliefs
    }

    /// The things of each kind but facts recorded after `?1`.
    private static let recordedAfter: [(NodeKind, String)] = [
        (.episode, "SELECT id FROM episode WHERE recorded_at > ?1"),
        (.entity, "SELECT id FROM entity WHERE created_at > ?1"),
        (.scene, "SELECT id FROM scene WHERE created_at > ?1"),
        (.persona, "SELECT id FROM persona_attribute WHERE recorded_at > ?1"),
        (.insight, "SELECT id FROM insight WHERE created_at > ?1"),
    ]
}
