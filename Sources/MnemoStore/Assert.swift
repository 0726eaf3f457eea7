import GRDB
import MnemoModel

extension WriteContext {
    /// Asserts a fact. An identical fact the memory already believes (same
    /// predicate, same fillers, overlapping valid time) is not duplicated: its
    /// sources grow instead. For a functional predicate, the current value of the
    /// subject is superseded: its valid interval closes where the new one starts,
    /// and the belief it replaces is kept for `known as of`.
    @discardableResult
    public func assert(_ assertion: FactAssertion) throws -> AssertOutcome {
        let predicateName = Name.normalize(assertion.predicate)
        let info = try predicateInfo(predicateName)
        guard (0...1).contains(assertion.confidence) else {
            throw MnemoError(.invalid, "confidence must be between 0 and 1, got \(assertion.confidence)")
        }
        if let from = assertion.validFrom, let to = assertion.validTo, to <= from {
            throw MnemoError(.invalid, "the valid interval is empty: \(from.iso8601) .. \(to.iso8601)")
        }
        let placed = try PredicateRules.place(assertion.arguments, predicate: predicateName, roles: info.roles)
        let roles = try placed.map { try StoredRole(position: $0.position, role: $0.role, filler: $0.filler, context: self) }

        var key = FactKey()
        key.add(info.id)
        for role in roles {
            key.add(Int64(role.position))
            key.add(role.role.utf8)
            for item in role.items { key.add(item) }
        }
        for source in assertion.sources where try !reader.exists(.episode, source) {
            throw MnemoError(.notFound, "source e:\(source) does not exist")
        }
        var scene: Int64?
        if let title = assertion.scene { scene = try self.sceneID(titled: title, at: assertion.validFrom ?? now) }

        let requested = TimeRange(from: assertion.validFrom, to: assertion.validTo)
        if try cache.claimFactKey(key.value, load: { try Int64.fetchSet(db.cachedStatement(sql: "SELECT key FROM fact")) }),
            let existing = try believedDuplicate(key: key.value, predicateID: info.id, roles: roles, valid: requested)
        {
            try addSources(assertion.sources, to: existing)
            return AssertOutcome(factID: existing, created: false, supersedes: [], supersededBy: [])
        }

        var valid = requested
        var current: [(id: Int64, valid: TimeRange)] = []
        if info.functional {
            guard let subject = roles.first, subject.position == 0, subject.items.count == 1, !subject.isList else {
                throw MnemoError(.invalid, "\(predicateName) is functional: its first role must be one filler, not a list")
            }
            current = try currentValues(predicateID: info.id, subject: subject.items[0])
            if valid.from == nil && !current.isEmpty { valid.from = now }
        }

        let insertFact = try hot.statement(
            .insertFact, db,
            """
            INSERT INTO fact(predicate_id, key, valid_from, valid_to, recorded_at, confidence, origin, note, scene_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertFact.bind(1, info.id)
        insertFact.bind(2, key.value)
        insertFact.bind(3, valid.from?.microseconds)
        insertFact.bind(4, valid.to?.microseconds)
        insertFact.bind(5, now.microseconds)
        insertFact.bind(6, assertion.confidence)
        insertFact.bind(7, assertion.origin)
        insertFact.bind(8, assertion.note)
        insertFact.bind(9, scene)
        try insertFact.run()
        let factID = db.lastInsertedRowID
        try listPredicateBlock(of: factID, predicateID: info.id)
        let insertRole = try hot.statement(
            .insertRole, db,
            """
            INSERT INTO fact_role(fact_id, position, item, role, predicate_id, kind, value) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        var fillers = 0
        for role in roles {
            for (index, item) in role.items.enumerated() {
                let itemNumber = Int64(role.isList ? index : -1)
                insertRole.bind(1, factID)
                insertRole.bind(2, Int64(role.position))
                insertRole.bind(3, itemNumber)
                insertRole.bind(4, role.role)
                insertRole.bind(5, info.id)
                insertRole.bind(6, item.kind.rawValue)
                insertRole.bind(7, item)
                try insertRole.run()
                try indexFiller(item, predicateID: info.id, position: role.position, factID: factID, item: itemNumber)
                fillers += 1
            }
        }
        cache.addRecentFillers(fillers)
        try addSources(assertion.sources, to: factID)

        var supersedes: [Int64] = []
        var supersededBy: [Int64] = []
        for old in current {
            let start = valid.from ?? Timestamp(microseconds: .min)
            if let oldEnd = old.valid.to, oldEnd <= start { continue } // ended before the new value began
            if let oldStart = old.valid.from, oldStart > start {
                // The stored value starts later: it closes the new one (a late correction).
                if valid.to.map({ oldStart < $0 }) ?? true {
                    valid.to = oldStart
                    try db.execute(
                        sql: "UPDATE fact SET valid_to = ?, superseded_by = ? WHERE id = ?",
                        arguments: [oldStart.microseconds, old.id, factID])
                    supersededBy.append(old.id)
                }
                continue
            }
            try closeValidInterval(of: old.id, at: start, supersededBy: factID)
            supersedes.append(old.id)
        }
        return AssertOutcome(factID: factID, created: true, supersedes: supersedes, supersededBy: supersededBy)
    }

    /// Closes a fact's valid interval at `end`, keeping the belief it replaces
    /// (unless that belief was written in this same transaction and never seen).
    public func closeValidInterval(of factID: Int64, at end: Timestamp, supersededBy newID: Int64?) throws {
        try db.execute(
            sql: """
                INSERT INTO fact_belief(fact_id, valid_from, valid_to, recorded_at, retracted_at)
                SELECT id, valid_from, valid_to, recorded_at, ?1 FROM fact WHERE id = ?2 AND recorded_at < ?1
                """, arguments: [now.microseconds, factID])
        try db.execute(
            sql: "UPDATE fact SET valid_to = ?, recorded_at = ?, superseded_by = ? WHERE id = ?",
            arguments: [end.microseconds, now.microseconds, newID, factID])
    }

    private func addSources(_ sources: [Int64], to factID: Int64) throws {
        if sources.isEmpty { return }
        let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO fact_source(fact_id, episode_id) VALUES (?, ?)")
        for source in sources { try insert.execute(arguments: [factID, source]) }
    }

    /// A believed fact with the same key and the same fillers whose valid time
    /// overlaps the requested one.
    private func believedDuplicate(key: Int64, predicateID: Int64, roles: [StoredRole], valid: TimeRange) throws -> Int64? {
        // Any fact with the same fillers shares the first one: look through the
        // filler index, compare keys there, and the roles only on a key match.
        let first = roles[0]
        let query = try hot.statement(
            .duplicate, db,
            """
            SELECT f.id, f.valid_from, f.valid_to FROM fact_filler r JOIN fact f ON f.id = r.fact_id
            WHERE r.kind = ? AND r.value = ? AND r.predicate_id = ? AND r.position = ? AND f.key = ? AND f.retracted_at IS NULL
            """)
        query.bind(1, first.items[0].kind.rawValue)
        query.bind(2, first.items[0])
        query.bind(3, predicateID)
        query.bind(4, Int64(first.position))
        query.bind(5, key)
        var candidates: [(id: Int64, valid: TimeRange)] = []
        try query.forEachRow { row in
            candidates.append(
                (
                    FastStatement.int64(row, 0),
                    TimeRange(
                        from: Timestamp(databaseMicroseconds: FastStatement.optionalInt64(row, 1)),
                        to: Timestamp(databaseMicroseconds: FastStatement.optionalInt64(row, 2)))
                ))
        }
        for candidate in candidates {
            // Without explicit times, only a value still true counts as the same fact:
            // re-asserting an old value of a functional predicate must supersede anew.
            let same = (valid.from == nil && valid.to == nil) ? candidate.valid.to == nil : candidate.valid.overlaps(valid)
            if same, try reader.storedRoles(of: candidate.id) == roles { return candidate.id }
        }
        return nil
    }

    /// The believed facts of a predicate for one subject, with their valid time.
    private func currentValues(predicateID: Int64, subject: StoredFiller) throws -> [(id: Int64, valid: TimeRange)] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT f.id, f.valid_from, f.valid_to FROM fact_filler r JOIN fact f ON f.id = r.fact_id
                    WHERE r.kind = ? AND r.value = ? AND r.predicate_id = ? AND r.position = 0 AND f.retracted_at IS NULL
                    ORDER BY f.valid_from, f.id
                    """), arguments: [subject.kind.rawValue, subject.databaseValue, predicateID]
        ).map {
            ($0[0], TimeRange(from: Timestamp(databaseMicroseconds: $0[1]), to: Timestamp(databaseMicroseconds: $0[2])))
        }
    }
}

/// One argument of a fact as stored: its position, role name and filler(s).
struct StoredRole: Hashable {
    var position: Int
    var role: String
    var isList: Bool
    var items: [StoredFiller]

    init(position: Int, role: String, isList: Bool, items: [StoredFiller]) {
        self.position = position
        self.role = role
        self.isList = isList
        self.items = items
    }

    init(position: Int, role: String, filler: Filler, context: WriteContext) throws {
        func resolve(_ filler: Filler) throws -> StoredFiller {
            switch filler {
            case .entity(let name): return .entity(try context.entityID(named: name))
            case .literal(let literal): return .literal(literal)
            case .list: throw MnemoError(.invalid, "role \"\(role)\": lists cannot be nested")
            }
        }
        if case .list(let items) = filler {
            guard !items.isEmpty else { throw MnemoError(.invalid, "role \"\(role)\": a list needs at least one item") }
            self.init(position: position, role: role, isList: true, items: try items.map(resolve))
        } else {
            self.init(position: position, role: role, isList: false, items: [try resolve(filler)])
        }
    }
}
