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
        if let existing = try believedDuplicate(key: key.value, predicateID: info.id, roles: roles, valid: requested) {
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

        try db.cachedStatement(sql: """
            INSERT INTO fact(predicate_id, key, valid_from, valid_to, recorded_at, confidence, origin, note, scene_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [info.id, key.value, valid.from.databaseValue, valid.to.databaseValue,
                                     now.microseconds, assertion.confidence, assertion.origin, assertion.note, scene])
        let factID = db.lastInsertedRowID
        let insertRole = try db.cachedStatement(sql: """
            INSERT INTO fact_role(fact_id, position, item, role, predicate_id, kind, value) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for role in roles {
            for (index, item) in role.items.enumerated() {
                try insertRole.execute(arguments: [factID, role.position, role.isList ? index : -1, role.role,
                                                   info.id, item.kind.rawValue, item.databaseValue])
            }
        }
        try addSources(assertion.sources, to: factID)

        var supersedes: [Int64] = []
        var supersededBy: [Int64] = []
        for old in current {
            let start = valid.from ?? Timestamp(microseconds: .min)
            if let oldEnd = old.valid.to, oldEnd <= start { continue }            // ended before the new value began
            if let oldStart = old.valid.from, oldStart > start {
                // The stored value starts later: it closes the new one (a late correction).
                if valid.to.map({ oldStart < $0 }) ?? true {
                    valid.to = oldStart
                    try db.execute(sql: "UPDATE fact SET valid_to = ?, superseded_by = ? WHERE id = ?",
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
    func closeValidInterval(of factID: Int64, at end: Timestamp, supersededBy newID: Int64?) throws {
        try db.execute(sql: """
            INSERT INTO fact_belief(fact_id, valid_from, valid_to, recorded_at, retracted_at)
            SELECT id, valid_from, valid_to, recorded_at, ?1 FROM fact WHERE id = ?2 AND recorded_at < ?1
            """, arguments: [now.microseconds, factID])
        try db.execute(sql: "UPDATE fact SET valid_to = ?, recorded_at = ?, superseded_by = ? WHERE id = ?",
                       arguments: [end.microseconds, now.microseconds, newID, factID])
    }

    private func addSources(_ sources: [Int64], to factID: Int64) throws {
        let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO fact_source(fact_id, episode_id) VALUES (?, ?)")
        for source in sources { try insert.execute(arguments: [factID, source]) }
    }

    /// A believed fact with the same key and the same fillers whose valid time
    /// overlaps the requested one.
    private func believedDuplicate(key: Int64, predicateID: Int64, roles: [StoredRole], valid: TimeRange) throws -> Int64? {
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT id, valid_from, valid_to FROM fact WHERE key = ? AND predicate_id = ? AND retracted_at IS NULL
            """), arguments: [key, predicateID])
        for row in rows {
            let id: Int64 = row[0]
            let existing = TimeRange(from: Timestamp(databaseMicroseconds: row[1]), to: Timestamp(databaseMicroseconds: row[2]))
            // Without explicit times, only a value still true counts as the same fact:
            // re-asserting an old value of a functional predicate must supersede anew.
            let same = (valid.from == nil && valid.to == nil) ? existing.to == nil : existing.overlaps(valid)
            guard same else { continue }
            if try reader.storedRoles(of: id) == roles { return id }
        }
        return nil
    }

    /// The believed facts of a predicate for one subject, with their valid time.
    private func currentValues(predicateID: Int64, subject: StoredFiller) throws -> [(id: Int64, valid: TimeRange)] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT f.id, f.valid_from, f.valid_to FROM fact_role r JOIN fact f ON f.id = r.fact_id
            WHERE r.kind = ? AND r.value = ? AND r.predicate_id = ? AND r.position = 0 AND f.retracted_at IS NULL
            ORDER BY f.valid_from, f.id
            """), arguments: [subject.kind.rawValue, subject.databaseValue, predicateID]).map {
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
