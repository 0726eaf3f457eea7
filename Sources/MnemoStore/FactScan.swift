import GRDB
import GRDBSQLite
import MnemoModel

/// Reads the facts of one predicate in id order, a chunk at a time, each fact
/// with its roles.
///
/// A fact is a row of `fact` and a row of `fact_role` per filler; reading
/// them with a statement each per fact costs far more than SQLite's own work.
/// A scan steps the rows through SQLite's C API:
///
/// - every fact of the predicate (no bound filler): a chunk of facts from one
///   statement over the predicate's blocks (`PredicateBlocks`), resumed after
///   the last fact of the previous chunk, then the chunk's roles by id range
///   (or fact by fact when the chunk is spread thin), so a chunk costs two
///   statements however large;
/// - the facts a bound filler fills a role of: their ids from the filler
///   index first, then one statement per fact joining it to its roles.
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
        case .predicate(var after):
            // Until a fact is kept or the predicate's facts run out: a chunk
            // whose facts all lack roles (a store edited by hand) is not the end.
            let statement = try FastStatement(
                reader.db, FactRowSQL.predicateFacts(withDetails: options.withDetails, includeRetracted: options.includeRetracted))
            facts.reserveCapacity(Self.chunk)
            while facts.isEmpty, after != .max {
                try reader.cancellation.check()
                statement.bind(1, predicateID)
                statement.bind(2, after)
                try statement.forEachRowWhile { row in
                    facts.append(fact(row, id: FastStatement.int64(row, 0), details: 6))
                    return facts.count < Self.chunk
                }
                after = facts.last?.id ?? .max
                try addRoles(to: &facts)
            }
            candidates = .predicate(after: after)
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
                facts.append(fact(row, id: id, details: 11))
                facts[facts.count - 1].roleValues.reserveCapacity(count)
                added += 1
            }
            try addRole(row, to: &facts[facts.count - 1])
            return true
        })
        // The last fact read, unless it was finished when the limit stopped the read.
        if added > 0, !roles.isFinished { roles.finish(&facts[facts.count - 1]) }
    }

    /// The fact in `row`, its roles not read yet: its times in columns 1-5,
    /// its confidence, note, scene and origin from column `details` on
    /// (`FactRowSQL`) when they are read.
    private func fact(_ row: OpaquePointer, id: Int64, details: Int32) -> Fact {
        let withDetails = options.withDetails
        return Fact(
            id: id, predicate: predicateName, roleNames: [], roleValues: [],
            valid: TimeRange(
                from: Timestamp(databaseMicroseconds: FastStatement.optionalInt64(row, 1)),
                to: Timestamp(databaseMicroseconds: FastStatement.optionalInt64(row, 2))),
            recorded: TimeRange(
                from: Timestamp(microseconds: FastStatement.int64(row, 3)), to: Timestamp(databaseMicroseconds: FastStatement.optionalInt64(row, 4))),
            confidence: withDetails ? sqlite3_column_double(row, details) : 1, sources: [],
            note: withDetails ? FastStatement.optionalText(row, details + 1) : nil,
            origin: withDetails ? FastStatement.optionalText(row, details + 3) ?? "user" : "user",
            sceneID: withDetails ? FastStatement.optionalInt64(row, details + 2) : nil,
            supersededBy: FastStatement.optionalInt64(row, 5))
    }

    /// Reads the roles of `facts` (in id order), by range or fact by fact
    /// (`ReadContext.forEachRow(ofFacts:…)`). A fact without a role is left
    /// out, as the join of a fact to its roles leaves it out.
    private mutating func addRoles(to facts: inout [Fact]) throws {
        var finished = 0
        // The ids apart, and the fact being read by index: read through
        // `facts` from the closures, a fact is copied.
        let ids = facts.map { $0.id }
        var reading = -1
        try reader.forEachRow(
            ofFacts: ids.count, id: { ids[$0] }, inRange: FactRowSQL.rolesInRange, ofFact: FactRowSQL.rolesOfFact,
            predicate: predicateID,
            { index, row in
                if reading != index {
                    // Room for as many roles as the fact before had.
                    facts[index].roleValues.reserveCapacity(index > 0 ? facts[index - 1].roleValues.count : 2)
                    reading = index
                }
                try roles.add(row, at: 1, to: &facts[index], reader: reader)
            },
            done: { index in
                roles.finish(&facts[index])
                finished += 1
            })
        if finished < facts.count { facts.removeAll { $0.roleValues.isEmpty } }
    }

    private mutating func addRole(_ row: OpaquePointer, to fact: inout Fact) throws {
        try roles.add(row, at: 6, to: &fact, reader: reader)
    }

    /// Fills in the source episodes of `facts` (in id order).
    private func addSources(to facts: inout [Fact]) throws {
        try reader.forEachSource(of: facts.count, facts: { facts[$0].id }, { index, episode in facts[index].sources.append(episode) })
    }
}
