import GRDB
import MnemoSchemas

/// Applies the embedded `Schemas/*.sql` migrations, oldest first, each in its
/// own transaction, recording what was applied in GRDB's `grdb_migrations`
/// table and the schema version in `schema_meta`.
enum Migrations {
    static func migrator(upTo version: Int? = nil) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in SchemaMigration.all where version.map({ migration.version <= $0 }) ?? true {
            migrator.registerMigration(migration.identifier) { db in
                try db.execute(sql: migration.sql)
                try db.execute(
                    sql: "INSERT INTO schema_meta(key, value) VALUES ('schema_version', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    arguments: [String(migration.version)])
            }
        }
        return migrator
    }

    /// The highest migration version applied to the database.
    static func appliedVersion(_ db: Database) throws -> Int {
        guard try db.tableExists("schema_meta") else { return 0 }
        return try Int(String.fetchOne(db, sql: "SELECT value FROM schema_meta WHERE key = 'schema_version'") ?? "0") ?? 0
    }
}
