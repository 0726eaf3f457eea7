import GRDB
import MnemoModel
import Testing

@testable import MnemoStore

/// The filler index lives in a recent and a settled table (schema version 5);
/// these check that look-ups see both, that commits move entries over when
/// due, and that the index always holds exactly the stored roles.
@Suite("the filler index: recent and settled entries")
struct FillerIndexTests {
    /// A store whose recent table holds at most `limit` entries.
    static func store(limit: Int?) throws -> (TemporaryDirectory, MemoryStore) {
        let dir = TemporaryDirectory()
        var options = StoreOptions()
        options.recentFillerLimit = limit
        return (dir, try MemoryStore(path: dir.file("fillers.sqlite"), options: options))
    }

    static func entries(_ store: MemoryStore) throws -> (settled: Int, recent: Int) {
        try store.read { r in
            (
                try Int.fetchOne(r.db, sql: "SELECT COUNT(*) FROM fact_filler_settled") ?? -1,
                try Int.fetchOne(r.db, sql: "SELECT COUNT(*) FROM fact_filler_recent") ?? -1
            )
        }
    }

    /// Fails unless the index holds one entry per fact_role row, and no other.
    static func expectIndexMatchesRoles(_ store: MemoryStore, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let columns = "kind, value, predicate_id, position, fact_id, item"
        let (missing, extra, roles, entries) = try store.read { r in
            (
                try Int.fetchOne(r.db, sql: "SELECT COUNT(*) FROM (SELECT \(columns) FROM fact_role EXCEPT SELECT \(columns) FROM fact_filler)") ?? -1,
                try Int.fetchOne(r.db, sql: "SELECT COUNT(*) FROM (SELECT \(columns) FROM fact_filler EXCEPT SELECT \(columns) FROM fact_role)") ?? -1,
                try Int.fetchOne(r.db, sql: "SELECT COUNT(*) FROM fact_role") ?? -1,
                try Int.fetchOne(r.db, sql: "SELECT COUNT(*) FROM fact_filler") ?? -1
            )
        }
        #expect(
            missing == 0 && extra == 0 && roles == entries, "missing \(missing), extra \(extra), roles \(roles), entries \(entries)",
            sourceLocation: sourceLocation)
    }

    @Test("a commit that brings the recent entries to the limit moves them all to the settled table")
    func settlesAtTheLimit() throws {
        let (_, store) = try Self.store(limit: 6)
        try store.write { w in try w.assert(FactAssertion("likes", entities: "ann", "tea")) }
        try store.write { w in try w.assert(FactAssertion("likes", entities: "bob", "tea")) }
        #expect(try Self.entries(store) == (0, 4))
        try store.write { w in try w.assert(FactAssertion("likes", entities: "cy", "cake")) }
        #expect(try Self.entries(store) == (6, 0))
        try store.write { w in try w.assert(FactAssertion("likes", entities: "dee", "tea")) }
        #expect(try Self.entries(store) == (6, 2))
        try Self.expectIndexMatchesRoles(store)
    }

    @Test("look-ups by subject, object, role name and entity find facts in either table")
    func lookUpsSeeBothTables() throws {
        let (_, store) = try Self.store(limit: 6)
        try store.write { w in try w.declare(PredicateDeclaration(name: "gave", roles: ["giver", "gift", "to"], functional: false)) }
        // Three facts of three fillers, then facts with named roles in either order:
        // the later ones settle, the last stays recent.
        for (giver, gift) in [("ann", "book"), ("bob", "book"), ("ann", "pen")] {
            try store.write { w in
                try w.assert(FactAssertion("gave", [Argument(.entity(giver)), Argument(.entity(gift)), Argument(.entity("cy"))]))
            }
        }
        try store.write { w in
            try w.assert(FactAssertion("visited", [Argument(.entity("ann"), role: "who"), Argument(.entity("rome"), role: "place")]))
            try w.assert(FactAssertion("visited", [Argument(.entity("rome"), role: "place"), Argument(.entity("bob"), role: "who")]))
        }
        #expect(try Self.entries(store) == (13, 0))
        try store.write { w in try w.assert(FactAssertion("visited", [Argument(.entity("cy"), role: "who"), Argument(.entity("rome"), role: "wish")])) }
        #expect(try Self.entries(store) == (13, 2))
        try store.read { r in
            #expect(try r.facts(matching: FactPattern("gave", entities: "ann", nil, nil)).count == 2)
            #expect(try r.facts(matching: FactPattern("gave", entities: nil, "book", nil)).count == 2)
            #expect(try r.facts(matching: FactPattern("gave", [(role: "to", term: .entity("cy"))])).count == 3)
            // An undeclared predicate's role is found by name, not position.
            #expect(try r.facts(matching: FactPattern("visited", [(role: "place", term: .entity("rome"))])).count == 2)
            let cy = try #require(try r.entityID(named: "cy"))
            #expect(try r.facts(involving: cy).count == 4)
        }
        // The same fact asserted again is found, wherever its entries are.
        let again = try store.write { w in
            try w.assert(FactAssertion("gave", [Argument(.entity("ann")), Argument(.entity("book")), Argument(.entity("cy"))]))
        }
        let latest = try store.write { w in
            try w.assert(FactAssertion("gave", [Argument(.entity("ann")), Argument(.entity("pen")), Argument(.entity("cy"))]))
        }
        #expect(!again.created && !latest.created)
    }

    @Test("forgetting takes entries out of whichever table holds them")
    func forgetReachesBothTables() throws {
        let (_, store) = try Self.store(limit: 4)
        try store.write { w in try w.assert(FactAssertion("likes", entities: "ann", "tea")) }
        try store.write { w in try w.assert(FactAssertion("likes", entities: "ann", "cake")) }
        try store.write { w in try w.assert(FactAssertion("knows", entities: "bob", "ann")) }
        #expect(try Self.entries(store) == (4, 2))
        let ann = try #require(try store.read { try $0.entityID(named: "ann") })
        _ = try store.write { w in try w.forget(NodeID(.entity, ann)) }
        #expect(try Self.entries(store) == (0, 0))
        try Self.expectIndexMatchesRoles(store)
        #expect(try store.read { try $0.facts(matching: FactPattern("knows", entities: "bob", nil)) }.isEmpty)
    }

    @Test("list items, literals, rollbacks and forgets keep the index equal to the stored roles")
    func indexMatchesRolesThroughAMixedHistory() throws {
        let (_, store) = try Self.store(limit: 5)
        for i in 0..<13 {
            try store.write { w in
                try w.assert(
                    FactAssertion(
                        "met",
                        [
                            Argument(.entity("p\(i % 4)")),
                            Argument(.list([.entity("q\(i % 3)"), .literal(.text("at \(i)")), .literal(.number(Double(i)))])),
                        ]))
            }
            if i % 5 == 4 {
                #expect(
                    mnemoError {
                        try store.write { w in
                            try w.assert(FactAssertion("met", entities: "ghost", "p\(i)"))
                            throw MnemoError(.invalid, "abandoned")
                        }
                    }?.code == .invalid)
            }
        }
        let (settled, recent) = try Self.entries(store)
        #expect(settled > 0 && recent > 0)
        try Self.expectIndexMatchesRoles(store)
        // Facts 1, 5 and 9 have settled entries, 13 recent ones.
        try store.write { w in for id in [1, 5, 9, 13] as [Int64] { _ = try w.forget(NodeID(.fact, id)) } }
        try Self.expectIndexMatchesRoles(store)
        #expect(try store.read { try $0.facts(matching: FactPattern("met", entities: "ghost", nil)) }.isEmpty)
    }

    @Test("roles put back behind the store's back (an undo's changeset) are indexed again, once")
    func reindexesRolesPutBack() throws {
        let (_, store) = try Self.store(limit: 4)
        let facts = try (0..<3).map { i in
            try store.write { w in try w.assert(FactAssertion("likes", entities: "ann", "dish \(i)")) }.factID
        }
        // Entries of facts 1 and 2 are settled, those of fact 3 recent. Take
        // fact 1's out and fact 3's roles out of the index, as a changeset putting
        // rows back would leave them.
        try store.write { w in
            try w.db.execute(sql: "DELETE FROM fact_filler_settled WHERE fact_id = ?", arguments: [facts[0]])
            try w.db.execute(sql: "DELETE FROM fact_filler_recent WHERE fact_id = ? AND position = 1", arguments: [facts[2]])
        }
        #expect(try store.read { try $0.facts(matching: FactPattern("likes", entities: "ann", nil)) }.map(\.id) == [facts[1], facts[2]])
        try store.write { w in try w.reindexFacts(facts) }
        try Self.expectIndexMatchesRoles(store)
        #expect(try store.read { try $0.facts(matching: FactPattern("likes", entities: "ann", nil)) }.map(\.id) == facts)
    }

    @Test("a move that fails is undone alone: the write that reached the limit commits, and the next write moves the entries")
    func failedMoveKeepsTheWrite() throws {
        let (_, store) = try Self.store(limit: 4)
        try store.write { w in try w.assert(FactAssertion("likes", entities: "ann", "tea")) }
        // Stands in for a full disk: the settled table refuses every insert.
        try store.write { w in
            try w.db.execute(sql: "CREATE TEMP TRIGGER refuse BEFORE INSERT ON main.fact_filler_settled BEGIN SELECT RAISE(ABORT, 'no room'); END")
        }
        let written = try store.write { w in try w.assert(FactAssertion("likes", entities: "bob", "tea")) }
        #expect(written.created)
        #expect(try Self.entries(store) == (0, 4))
        try Self.expectIndexMatchesRoles(store)
        // The next commit, whatever it writes, moves them.
        try store.write { w in try w.db.execute(sql: "DROP TRIGGER temp.refuse") }
        #expect(try Self.entries(store) == (4, 0))
        try Self.expectIndexMatchesRoles(store)
    }

    @Test("after writes roll back, the next ones still move the entries exactly when due")
    func countsSurviveRollbacks() throws {
        let (_, store) = try Self.store(limit: 4)
        try store.write { w in try w.assert(FactAssertion("likes", entities: "ann", "tea")) }
        try store.write { w in try w.assert(FactAssertion("likes", entities: "bob", "tea")) }
        #expect(try Self.entries(store) == (4, 0))
        for _ in 0..<3 {
            #expect(
                mnemoError {
                    try store.write { w in
                        try w.assert(FactAssertion("likes", entities: "ghost", "tea"))
                        throw MnemoError(.invalid, "abandoned")
                    }
                }?.code == .invalid)
        }
        try store.write { w in try w.assert(FactAssertion("likes", entities: "cy", "tea")) }
        #expect(try Self.entries(store) == (4, 2))
        try store.write { w in try w.assert(FactAssertion("likes", entities: "dee", "tea")) }
        #expect(try Self.entries(store) == (8, 0))
        try Self.expectIndexMatchesRoles(store)
    }

    @Test("a version-7 file is upgraded to the filler index keyed by value first, each entry kept in its table")
    func upgradeToValueFirstKeys() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("v7.sqlite")
        var options = StoreOptions.upTo(7)
        options.recentFillerLimit = 4
        try closed(MemoryStore(path: path, options: options)) { old in
            try old.write { w in try w.assert(FactAssertion("likes", entities: "ann", "tea")) }
            try old.write { w in try w.assert(FactAssertion("likes", entities: "bob", "tea")) }
            try old.write { w in try w.assert(FactAssertion("likes", [Argument(.entity("cy")), Argument(.literal(.text("cake")))])) }
            #expect(try Self.entries(old) == (4, 2))
        }
        options.migrateUpTo = nil
        let store = try MemoryStore(path: path, options: options)
        #expect(try store.schemaVersion() >= 8)
        for table in ["fact_filler_settled", "fact_filler_recent"] {
            let key = try store.read { try String.fetchAll($0.db, sql: "SELECT name FROM pragma_index_info('sqlite_autoindex_\(table)_1') ORDER BY seqno") }
            #expect(key == ["value", "kind", "predicate_id", "position", "fact_id", "item"], "\(table)")
        }
        #expect(try Self.entries(store) == (4, 2))
        try Self.expectIndexMatchesRoles(store)
        #expect(try store.read { try $0.facts(matching: FactPattern("likes", entities: nil, "tea")) }.count == 2)
        #expect(try store.read { try $0.facts(matching: FactPattern("likes", entities: "cy", nil)) }.count == 1)
        // The delete trigger came back: forgetting ann takes her settled entries.
        let ann = try #require(try store.read { try $0.entityID(named: "ann") })
        _ = try store.write { w in try w.forget(NodeID(.entity, ann)) }
        #expect(try Self.entries(store) == (2, 2))
        try Self.expectIndexMatchesRoles(store)
        // And the next move still happens when due.
        try store.write { w in try w.assert(FactAssertion("likes", entities: "dee", "tea")) }
        #expect(try Self.entries(store) == (6, 0))
        try Self.expectIndexMatchesRoles(store)
    }

    @Test("a role cannot be rewritten in place, where its entry would not follow")
    func rolesAreNotUpdated() throws {
        let (_, store) = try Self.store(limit: nil)
        try store.write { w in try w.assert(FactAssertion("likes", entities: "ann", "tea")) }
        let error = mnemoError { try store.write { w in try w.db.execute(sql: "UPDATE fact_role SET value = value + 1") } }
        #expect(error?.message.contains("not updated in place") == true)
        try Self.expectIndexMatchesRoles(store)
    }

    @Test("with the default limit, entries stay recent until there are 16,384 of them")
    func defaultLimit() throws {
        let (_, store) = try Self.store(limit: nil)
        try store.write { w in
            for i in 0..<8_191 { try w.assert(FactAssertion("next", entities: "n\(i)", "n\(i + 1)")) }
        }
        #expect(try Self.entries(store) == (0, 16_382))
        try store.write { w in try w.assert(FactAssertion("next", entities: "last", "first")) }
        #expect(try Self.entries(store) == (16_384, 0))
        try store.write { w in try w.settleFillers() }
        #expect(try Self.entries(store) == (16_384, 0))
    }
}
