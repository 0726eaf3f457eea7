import GRDB
import MnemoModel
import MnemoSchemas
import MnemoStore
import Testing

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
        var v1 = StoreOptions()
        v1.migrateUpTo = 1
        do {
            let old = try MemoryStore(path: path, options: v1)
            #expect(try old.schemaVersion() == 1)
            try old.write { w in
                try w.declare(PredicateDeclaration(name: "works_at", roles: ["person", "organisation"], functional: true))
                let e = try w.createEpisode(EpisodeInput(text: "Alice joined Acme", speaker: "alice", scene: "day one")).episodeID
                try w.assert(FactAssertion("works_at", [Argument(.entity("alice")), Argument(.entity("acme"))], sources: [e]))
            }
            let hasPersonas = try old.read { try $0.db.tableExists("persona_attribute") }
            #expect(!hasPersonas)
        }
        let upgraded = try MemoryStore(path: path)
        #expect(try upgraded.schemaVersion() == SchemaMigration.latestVersion)
        #expect(try upgraded.read { try $0.db.tableExists("persona_attribute") && $0.db.tableExists("consolidation_run") })
        let facts = try upgraded.read { try $0.facts(matching: FactPattern("works_at", entities: "alice", nil)) }
        #expect(facts.count == 1 && facts[0].sources.count == 1)
        #expect(try upgraded.read { try $0.scene(titled: "Day One") }?.participants == ["alice"])
        // What the new version added works on the upgraded file.
        try upgraded.write { w in _ = try w.pinPersonaAttribute(entity: "alice", name: "role", valueJSON: "\"engineer\"") }
        // The pinned attribute first, then the current value of a fact about her.
        #expect(try upgraded.read { try $0.persona(of: "alice") }.map(\.name) == ["role", "works_at"])
    }

    @Test("a database from a newer Mnemo is refused, not damaged")
    func newerIsRefused() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("new.sqlite")
        do {
            let store = try MemoryStore(path: path)
            try store.write { w in try w.db.execute(sql: "UPDATE schema_meta SET value = '999' WHERE key = 'schema_version'") }
        }
        let error = mnemoError { _ = try MemoryStore(path: path) }
        #expect(error?.code == .conflict)
        #expect(error?.message.contains("999") == true)
    }
}
