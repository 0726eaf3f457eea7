import MnemoModel
import MnemoSchemas
import PostgresNIO

/// Brings a PostgreSQL database's schema up to `SchemaMigration.postgres`
/// (`Schemas/postgres/`), as `Migrations` does a SQLite file's.
///
/// Daemons on many hosts share the database and may start together: the
/// migrations run under a session-level advisory lock, so that one daemon
/// applies them while the others wait, then find nothing left to do. Each
/// migration commits in one transaction with its row in `mnemo_schema`; one
/// that fails changes nothing, and the lock is released either way (and by
/// the server, should the daemon die holding it).
public enum PostgresMigrator {
    /// The advisory lock's key: "mnemo" read as a number.
    static let lockKey: Int64 = 0x6D6E_656D_6F00

    /// Applies the migrations the database lacks, up to `version` (all by
    /// default); returns the versions it applied.
    @discardableResult
    public static func migrate(_ link: PostgresLink, upTo version: Int? = nil) throws(MnemoError) -> [Int] {
        try link.query("SELECT pg_advisory_lock(\(lockKey))")
        do {
            let applied = try migrateLocked(link, upTo: version)
            try link.query("SELECT pg_advisory_unlock(\(lockKey))")
            return applied
        } catch {
            _ = try? link.query("SELECT pg_advisory_unlock(\(lockKey))")
            throw error
        }
    }

    private static func migrateLocked(_ link: PostgresLink, upTo version: Int?) throws(MnemoError) -> [Int] {
        try link.execute(
            """
            CREATE TABLE IF NOT EXISTS mnemo_schema (
                version    integer PRIMARY KEY,
                name       text    NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        let current = try appliedVersion(link)
        if current > SchemaMigration.latestPostgresVersion {
            throw MnemoError(
                .conflict,
                "\(link.target) has schema version \(current), newer than this build's \(SchemaMigration.latestPostgresVersion); upgrade Mnemo")
        }
        var applied: [Int] = []
        for migration in SchemaMigration.postgres where migration.version > current && migration.version <= (version ?? .max) {
            // One transaction, its row included: all of it or nothing.
            try link.execute("BEGIN")
            do {
                try link.execute(migration.sql)
                try link.query("INSERT INTO mnemo_schema(version, name) VALUES (\(migration.version), \(migration.name))")
                try link.execute("COMMIT")
            } catch {
                _ = try? link.execute("ROLLBACK")
                throw error
            }
            applied.append(migration.version)
        }
        return applied
    }

    /// The newest migration applied (0 for a database with none).
    public static func appliedVersion(_ link: PostgresLink) throws(MnemoError) -> Int {
        let rows = try link.query("SELECT COALESCE(max(version), 0)::bigint FROM mnemo_schema")
        do {
            return Int(try rows.first?.decode(Int64.self) ?? 0)
        } catch {
            throw MnemoError(.internalError, "\(link.target): mnemo_schema unreadable: \(error)")
        }
    }
}
