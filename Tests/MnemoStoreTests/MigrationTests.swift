import GRDB
import MnemoModel
import MnemoSchemas
import Testing

@testable import MnemoStore

@Suite("schema migrations")
struct MigrationTests {
    @Test("the migrations are embedded in order, the newest is applied to new files")
    func embedded() throws {
        #expect(SchemaMigration.all.map(\.version) == SchemaMigration.all.map(\.version).sorted())
        #expect(SchemaMigration.all.count >= 2)
        let s = try TestStore()
        #expect(try s.store.schemaVersion() == SchemaMigration.latestVersion)
    }

    @Test("a database created by the first migration upgrades to the latest with its data")
    func upgradeFromFirst() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("old.sqlite")
        try closed(MemoryStore(path: path, options: .upTo(1))) { old in
            #expect(try old.schemaVersion() == 1)
            // The rows Mnemo wrote at version 1 for `declare works_at(person,
            // organisation) functional`, `remember "Alice joined Acme" by alice in
            // scene "day one"` and `assert works_at(alice, acme) from e:1`, written
            // past the store: today's store writes the tables of today's schema.
            try DatabaseQueue(path: path).write { db in
                try db.execute(
                    sql: """
                        INSERT INTO entity(id, name, norm, created_at) VALUES (1, 'alice', 'alice', 1), (2, 'acme', 'acme', 1);
                        INSERT INTO predicate(id, name, roles, functional, declared_at) VALUES (1, 'works_at', '["person","organisation"]', 1, 1);
                        INSERT INTO scene(id, title, norm, opened_at, created_at) VALUES (1, 'day one', 'day one', 1, 1);
                        INSERT INTO scene_member(scene_id, entity_id) VALUES (1, 1);
                        INSERT INTO episode(id, text, speaker_id, at, scene_id, recorded_at) VALUES (1, 'Alice joined Acme', 1, 1, 1, 1);
                        INSERT INTO episode_entity(episode_id, entity_id, role) VALUES (1, 1, 'speaker');
                        INSERT INTO fact(id, predicate_id, key, recorded_at) VALUES (1, 1, 42, 1);
                        INSERT INTO fact_role(fact_id, position, item, role, predicate_id, kind, value)
                            VALUES (1, 0, -1, 'person', 1, 0, 1), (1, 1, -1, 'organisation', 1, 0, 2);
                        INSERT INTO fact_source(fact_id, episode_id) VALUES (1, 1);
                        """)
            }
            let hasPersonas = try old.read { try $0.db.tableExists("persona_attribute") }
            #expect(!hasPersonas)
        }
        let upgraded = try MemoryStore(path: path)
        #expect(try upgraded.schemaVersion() == SchemaMigration.latestVersion)
        #expect(try upgraded.read { try $0.db.tableExists("persona_attribute") && $0.db.tableExists("consolidation_run") })
        let facts = try upgraded.read { try $0.facts(matching: FactPattern("works_at", entities: "alice", nil)) }
        #expect(facts.count == 1)
        #expect(try upgraded.read { try $0.fact(id: 1) }?.sources == [1])
        #expect(try upgraded.read { try $0.scene(titled: "Day One") }?.participants == ["alice"])
        #expect(try upgraded.read { try Int.fetchOne($0.db, sql: "SELECT COUNT(*) FROM episode_fts WHERE episode_fts MATCH 'joined'") } == 1)
        // Version 5 moved the filler index into its own tables, with the roles already stored.
        #expect(try upgraded.read { try Int.fetchOne($0.db, sql: "SELECT COUNT(*) FROM fact_filler_settled") } == 2)
        #expect(try upgraded.read { try $0.facts(matching: FactPattern("works_at", entities: nil, "acme")) }.map(\.id) == [1])
        // Version 6 listed the fact's block under its predicate.
        #expect(try upgraded.read { try $0.facts(matching: FactPattern("works_at", entities: nil, nil)) }.map(\.id) == [1])
        // What the new version added works on the upgraded file.
        try upgraded.write { w in _ = try w.pinPersonaAttribute(entity: "alice", name: "role", valueJSON: "\"engineer\"") }
        // The pinned attribute first, then the current value of a fact about her.
        #expect(try upgraded.read { try $0.persona(of: "alice") }.map(\.name) == ["role", "works_at"])
    }

    @Test("an older database opened read-only is refused with a clear error, and untouched")
    func olderReadOnlyIsRefused() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("old.sqlite")
        let readOnly = StoreOptions.readOnlyOptions
        try closed(MemoryStore(path: path, options: .upTo(4))) { old throws in
            // (A read-only connection needs the WAL of an open writer, as beside a running mnemod.)
            let error = mnemoError { _ = try MemoryStore(path: path, options: readOnly) }
            #expect(error?.code == .readOnly)
            #expect(error?.message.contains("schema version 4") == true)
            #expect(try old.schemaVersion() == 4)
        }
        // Opened for writing once, it is upgraded, and then opens read-only.
        let upgraded = try MemoryStore(path: path)
        #expect(try MemoryStore(path: path, options: readOnly).schemaVersion() == SchemaMigration.latestVersion)
        #expect(try upgraded.schemaVersion() == SchemaMigration.latestVersion)
    }

    @Test("a database from a newer Mnemo is refused, not damaged")
    func newerIsRefused() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("new.sqlite")
        try closed(MemoryStore(path: path)) { store in
            try store.write { w in try w.db.execute(sql: "UPDATE schema_meta SET value = '999' WHERE key = 'schema_version'") }
        }
        let error = mnemoError { _ = try MemoryStore(path: path) }
        #expect(error?.code == .conflict)
        #expect(error?.message.contains("999") == true)
    }
}
