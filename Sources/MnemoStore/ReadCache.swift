import Foundation
import GRDB
import MnemoModel

/// What one read looks up again and again, kept for the length of the read:
/// the names of entities that fill roles, and predicates by name.
///
/// A read sees one snapshot of the store, so nothing kept here goes stale
/// while it lasts; a `ReadContext` makes a new cache for each read. Inside a
/// write, `WriteContext.reader` makes a new one at each use, since the write
/// changes what it reads: a `ReadContext` taken from a write must not be kept
/// across the write's changes.
final class ReadCache {
    /// A predicate as reads need it: its id, stored name and declared roles.
    struct Predicate {
        var id: Int64
        var name: String
        /// The declared role names, `nil` when undeclared.
        var roles: [String]?
    }

    private var entities: [Int64: Value] = [:]
    private var predicates: [String: Predicate?] = [:]

    /// An entity filler with its name, read once per id.
    func entity(_ id: Int64, in db: Database) throws -> Value {
        if let known = entities[id] { return known }
        let statement = try FastStatement(db, "SELECT name FROM entity WHERE id = ?")
        statement.bind(1, id)
        var name: String?
        try statement.forEachRow { row in name = FastStatement.optionalText(row, 0) }
        let value = Value.entity(id: id, name: name ?? "n:\(id)")
        entities[id] = value
        return value
    }

    /// A predicate by its normalised name, read once; `nil` if it was never declared nor used.
    func predicate(_ name: String, in db: Database) throws -> Predicate? {
        if let known = predicates[name] { return known }
        let statement = try FastStatement(db, "SELECT id, roles FROM predicate WHERE name = ?")
        statement.bind(1, name)
        var found: Predicate?
        try statement.forEachRow { row in
            let roles = try FastStatement.optionalText(row, 1).map(PredicateRoles.decode)
            found = Predicate(id: FastStatement.int64(row, 0), name: name, roles: roles)
        }
        predicates[name] = .some(found)
        return found
    }
}
