import Foundation
import GRDB
import MnemoModel

/// What one read looks up again and again, kept for the length of the read:
/// the names of entities (that fill roles, speak or are mentioned), the
/// titles of scenes, and predicates by name.
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

    private var names: [Int64: String?] = [:]
    private var sceneTitles: [Int64: String?] = [:]
    /// By bytes (`ExactName`), as SQLite finds them.
    private var predicates: [ExactName: Predicate?] = [:]

    /// An entity's name, read once per id; `nil` when there is no such entity.
    func entityName(_ id: Int64, in db: Database) throws -> String? {
        if let known = names[id] { return known }
        let name = try Self.text(db, "SELECT name FROM entity WHERE id = ?", id)
        names[id] = .some(name)
        return name
    }

    /// An entity filler with its name (`n:ID` when there is no such entity).
    func entity(_ id: Int64, in db: Database) throws -> Value {
        .entity(id: id, name: try entityName(id, in: db) ?? "n:\(id)")
    }

    /// A scene's title, read once per id; `nil` when there is no such scene.
    func sceneTitle(_ id: Int64, in db: Database) throws -> String? {
        if let known = sceneTitles[id] { return known }
        let title = try Self.text(db, "SELECT title FROM scene WHERE id = ?", id)
        sceneTitles[id] = .some(title)
        return title
    }

    /// The text in the first column of the row `sql` answers for `id`.
    private static func text(_ db: Database, _ sql: String, _ id: Int64) throws -> String? {
        let statement = try FastStatement(db, sql)
        statement.bind(1, id)
        var text: String?
        try statement.forEachRow { row in text = FastStatement.optionalText(row, 0) }
        return text
    }

    /// A predicate by its normalised name, read once; `nil` if it was never declared nor used.
    func predicate(_ name: String, in db: Database) throws -> Predicate? {
        if let known = predicates[ExactName(name)] { return known }
        let statement = try FastStatement(db, "SELECT id, roles FROM predicate WHERE name = ?")
        statement.bind(1, name)
        var found: Predicate?
        try statement.forEachRow { row in
            let roles = try FastStatement.optionalText(row, 1).map(PredicateRoles.decode)
            found = Predicate(id: FastStatement.int64(row, 0), name: name, roles: roles)
        }
        predicates[ExactName(name)] = .some(found)
        return found
    }
}
