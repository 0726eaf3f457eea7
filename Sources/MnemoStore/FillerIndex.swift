import GRDB

/// The filler index: for each role filler, the facts it fills a role of.
///
/// It lives in two tables with one key (schema version 5 says why):
/// `fact_filler_recent`, which takes every new entry and stays small, and
/// `fact_filler_settled`, which holds the rest. Reads go through the view
/// `fact_filler`, which is both. A batch of random fillers then dirties a few
/// hundred pages of the recent table instead of a page of the whole index per
/// entry; every so often the writer moves the recent entries over in key
/// order, which writes each settled page it touches once.
///
/// When to move them trades two costs: a larger recent table has more pages
/// for each batch to dirty, a smaller one is moved more often, and every move
/// rewrites pages all over the settled table. For a settled table of `n`
/// entries and batches of about 2,000, both are about equal when the recent
/// table holds √(4096·n) entries, so that is the limit (at least 16,384).
/// `StoreOptions.recentFillerLimit` fixes it instead.
extension WriteContext {
    /// Adds the index entry of one filler of a fact just inserted in `fact_role`.
    func indexFiller(_ filler: StoredFiller, predicateID: Int64, position: Int, factID: Int64, item: Int64) throws {
        let statement = try hot.statement(
            .insertFiller, db,
            """
            INSERT INTO fact_filler_recent(kind, value, predicate_id, position, fact_id, item) VALUES (?, ?, ?, ?, ?, ?)
            """)
        statement.bind(1, filler.kind.rawValue)
        statement.bind(2, filler)
        statement.bind(3, predicateID)
        statement.bind(4, Int64(position))
        statement.bind(5, factID)
        statement.bind(6, item)
        try statement.run()
    }

    /// Whether the recent entries are due to move to the settled table (see
    /// the type's comment); `limit` overrides the adaptive limit.
    /// `MemoryStore.write` moves them after the write that made them due.
    func fillersDue(limit: Int?) throws -> Bool {
        let counts = try cache.fillerCounts(
            countSettled: { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM fact_filler_settled") ?? 0 },
            countRecent: { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM fact_filler_recent") ?? 0 })
        return counts.recent >= limit ?? max(16_384, Int((4096 * Double(counts.settled)).squareRoot()))
    }

    /// Moves every recent entry to the settled table, in key order. An entry
    /// already settled (which nothing should leave behind) is kept once.
    public func settleFillers() throws {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO fact_filler_settled(kind, value, predicate_id, position, fact_id, item)
                    SELECT kind, value, predicate_id, position, fact_id, item FROM fact_filler_recent
                """)
        let moved = db.changesCount
        try db.execute(sql: "DELETE FROM fact_filler_recent")
        cache.fillersSettled(moved)
    }

    /// Indexes these facts again where they are not: their roles in the filler
    /// index and their blocks in `fact_predicate_block` (schema version 6).
    /// For an undo, whose changesets put rows back without `assert`. (Rows it
    /// deletes leave the filler index by trigger.)
    public func reindexFacts(_ factIDs: [Int64]) throws {
        let blocks = try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO fact_predicate_block(predicate_id, block) SELECT predicate_id, id >> \(PredicateBlocks.shift) FROM fact WHERE id = ?
                """)
        for id in factIDs { try blocks.execute(arguments: [id]) }
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO fact_filler_recent(kind, value, predicate_id, position, fact_id, item)
                SELECT r.kind, r.value, r.predicate_id, r.position, r.fact_id, r.item FROM fact_role r
                WHERE r.fact_id = ? AND NOT EXISTS (
                    SELECT 1 FROM fact_filler x WHERE x.kind = r.kind AND x.value = r.value
                    AND x.predicate_id = r.predicate_id AND x.position = r.position AND x.fact_id = r.fact_id AND x.item = r.item)
                """)
        var added = 0
        for id in factIDs {
            try statement.execute(arguments: [id])
            added += db.changesCount
        }
        cache.addRecentFillers(added)
    }

    /// Lists the block of a fact just inserted under its predicate, unless the
    /// writer knows it is listed.
    func listPredicateBlock(of factID: Int64, predicateID: Int64) throws {
        let block = factID >> PredicateBlocks.shift
        if cache.isListed(block, of: predicateID) { return }
        let insert = try hot.statement(.listBlock, db, "INSERT OR IGNORE INTO fact_predicate_block(predicate_id, block) VALUES (?, ?)")
        insert.bind(1, predicateID)
        insert.bind(2, block)
        try insert.run()
        cache.noteListed(block, of: predicateID)
    }
}

/// The facts of a predicate through `fact_predicate_block` (schema version 6).
public enum PredicateBlocks {
    /// Fact ids per block: 2^7. Larger blocks list fewer rows, but a predicate
    /// whose facts are spread thinly over all ids has a block listed almost
    /// everywhere, and each listed block is read whole.
    static let shift: Int64 = 7
    /// The last id of a block, past its first (the upper bound is written
    /// from the block's first id: `(block + 1) << shift` would wrap for the
    /// last block of all).
    static let blockLast: Int64 = (1 << shift) - 1

    /// `FROM` and `WHERE` text for "the facts `f` of predicate `?1`": the
    /// blocks first (CROSS JOIN keeps SQLite from starting with a scan of
    /// `fact`), then each block's id range.
    public static let factsOfPredicate = """
        fact_predicate_block b CROSS JOIN fact f ON f.id >= b.block << \(shift) AND f.id <= (b.block << \(shift)) + \(blockLast)
        """
    /// The conditions that go with `factsOfPredicate`, for predicate `?1`.
    public static let predicateIs = "b.predicate_id = ?1 AND f.predicate_id = ?1"

    /// `factsOfPredicate` for the facts with an id above `?2` only, in
    /// blocks from `?2`'s on: each block's range starts at the larger of its
    /// first id and `?2 + 1` in one bound. (Given as two bounds, `f.id >= b.block << 7`
    /// and `f.id > ?2`, SQLite seeks with the second alone in every block and
    /// steps through the blocks before it again, rejecting their rows one by
    /// one: a chunk of 256 facts stepped about twice as many.)
    public static let factsOfPredicateAfter = """
        fact_predicate_block b CROSS JOIN fact f ON f.id > max(?2, (b.block << \(shift)) - 1) AND f.id <= (b.block << \(shift)) + \(blockLast)
        """
    /// The conditions that go with `factsOfPredicateAfter`, for predicate `?1`.
    public static let predicateIsAfter = "\(predicateIs) AND b.block >= ?2 >> \(shift)"
}
