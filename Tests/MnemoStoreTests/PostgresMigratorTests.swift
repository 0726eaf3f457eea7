import Foundation
import MnemoModel
import MnemoSchemas
import MnemoTestSupport
import PostgresNIO
import Synchronization
import Testing

@testable import MnemoStore

/// The PostgreSQL schema (`Schemas/postgres/`) and its migrations, on a real
/// server: applied once however many daemons start together, all of a
/// migration or none of it, and laid out for sharding by space.
@Suite("PostgreSQL: schema and migrations", .enabled(if: PostgresTestServer.available))
struct PostgresMigratorTests {
    func versions(_ link: PostgresLink) throws -> [Int] {
        try link.query("SELECT version FROM mnemo_schema ORDER BY version").map { Int(try $0.decode(Int32.self)) }
    }

    @Test("migrations apply in order, each recorded in mnemo_schema; a second run applies nothing")
    func applyOnce() throws {
        try PostgresTestServer.withDatabase { target in
            let link = try PostgresLink(target)
            defer { link.close() }
            let all = SchemaMigration.postgres.map(\.version)
            #expect(!all.isEmpty)
            #expect(try PostgresMigrator.migrate(link) == all)
            #expect(try versions(link) == all)
            #expect(try PostgresMigrator.appliedVersion(link) == SchemaMigration.latestPostgresVersion)
            #expect(try PostgresMigrator.migrate(link) == [])
            #expect(try versions(link) == all)
        }
    }

    @Test("four daemons starting together: every migration is applied exactly once, and none of them fails")
    func concurrentStart() throws {
        try PostgresTestServer.withDatabase { target in
            let results = Mutex<[Result<[Int], MnemoError>]>([])
            PostgresTestServer.inThreads(4) { _ in
                let outcome: Result<[Int], MnemoError>
                do throws(MnemoError) {
                    let link = try PostgresLink(target)
                    defer { link.close() }
                    outcome = .success(try PostgresMigrator.migrate(link))
                } catch {
                    outcome = .failure(error)
                }
                results.withLock { $0.append(outcome) }
            }
            let applied = try results.withLock { all in try all.map { try $0.get() } }
            #expect(applied.count == 4)
            // One of them applied everything, the others found nothing to do.
            #expect(applied.flatMap { $0 }.sorted() == SchemaMigration.postgres.map(\.version))
            let link = try PostgresLink(target)
            defer { link.close() }
            #expect(try versions(link) == SchemaMigration.postgres.map(\.version))
        }
    }

    @Test("every table but space carries space_id, and every primary key, unique constraint and index starts with it")
    func shardable() throws {
        try PostgresTestServer.withDatabase { target in
            let link = try PostgresLink(target)
            defer { link.close() }
            try PostgresMigrator.migrate(link)
            let tables = try link.query(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('mnemo_schema', 'space') ORDER BY 1"
            ).map { try $0.decode(String.self) }
            #expect(tables.count >= 2)
            for table in tables {
                let first = try link.query(
                    "SELECT attname FROM pg_attribute WHERE attrelid = \(table)::regclass AND attnum = 1"
                ).first?.decode(String.self)
                #expect(first == "space_id", "\(table) does not start with space_id")
            }
            // Every index (primary keys and unique constraints are indexes too):
            // its first column.
            let indexes = try link.query(
                """
                SELECT c.relname, t.relname, a.attname
                  FROM pg_index i
                  JOIN pg_class c ON c.oid = i.indexrelid
                  JOIN pg_class t ON t.oid = i.indrelid
                  JOIN pg_namespace n ON n.oid = t.relnamespace
                  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
                 WHERE n.nspname = 'public' AND t.relname NOT IN ('mnemo_schema', 'space')
                """
            ).map { try $0.decode((String, String, String).self) }
            #expect(indexes.count >= tables.count)
            for (index, table, column) in indexes {
                #expect(column == "space_id", "index \(index) on \(table) starts with \(column)")
            }
        }
    }

    @Test("a migration that fails changes nothing and releases the lock: once the cause is gone, the next run applies it")
    func failedMigration() throws {
        try PostgresTestServer.withDatabase { target in
            let link = try PostgresLink(target)
            defer { link.close() }
            // A table in the way of migration 1 (made after `space`, which must go too).
            try link.execute("CREATE TABLE space_change (x integer)")
            #expect(throws: MnemoError.self) { try PostgresMigrator.migrate(link) }
            #expect(try versions(link) == [])
            #expect(try link.query("SELECT to_regclass('space') IS NULL").first?.decode(Bool.self) == true)
            // Another daemon is not kept waiting for the lock.
            let other = try PostgresLink(target)
            defer { other.close() }
            // A lock left behind fails the test instead of hanging it.
            try other.execute("SET lock_timeout = '10s'")
            try other.execute("DROP TABLE space_change")
            #expect(try PostgresMigrator.migrate(other) == SchemaMigration.postgres.map(\.version))
        }
    }

    @Test("a database of a newer schema than this build is refused with CONFLICT")
    func newerSchema() throws {
        try PostgresTestServer.withDatabase { target in
            let link = try PostgresLink(target)
            defer { link.close() }
            try PostgresMigrator.migrate(link)
            try link.execute("INSERT INTO mnemo_schema(version, name) VALUES (\(SchemaMigration.latestPostgresVersion + 1), 'future')")
            do throws(MnemoError) {
                try PostgresMigrator.migrate(link)
                Issue.record("a newer schema was not refused")
            } catch {
                #expect(error.code == .conflict)
            }
        }
    }

    @Test("a server that is not there is ERR BUSY, saying where it was looked for")
    func unreachable() {
        let target = PostgresTarget(endpoint: .socket(path: "/nonexistent/.s.PGSQL.5432"), user: "mnemo", database: "mnemo")
        do throws(MnemoError) {
            _ = try PostgresLink(target)
            Issue.record("connected to nothing")
        } catch {
            #expect(error.code == .busy)
            #expect(error.message.contains("/nonexistent/.s.PGSQL.5432"))
        }
    }
}
