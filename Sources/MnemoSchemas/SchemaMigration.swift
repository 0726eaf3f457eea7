/// One versioned step of the database schema, read from `Schemas/NNN_name.sql`
/// (SQLite, `all`) or `Schemas/postgres/NNN_name.sql` (PostgreSQL, `postgres`).
///
/// Migrations only ever move forward: a database written by an older Mnemo opens
/// and is upgraded in place by applying, in order, each migration it lacks.
public struct SchemaMigration: Sendable, Hashable {
    /// The number in the file name; migrations apply in increasing order.
    public let version: Int
    /// The rest of the file name, e.g. `core` for `001_core.sql`.
    public let name: String
    /// The SQL script, applied in one transaction.
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// The identifier recorded in the database once the migration is applied.
    public var identifier: String {
        let number = String(version)
        return String(repeating: "0", count: max(0, 3 - number.count)) + number + "_" + name
    }

    /// The newest schema version this build knows.
    public static var latestVersion: Int { all.last?.version ?? 0 }

    /// The newest schema version of a PostgreSQL database this build knows.
    public static var latestPostgresVersion: Int { postgres.last?.version ?? 0 }
}
