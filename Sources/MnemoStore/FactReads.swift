import GRDB
import MnemoModel

extension ReadContext {
    /// Whether a stored thing exists.
    public func exists(_ kind: NodeKind, _ id: Int64) throws -> Bool {
        let table =
            switch kind {
            case .entity: "entity"
            case .episode: "episode"
            case .fact: "fact"
            case .scene: "scene"
            case .persona: "persona_attribute"
            case .insight: "insight"
            }
        return try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS(SELECT 1 FROM \(table) WHERE id = ?)"), arguments: [id]) ?? false
    }

    /// A fact by id, as the memory believes it now (or at `knownAsOf`).
    /// Retracted facts are returned too, with their `retracted_at`.
    public func fact(id: Int64, knownAsOf: Timestamp? = nil) throws -> Fact? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: Self.factColumns + " WHERE f.id = ?"), arguments: [id]) else {
            return nil
        }
        var fact = try makeFact(row)
        if let knownAsOf {
            guard let belief = try belief(of: fact, at: knownAsOf) else { return nil }
            fact.valid = belief.valid
            fact.recorded = belief.recorded
        }
        return fact
    }

    /// Facts matching a pattern under a time filter, oldest first.
    public func facts(matching pattern: FactPattern, time: TimeFilter = .current, limit: Int? = nil) throws -> [Fact] {
        guard let info = try predicateInfo(Name.normalize(pattern.predicate)) else { return [] }
        guard let constraints = try resolve(pattern, roles: info.roles) else { return [] }

        let candidates: [Int64]
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
            let place: DatabaseValue = seed.position.map { Int64($0).databaseValue } ?? (seed.role ?? "").databaseValue
            candidates = try Int64.fetchAll(
                db.cachedStatement(sql: sql),
                arguments: [filler.kind.rawValue, filler.databaseValue, info.id, place])
        } else {
            let retracted = time.knownAsOf == nil ? " AND f.retracted_at IS NULL" : ""
            candidates = try Int64.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT f.id FROM \(PredicateBlocks.factsOfPredicate) WHERE \(PredicateBlocks.predicateIs)\(retracted) ORDER BY f.id
                        """), arguments: [info.id])
        }

        var result: [Fact] = []
        for id in candidates {
            try cancellation.check()
            guard let row = try Row.fetchOne(db.cachedStatement(sql: Self.factColumns + " WHERE f.id = ?"), arguments: [id]) else { continue }
            var fact = try makeFact(row, withRoles: false)
            if let knownAsOf = time.knownAsOf {
                guard let belief = try belief(of: fact, at: knownAsOf) else { continue }
                fact.valid = belief.valid
                fact.recorded = belief.recorded
            } else if fact.recorded.to != nil {
                continue
            }
            if let asOf = time.asOf, !fact.valid.contains(asOf) { continue }
            if time.excludeSuperseded, fact.supersededBy != nil { continue }
            let stored = try storedRoles(of: id)
            guard constraints.allSatisfy({ $0.matches(stored) }) else { continue }
            try fillRoles(&fact)
            result.append(fact)
            if let limit, result.count >= limit { break }
        }
        return result
    }

    /// Every version of every fact matching the pattern, whatever its time:
    /// each belief the memory held, with both intervals, ordered by fact and
    /// recorded time; the first `limit` of them.
    public func history(of pattern: FactPattern, limit: Int = .max) throws -> [Fact] {
        guard let info = try predicateInfo(Name.normalize(pattern.predicate)),
            let constraints = try resolve(pattern, roles: info.roles)
        else { return [] }
        var versions: [Fact] = []
        for id in try Int64.fetchAll(
            db,
            sql: """
                SELECT f.id FROM \(PredicateBlocks.factsOfPredicate) WHERE \(PredicateBlocks.predicateIs) ORDER BY f.id
                """, arguments: [info.id])
        {
            if versions.count >= limit { break }
            try cancellation.check()
            guard constraints.allSatisfy({ (try? $0.matches(storedRoles(of: id))) ?? false }),
                let current = try fact(id: id)
            else { continue }
            let beliefs = try Row.fetchAll(
                db,
                sql: """
                    SELECT valid_from, valid_to, recorded_at, retracted_at FROM fact_belief WHERE fact_id = ? ORDER BY recorded_at
                    """, arguments: [id])
            for b in beliefs {
                var version = current
                version.supersededBy = nil
                version.valid = TimeRange(from: Timestamp(databaseMicroseconds: b[0]), to: Timestamp(databaseMicroseconds: b[1]))
                version.recorded = TimeRange(from: Timestamp(microseconds: b[2]), to: Timestamp(microseconds: b[3]))
                versions.append(version)
            }
            versions.append(current)
            try budget.charge(current.answerBytes * (beliefs.count + 1))
        }
        return Array(versions.prefix(limit))
    }

    // MARK: - Building facts

    static let factColumns = """
        SELECT f.id, p.name, f.valid_from, f.valid_to, f.recorded_at, f.retracted_at, f.confidence, f.note,
               f.origin, f.scene_id, f.superseded_by
        FROM fact f JOIN predicate p ON p.id = f.predicate_id
        """

    func makeFact(_ row: Row, withRoles: Bool = true) throws -> Fact {
        let id: Int64 = row[0]
        var fact = Fact(
            id: id, predicate: row[1], roleNames: [], roleValues: [],
            valid: TimeRange(from: Timestamp(databaseMicroseconds: row[2]), to: Timestamp(databaseMicroseconds: row[3])),
            recorded: TimeRange(from: Timestamp(microseconds: row[4]), to: Timestamp(databaseMicroseconds: row[5])),
            confidence: row[6], sources: [], note: row[7], origin: row[8], sceneID: row[9], supersededBy: row[10])
        if withRoles { try fillRoles(&fact) }
        return fact
    }

    /// Adds role names, values and sources to a fact read without them.
    func fillRoles(_ fact: inout Fact) throws {
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT r.position, r.item, r.role, r.kind, r.value, e.name FROM fact_role r
                    LEFT JOIN entity e ON r.kind = 0 AND e.id = r.value
                    WHERE r.fact_id = ? ORDER BY r.position, r.item
                    """), arguments: [fact.id])
        var names: [String] = []
        var values: [Value] = []
        var positions: [Int] = []
        var lastPosition = -1
        for row in rows {
            let position: Int = row[0]
            let item: Int = row[1]
            let value = Self.decodeValue(kind: row[3], value: row[4], entityName: row[5])
            if position == lastPosition, case .list(let items) = values[values.count - 1] {
                values[values.count - 1] = .list(items + [value])
            } else {
                names.append(row[2])
                values.append(item >= 0 ? .list([value]) : value)
                positions.append(position)
                lastPosition = position
            }
        }
        fact.roleNames = names
        fact.roleValues = values
        fact.rolePositions = positions
        fact.sources = try Int64.fetchAll(
            db.cachedStatement(sql: "SELECT episode_id FROM fact_source WHERE fact_id = ? ORDER BY episode_id"),
            arguments: [fact.id])
    }

    static func decodeValue(kind: Int64, value: DatabaseValue, entityName: String?) -> Value {
        switch FillerKind(rawValue: kind) {
        case .entity:
            let id = Int64.fromDatabaseValue(value) ?? 0
            return .entity(id: id, name: entityName ?? "n:\(id)")
        case .text: return .literal(.text(String.fromDatabaseValue(value) ?? ""))
        case .number: return .literal(.number(Double.fromDatabaseValue(value) ?? 0))
        case .time: return .literal(.time(Timestamp(microseconds: Int64.fromDatabaseValue(value) ?? 0)))
        case nil: return .literal(.text("?"))
        }
    }

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

        func matches(_ roles: [StoredRole]) -> Bool {
            let role = roles.first { r in position.map { r.position == $0 } ?? (r.role == self.role) }
            guard let role else { return false }
            guard let filler else { return true }
            return role.items.contains(filler)
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
