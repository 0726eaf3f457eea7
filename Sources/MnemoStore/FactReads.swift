import GRDB
import GRDBSQLite
import MnemoModel

extension ReadContext {
    /// Whether a stored thing exists.
    public func exists(_ kind: NodeKind, _ id: Int64) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS(SELECT 1 FROM \(kind.table) WHERE id = ?)"), arguments: [id]) ?? false
    }

    /// A fact by id, as the memory believes it now (or at `knownAsOf`).
    /// Retracted facts are returned too, with their `retracted_at`.
    public func fact(id: Int64, knownAsOf: Timestamp? = nil) throws -> Fact? {
        guard var fact = try facts(ids: [id])[id] else { return nil }
        if let knownAsOf {
            guard try believe(&fact, at: knownAsOf) else { return nil }
        }
        return fact
    }

    /// Facts by id, as the memory believes them now, with their roles and
    /// sources, read in three statements however many there are (the rows of
    /// `timeline`). Ids that do not exist are left out.
    public func facts(ids: [Int64]) throws -> [Int64: Fact] {
        guard !ids.isEmpty else { return [:] }
        let list = Self.jsonList(ids)
        var found: [Int64: Fact] = [:]
        let rows = try FastStatement(db, Self.factColumns + " WHERE f.id IN (SELECT value FROM json_each(?))")
        rows.bind(1, list)
        try rows.forEachRow { row in
            let id = FastStatement.int64(row, 0)
            found[id] = Fact(
                id: id, predicate: FastStatement.optionalText(row, 1) ?? "", roleNames: [], roleValues: [],
                valid: TimeRange(
                    from: Timestamp(databaseMicroseconds: FastStatement.optionalInt64(row, 2)),
                    to: Timestamp(databaseMicroseconds: FastStatement.optionalInt64(row, 3))),
                recorded: TimeRange(
                    from: Timestamp(microseconds: FastStatement.int64(row, 4)),
                    to: Timestamp(databaseMicroseconds: FastStatement.optionalInt64(row, 5))),
                confidence: sqlite3_column_double(row, 6), sources: [], note: FastStatement.optionalText(row, 7),
                origin: FastStatement.optionalText(row, 8) ?? "user", sceneID: FastStatement.optionalInt64(row, 9),
                supersededBy: FastStatement.optionalInt64(row, 10))
        }
        let roles = try FastStatement(
            db,
            """
            SELECT fact_id, position, item, role, kind, value FROM fact_role
            WHERE fact_id IN (SELECT value FROM json_each(?)) ORDER BY fact_id, position, item
            """)
        roles.bind(1, list)
        var decoder = RoleDecoder()
        var decoding: Int64?
        try roles.forEachRow { row in
            let id = FastStatement.int64(row, 0)
            guard found[id] != nil else { return }
            if let decoding, decoding != id { decoder.finish(&found[decoding]!) }
            decoding = id
            try decoder.add(row, at: 1, to: &found[id]!, reader: self)
        }
        if let decoding { decoder.finish(&found[decoding]!) }
        let sources = try FastStatement(
            db, "SELECT fact_id, episode_id FROM fact_source WHERE fact_id IN (SELECT value FROM json_each(?)) ORDER BY fact_id, episode_id")
        sources.bind(1, list)
        try sources.forEachRow { row in found[FastStatement.int64(row, 0)]?.sources.append(FastStatement.int64(row, 1)) }
        return found
    }

    /// Facts matching a pattern under a time filter, oldest first, with their
    /// roles and times only (see `FactMatches`); the first `limit` of them.
    public func facts(matching pattern: FactPattern, time: TimeFilter = .current, limit: Int? = nil) throws -> [Fact] {
        var matches = try factMatches(pattern, time: time)
        var result: [Fact] = []
        while result.count < limit ?? .max, let fact = try matches.next() { result.append(fact) }
        return result
    }

    /// The facts matching a pattern under a time filter, oldest first, with
    /// their roles and times only, read as they are asked for (see `FactMatches`).
    public func factMatches(_ pattern: FactPattern, time: TimeFilter = .current) throws -> FactMatches {
        guard let predicate = try cache.predicate(Name.normalize(pattern.predicate), in: db),
            let constraints = try resolve(pattern, roles: predicate.roles)
        else { return FactMatches(reader: self, scan: nil, constraints: [], time: time) }
        let scan = try FactScan(
            reader: self, predicate: predicate, constraints: constraints,
            options: .init(includeRetracted: time.knownAsOf != nil, withDetails: false))
        return FactMatches(reader: self, scan: scan, constraints: constraints, time: time)
    }

    /// Every version of every fact matching the pattern, whatever its time:
    /// each belief the memory held, with both intervals, ordered by fact and
    /// recorded time; the first `limit` of them.
    public func history(of pattern: FactPattern, limit: Int = .max) throws -> [Fact] {
        var versions: [Fact] = []
        try history(of: pattern, limit: limit) { fact in versions.append(copy fact) }
        return versions
    }

    /// Calls `body` with each of the first `limit` versions `history(of:limit:)`
    /// answers, in its order, as they are read: the versions are not gathered
    /// first, so an answer can be written straight from them.
    /// Each version is charged to the read's budget (an estimate of its
    /// line, `Fact.answerBytes`) before `body` has it.
    public func history(of pattern: FactPattern, limit: Int = .max, _ body: (borrowing Fact) throws -> Void) throws {
        try forEachVersion(of: pattern, limit: limit, chargingEstimates: true, body)
    }

    /// `history(of:limit:_:)`, charging the budget only when `chargingEstimates`
    /// (else `body` charges what it writes).
    func forEachVersion(of pattern: FactPattern, limit: Int, chargingEstimates: Bool, _ body: (borrowing Fact) throws -> Void) throws {
        guard let predicate = try cache.predicate(Name.normalize(pattern.predicate), in: db),
            let constraints = try resolve(pattern, roles: predicate.roles)
        else { return }
        var scan = try FactScan(
            reader: self, predicate: predicate, constraints: constraints, options: .init(includeRetracted: true, withSources: true))
        var count = 0
        var beliefs: [EarlierBelief] = []
        var fact = Fact.vacated
        while count < limit {
            var chunk = try scan.next()
            if chunk.isEmpty { break }
            try readEarlierBeliefs(of: chunk.count, facts: { chunk[$0].id }, into: &beliefs)
            // Each fact is swapped out of the chunk for the one before (the
            // chunk frees them all at its end), and its earlier versions are
            // given by changing its times in place: a copy would retain each
            // of its arrays and strings, and release them again.
            // Both in fact id order: each fact's beliefs are the run of its id.
            var next = 0
            for index in chunk.indices {
                guard count < limit else { break }
                swap(&fact, &chunk[index])
                guard constraints.allSatisfy({ $0.matches(fact) }) else { continue }
                while next < beliefs.count, beliefs[next].factID < fact.id { next += 1 }
                var end = next
                while end < beliefs.count, beliefs[end].factID == fact.id { end += 1 }
                if chargingEstimates { try budget.charge(fact.answerBytes * (end - next + 1)) }
                if next < end {
                    let (valid, recorded, supersededBy) = (fact.valid, fact.recorded, fact.supersededBy)
                    fact.supersededBy = nil
                    for belief in beliefs[next..<end] where count < limit {
                        fact.valid = belief.valid
                        fact.recorded = belief.recorded
                        try body(fact)
                        count += 1
                    }
                    (fact.valid, fact.recorded, fact.supersededBy) = (valid, recorded, supersededBy)
                    next = end
                    guard count < limit else { break }
                }
                try body(fact)
                count += 1
            }
        }
    }

    /// A belief about a fact the memory held before it changed its mind (`fact_belief`).
    struct EarlierBelief {
        var factID: Int64
        var valid: TimeRange
        var recorded: TimeRange
    }

    /// Steps the rows of `count` facts whose ids `id` gives (in id order),
    /// each row's first column its fact's id: `inRange` once over the facts'
    /// id range when they are dense in it (`?1` the first id, `?2` the last,
    /// `?3` `predicate` when given), else `ofFact` once per fact (`?1` its id,
    /// `?2` `predicate`). Calls `row` with each row of one of the facts and
    /// the fact's index (a range's rows of other facts are skipped), and
    /// `done` with a fact's index after its last row. A chunk's roles,
    /// sources and earlier beliefs are all read so (`FactRowSQL`). Inlined,
    /// so that its closures are too: it steps every role of a `match`.
    @inline(__always)
    func forEachRow(
        ofFacts count: Int, id: (Int) -> Int64, inRange: String, ofFact: String, predicate: Int64? = nil,
        _ row: (_ index: Int, _ row: OpaquePointer) throws -> Void, done: (_ index: Int) throws -> Void = { _ in }
    ) throws {
        guard count > 0 else { return }
        let (first, last) = (id(0), id(count - 1))
        if FactRowSQL.readsByRange(first: first, last: last, count: count) {
            let statement = try FastStatement(db, inRange)
            statement.bind(1, first)
            statement.bind(2, last)
            if let predicate { statement.bind(3, predicate) }
            var index = 0
            var open = false
            try statement.forEachRow { current in
                let fact = FastStatement.int64(current, 0)
                if open, id(index) != fact {
                    try done(index)
                    open = false
                }
                while index < count, id(index) < fact { index += 1 }
                guard index < count, id(index) == fact else { return }
                open = true
                try row(index, current)
            }
            if open { try done(index) }
        } else {
            let statement = try FastStatement(db, ofFact)
            if let predicate { statement.bind(2, predicate) }
            for index in 0..<count {
                statement.bind(1, id(index))
                var open = false
                try statement.forEachRow { current in
                    open = true
                    try row(index, current)
                }
                if open { try done(index) }
            }
        }
    }

    /// The earlier beliefs of `count` facts whose ids `id` gives (in id
    /// order), by fact and recorded time, in `beliefs` (emptied first).
    func readEarlierBeliefs(of count: Int, facts id: (Int) -> Int64, into beliefs: inout [EarlierBelief]) throws {
        beliefs.removeAll(keepingCapacity: true)
        try forEachRow(ofFacts: count, id: id, inRange: FactRowSQL.beliefsInRange, ofFact: FactRowSQL.beliefsOfFact) { _, row in
            beliefs.append(
                EarlierBelief(
                    factID: FastStatement.int64(row, 0),
                    valid: TimeRange(
                        from: Timestamp(databaseMicroseconds: FastStatement.optionalInt64(row, 1)),
                        to: Timestamp(databaseMicroseconds: FastStatement.optionalInt64(row, 2))),
                    recorded: TimeRange(from: Timestamp(microseconds: FastStatement.int64(row, 3)), to: Timestamp(microseconds: FastStatement.int64(row, 4)))
                ))
        }
    }

    /// Calls `body` with the index of each of `count` facts whose ids `id`
    /// gives (in id order) and each of its source episodes, by fact and episode.
    func forEachSource(of count: Int, facts id: (Int) -> Int64, _ body: (_ index: Int, _ episode: Int64) -> Void) throws {
        try forEachRow(ofFacts: count, id: id, inRange: FactRowSQL.sourcesInRange, ofFact: FactRowSQL.sourcesOfFact) { index, row in
            body(index, FastStatement.int64(row, 1))
        }
    }

    // MARK: - Building facts

    static let factColumns = """
        SELECT f.id, p.name, f.valid_from, f.valid_to, f.recorded_at, f.retracted_at, f.confidence, f.note,
               f.origin, f.scene_id, f.superseded_by
        FROM fact f JOIN predicate p ON p.id = f.predicate_id
        """

    /// A fact's arguments as stored, for comparing fillers.
    func storedRoles(of factID: Int64) throws -> [StoredRole] {
        var roles: [StoredRole] = []
        for row in try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT position, item, role, kind, value FROM fact_role WHERE fact_id = ? ORDER BY position, item
                    """), arguments: [factID])
        {
            let filler: StoredFiller =
                switch FillerKind(rawValue: row[3]) {
                case .entity: .entity(row[4])
                case .text: .literal(.text(row[4]))
                case .number: .literal(.number(row[4]))
                case .time: .literal(.time(Timestamp(microseconds: row[4])))
                case nil: .literal(.text(""))
                }
            let position: Int = row[0]
            let item: Int = row[1]
            if let last = roles.last, last.position == position {
                roles[roles.count - 1].items.append(filler)
            } else {
                roles.append(StoredRole(position: position, role: row[2], isList: item >= 0, items: [filler]))
            }
        }
        return roles
    }

    /// Makes `fact` what the memory believed of it at recorded time `t`:
    /// that belief's valid and recorded intervals. An earlier belief (from
    /// `fact_belief`) shows no `superseded_by`, as `history` shows it: the
    /// fact named now may have been recorded after `t`, and which one did
    /// then is not kept. False when the memory held no belief of it at `t`.
    func believe(_ fact: inout Fact, at t: Timestamp) throws -> Bool {
        guard let belief = try belief(of: fact, at: t) else { return false }
        if belief.recorded != fact.recorded { fact.supersededBy = nil }
        fact.valid = belief.valid
        fact.recorded = belief.recorded
        return true
    }

    /// The belief about a fact the memory held at recorded time `t`.
    func belief(of fact: Fact, at t: Timestamp) throws -> (valid: TimeRange, recorded: TimeRange)? {
        if fact.recorded.contains(t) { return (fact.valid, fact.recorded) }
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT valid_from, valid_to, recorded_at, retracted_at FROM fact_belief
                        WHERE fact_id = ?1 AND recorded_at <= ?2 AND ?2 < retracted_at
                        """), arguments: [fact.id, t.microseconds])
        else { return nil }
        return (
            TimeRange(from: Timestamp(databaseMicroseconds: row[0]), to: Timestamp(databaseMicroseconds: row[1])),
            TimeRange(from: Timestamp(microseconds: row[2]), to: Timestamp(microseconds: row[3]))
        )
    }

    // MARK: - Pattern constraints

    struct Constraint {
        var position: Int?
        var role: String?
        var filler: StoredFiller?

        /// Whether the fact has the role, holding the filler (any item of a list) when one is bound.
        func matches(_ fact: Fact) -> Bool {
            let index = if let position { fact.rolePositions.firstIndex(of: position) } else { fact.roleNames.firstIndex(of: role ?? "") }
            guard let index else { return false }
            guard let filler else { return true }
            func holds(_ value: Value) -> Bool {
                switch (value, filler) {
                case (.entity(let id, _), .entity(let wanted)): id == wanted
                case (.literal(let literal), .literal(let wanted)): literal == wanted
                case (.list(let items), _): items.contains(where: holds)
                default: false
                }
            }
            return holds(fact.roleValues[index])
        }
    }

    /// Turns a pattern's terms into constraints on stored roles; `nil` when a
    /// named entity does not exist (so nothing can match).
    func resolve(_ pattern: FactPattern, roles: [String]?) throws -> [Constraint]? {
        var constraints: [Constraint] = []
        for (index, argument) in pattern.arguments.enumerated() {
            var c = Constraint()
            if let role = argument.role {
                if let roles {
                    guard let p = roles.firstIndex(of: role) else {
                        throw MnemoError(.invalid, "\(pattern.predicate) has no role \"\(role)\" (declared: \(roles.joined(separator: ", ")))")
                    }
                    c.position = p
                } else {
                    c.role = role
                }
            } else {
                c.position = index
            }
            switch argument.term {
            case .any: break
            case .entity(let name):
                guard let id = try entityID(named: name) else { return nil }
                c.filler = .entity(id)
            case .entityID(let id):
                c.filler = .entity(id)
            case .literal(let literal): c.filler = .literal(literal)
            }
            constraints.append(c)
        }
        return constraints
    }
}
