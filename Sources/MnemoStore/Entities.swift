import GRDB
import MnemoModel

extension WriteContext {
    /// The id of the entity a name (or alias) denotes, creating the entity with
    /// that spelling if none exists.
    public func entityID(named name: String, kind: String? = nil) throws -> Int64 {
        let norm = Name.normalize(name)
        guard !norm.isEmpty else { throw MnemoError(.invalid, "an entity name cannot be empty") }
        if let id = cache.entity(norm) {
            try give(id, kind: kind)
            return id
        }
        if let id = try reader.entityID(norm: norm) {
            cache.setEntity(norm, id)
            try give(id, kind: kind)
            return id
        }
        let display = Name.display(name)
        try db.cachedStatement(sql: "INSERT INTO entity(name, norm, kind, created_at) VALUES (?, ?, ?, ?)")
            .execute(arguments: [display, norm, kind, now.microseconds])
        let id = db.lastInsertedRowID
        cache.setEntity(norm, id)
        cache.setEntityName(id, display)
        if kind != nil { cache.setKindGiven(id) }
        return id
    }

    /// Gives an entity first named without a kind the kind it now shows: a
    /// name mentioned before (or made a scene's participant before) its first
    /// words is a person once it speaks. A kind once given is never changed.
    /// Checked once per entity while the writer's cache holds it.
    private func give(_ id: Int64, kind: String?) throws {
        guard let kind, cache.needsKind(id) else { return }
        try db.cachedStatement(sql: "UPDATE entity SET kind = ? WHERE id = ? AND kind IS NULL").execute(arguments: [kind, id])
        cache.setKindGiven(id)
    }

    /// An entity's display name, as stored (names never change once written).
    func entityName(_ id: Int64) throws -> String {
        if let name = cache.entityName(id) { return name }
        guard let name = try reader.entityName(id) else { throw MnemoError(.notFound, "n:\(id) does not exist") }
        cache.setEntityName(id, name)
        return name
    }

    /// Makes `alias` another name of the entity `name` (created if new).
    /// Returns the entity's id and whether anything changed.
    @discardableResult
    public func alias(_ alias: String, to name: String) throws -> (entityID: Int64, changed: Bool) {
        let aliasNorm = Name.normalize(alias)
        guard !aliasNorm.isEmpty else { throw MnemoError(.invalid, "an alias cannot be empty") }
        let target = try entityID(named: name)
        if let owner = try Int64.fetchOne(db, sql: "SELECT id FROM entity WHERE norm = ?", arguments: [aliasNorm]) {
            if owner == target { return (target, false) }
            throw MnemoError(.conflict, "\"\(Name.display(alias))\" is already the entity n:\(owner); it cannot also be an alias of n:\(target)")
        }
        if let owner = try Int64.fetchOne(db, sql: "SELECT entity_id FROM entity_alias WHERE norm = ?", arguments: [aliasNorm]) {
            if owner == target { return (target, false) }
            throw MnemoError(.conflict, "\"\(Name.display(alias))\" is already an alias of n:\(owner)")
        }
        try db.execute(
            sql: "INSERT INTO entity_alias(norm, alias, entity_id, created_at) VALUES (?, ?, ?, ?)",
            arguments: [aliasNorm, Name.display(alias), target, now.microseconds])
        cache.setEntity(aliasNorm, target)
        return (target, true)
    }
}

extension ReadContext {
    /// The entity a normalised name or alias denotes. A name consolidation
    /// found to be the same as another (`same_as`) denotes that other one.
    func entityID(norm: String) throws -> Int64? {
        // One statement for both: a name the memory does not know yet (every new
        // entity) is looked up once, not twice. A name wins over an alias.
        guard
            let id = try Int64.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT id FROM entity WHERE norm = ?1
                        UNION ALL SELECT entity_id FROM entity_alias WHERE norm = ?1
                        LIMIT 1
                        """), arguments: [norm])
        else {
            return nil
        }
        return try canonicalEntity(id)
    }

    /// The entity `id` is linked to `same_as` (following a chain), or `id` itself.
    public func canonicalEntity(_ id: Int64) throws -> Int64 {
        var current = id
        var seen: Set<Int64> = [id]
        while let next = try sameAsTarget(of: current), seen.insert(next).inserted {
            current = next
        }
        return current
    }

    /// The entity a name or alias denotes, compared without case or extra spaces.
    public func entityID(named name: String) throws -> Int64? {
        try entityID(norm: Name.normalize(name))
    }

    /// The entity a name or alias denotes, with its aliases.
    public func entity(named name: String) throws -> Entity? {
        guard let id = try entityID(named: name) else { return nil }
        return try entity(id: id)
    }

    /// An entity by id, with its aliases.
    public func entity(id: Int64) throws -> Entity? {
        guard let row = try Row.fetchOne(db, sql: "SELECT name, kind, created_at FROM entity WHERE id = ?", arguments: [id]) else {
            return nil
        }
        let aliases = try String.fetchAll(db, sql: "SELECT alias FROM entity_alias WHERE entity_id = ? ORDER BY norm", arguments: [id])
        return Entity(id: id, name: row[0], kind: row[1], aliases: aliases, createdAt: Timestamp(microseconds: row[2]))
    }

    /// The display name of an entity.
    func entityName(_ id: Int64) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT name FROM entity WHERE id = ?"), arguments: [id])
    }
}
