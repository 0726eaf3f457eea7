import GRDB
import GRDBSQLite
import MnemoModel

/// Reads the facts of one predicate in id order, a chunk at a time, each fact
/// with its roles from one statement.
///
/// A fact is a row of `fact` and a row of `fact_role` per filler; reading
/// them with a statement each per fact costs far more than SQLite's own work.
/// A scan joins the two and steps the rows through SQLite's C API:
///
/// - every fact of the predicate (no bound filler): one statement over the
///   predicate's blocks (`PredicateBlocks`), resumed after the last fact of
///   the previous chunk, so a chunk costs one statement however large;
/// - the facts a bound filler fills a role of: their ids from the filler
///   index first, then one statement per fact.
///
/// Entity names are read once per distinct id (`ReadCache`), role names kept
/// once per position, and the scan stops reading as soon as its caller stops
/// asking, so `limit 10` of a million facts reads a chunk, not a million.
struct FactScan {
    /// What every fact read needs besides its roles.
    struct Options {
        /// Include retracted facts (history, `known as of`).
        var includeRetracted = false
        /// Read each fact's source episodes too.
        var withSources = false
        /// Read its confidence, note, origin and scene; without them a fact
        /// has confidence 1, origin `user` and neither note nor scene.
        var withDetails = true
    }

    private enum Candidates {
        /// Every fact of the predicate with an id above `after`.
        case predicate(after: Int64)
        /// These ids, from the filler index; the next is at `next`.
        case listed([Int64], next: Int)
    }

    private let reader: ReadContext
    private let predicateID: Int64
    private let predicateName: String
    private let options: Options
    private var candidates: Candidates
    private var roles = RoleDecoder()

    /// Facts per chunk: enough that a statement's set-up is spread thin,
    /// few enough that a small `limit` reads little.
    static let chunk = 256

    /// A scan of `pattern`'s predicate, seeded by the first bound filler in
    /// `constraints` when there is one.
    init(reader: ReadContext, predicate: ReadCache.Predicate, constraints: [ReadContext.Constraint], options: Options) throws {
        self.reader = reader
        self.predicateID = predicate.id
        self.predicateName = predicate.name
        self.options = options
        if let seed = constraints.first(where: { $0.filler != nil }), let filler = seed.filler {
            // The filler index knows positions; a role name is checked in fact_role.
            let sql =
                seed.position != nil
                ? """
                SELECT DISTINCT fact_id FROM fact_filler WHERE kind = ? AND value = ? AND predicate_id = ? AND position = ?
                ORDER BY fact_id
                """
                : """
                SELECT DISTINCT x.fact_id FROM fact_filler x
                JOIN fact_role r ON r.fact_id = x.fact_id AND r.position = x.position AND r.item = x.item
                WHERE x.kind = ? AND x.value = ? AND x.predicate_id = ? AND r.role = ?
                ORDER BY x.fact_id
                """
            let statement = try FastStatement(reader.db, sql)
            statement.bind(1, filler.kind.rawValue)
            statement.bind(2, filler)
            statement.bind(3, predicate.id)
            if let position = seed.position { statement.bind(4, Int64(position)) } else { statement.bind(4, seed.role) }
            var ids: [Int64] = []
            try statement.forEachRow { row in ids.append(FastStatement.int64(row, 0)) }
            candidates = .listed(ids, next: 0)
        } else {
            candidates = .predicate(after: .min)
        }
    }

    /// The next chunk of facts, in id order; empty only when there are no more.
    /// Sources are read only with `Options.withSources`.
    mutating func next() throws -> [Fact] {
        try reader.cancellation.check()
        var facts: [Fact] = []
        switch candidates {
        case .predicate(let after):
            let statement = try FastStatement(
                reader.db, FactRowSQL.predicateScan(withDetails: options.withDetails, includeRetracted: options.includeRetracted))
            statement.bind(1, predicateID)
            statement.bind(2, after)
            facts.reserveCapacity(Self.chunk)
            try read(statement, into: &facts, stoppingAfter: Self.chunk)
            candidates = .predicate(after: facts.last?.id ?? .max)
        case .listed(let ids, var next):
            // Until a fact is kept or the ids run out: a chunk whose facts were
            // all retracted is not the end.
            let statement = try FastStatement(reader.db, FactRowSQL.fact(withDetails: options.withDetails))
            while facts.isEmpty, next < ids.count {
                try reader.cancellation.check()
                let end = min(ids.count, next + Self.chunk)
                for id in ids[next..<end] {
                    statement.bind(1, id)
                    try read(statement, into: &facts, stoppingAfter: .max)
                    if !options.includeRetracted, !facts.isEmpty, facts[facts.count - 1].id == id, facts[facts.count - 1].recorded.to != nil {
                        facts.removeLast()
                    }
                }
                next = end
            }
            candidates = .listed(ids, next: next)
        }
        if options.withSources { try addSources(to: &facts) }
        return facts
    }

    // MARK: - Reading rows

    /// Steps `statement`, appending a fact per run of rows with one id; stops
    /// (leaving the rest unread) when a row begins fact number `limit + 1`.
    private mutating func read(_ statement: FastStatement, into facts: inout [Fact], stoppingAfter limit: Int) throws {
        var added = 0
        try statement.forEachRowWhile({ row in
            let id = FastStatement.int64(row, 0)
            if added == 0 || facts[facts.count - 1].id != id {
                if added > 0 { roles.finish(&facts[facts.count - 1]) }
                guard added < limit else { return false }
                // Room for as many roles as the fact before had.
                let count = facts.isEmpty ? 2 : facts[facts.count - 1].roleValues.count
                facts.append(fact(row, id: id))
                facts[facts.count - 1].roleValues.reserveCapacity(count)
                added += 1
            }
            try addRole(row, to: &facts[facts.count - 1])
            return true
        })
        // The last fact read, unless it was finished when the limit stopped the read.
        if added > 0, !roles.isFinished { roles.finish(&facts[facts.count - 1]) }
    }

    private func fact(_ row: OpaquePointer, id: Int64) -> Fact {
        let details = options.withDetails
        return Fact(
            id: id, predicate: predicateName, roleNames: [], roleValues: [],
            valid: TimeRange(
                from: Timestamp(databaseMicroseconds: FastStatement.optionalInt64(row, 1)),
                to: Timestamp(databaseMicroseconds: FastStatement.optionalInt64(row, 2))),
            recorded: TimeRange(
                from: Timestamp(microseconds: FastStatement.int64(row, 3)), to: Timestamp(databaseMicroseconds: FastStatement.optionalInt64(row, 4))),
            confidence: details ? sqlite3_column_double(row, 11) : 1, sources: [],
            note: details ? FastStatement.optionalText(row, 12) : nil,
            origin: details ? FastStatement.optionalText(row, 13) ?? "user" : "user",
            sceneID: details ? FastStatement.optionalInt64(row, 14) : nil,
            supersededBy: FastStatement.optionalInt64(row, 5))
    }

    private mutating func addRole(_ row: OpaquePointer, to fact: inout Fact) throws {
        try roles.add(row, at: 6, to: &fact, reader: reader)
    }

    /// Fills in the source episodes of `facts` (in id order).
    private func addSources(to facts: inout [Fact]) throws {
        try reader.forEachSource(of: facts.count, facts: { facts[$0].id }, { index, episode in facts[index].sources.append(episode) })
    }
}
