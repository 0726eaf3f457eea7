import GRDB
import MnemoModel

/// One row of `timeline`: an episode that mentions the entity, or a fact it fills a role of.
public enum TimelineItem: Sendable {
    case episode(Episode)
    case fact(Fact)
}

extension ReadContext {
    /// An entity's episodes and facts in time order, the first `limit` of
    /// them: episodes by when they happened, facts by when they became true
    /// (else when they were recorded), an episode before a fact of the same
    /// instant. An episode is in when it happened within `range`; a fact when
    /// its valid interval overlaps it (a fact of one instant, when that
    /// instant is in it). Retracted facts are left out.
    ///
    /// The order is decided on ids and times alone, read from the indexes;
    /// only the rows that make the answer are then read, a chunk at a time.
    public func timeline(of entityID: Int64, during range: TimeRange = .always, limit: Int) throws -> [TimelineItem] {
        var episodes: [(at: Int64, id: Int64)] = []
        let episodeRows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT DISTINCT e.id, e.at FROM episode_entity ee JOIN episode e ON e.id = ee.episode_id
                    WHERE ee.entity_id = ? AND e.at >= ? AND e.at < ? ORDER BY e.at, e.id LIMIT ?
                    """),
            arguments: [entityID, range.from?.microseconds ?? Int64.min, range.to?.microseconds ?? Int64.max, Self.sqlLimit(limit)])
        while let row = try episodeRows.next() { episodes.append((row[1], row[0])) }
        try cancellation.check()
        var facts: [(at: Int64, id: Int64)] = []
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT f.id, f.valid_from, f.valid_to, f.recorded_at FROM fact f WHERE f.retracted_at IS NULL
                    AND f.id IN (SELECT r.fact_id FROM fact_filler r WHERE r.kind = 0 AND r.value = ?)
                    ORDER BY COALESCE(f.valid_from, f.recorded_at), f.id
                    """), arguments: [entityID])
        var stepped = 0
        while facts.count < limit, let row = try rows.next() {
            stepped += 1
            if stepped % 4096 == 0 { try cancellation.check() }
            let recorded = Timestamp(microseconds: row[3])
            let from = Timestamp(databaseMicroseconds: row[1]) ?? recorded
            let span = TimeRange(from: from, to: Timestamp(databaseMicroseconds: row[2]))
            guard span.overlaps(range) || (span.from == span.to && range.contains(from)) else { continue }
            facts.append((from.microseconds, row[0]))
        }
        // Merge the two orders, an episode first on a tie, and keep the first `limit`.
        var order: [NodeID] = []
        order.reserveCapacity(min(limit, episodes.count + facts.count))
        var e = 0
        var f = 0
        while order.count < limit, e < episodes.count || f < facts.count {
            if f == facts.count || (e < episodes.count && episodes[e].at <= facts[f].at) {
                order.append(NodeID(.episode, episodes[e].id))
                e += 1
            } else {
                order.append(NodeID(.fact, facts[f].id))
                f += 1
            }
        }
        var items: [TimelineItem] = []
        items.reserveCapacity(order.count)
        try forEachChunk(of: order) { chunk in
            let readEpisodes = try self.episodes(ids: chunk.filter { $0.kind == .episode }.map(\.number))
            let readFacts = try self.facts(ids: chunk.filter { $0.kind == .fact }.map(\.number))
            for id in chunk {
                if id.kind == .episode, let episode = readEpisodes[id.number] {
                    try budget.charge(episode.answerBytes)
                    items.append(.episode(episode))
                } else if let fact = readFacts[id.number] {
                    try budget.charge(fact.answerBytes)
                    items.append(.fact(fact))
                }
            }
        }
        return items
    }
}
