import GRDB
import MnemoModel
import Testing

@testable import MnemoStore

@Suite("retract versus forget")
struct RetractForgetTests {
    @Test("retract closes the recorded interval and keeps the fact")
    func retractKeepsHistory() throws {
        let s = try TestStore(startingAt: "2023-01-01T00:00:00Z")
        let id = try s.store.write { w in try w.assert(FactAssertion("likes", entities: "caroline", "painting")).factID }
        s.clock.set("2024-01-01T00:00:00Z")
        let changed = try s.store.write { w in try w.retract(fact: id, at: t("2023-06-01")) }
        #expect(changed)
        let fact = try #require(try s.store.read { try $0.fact(id: id) })
        #expect(fact.recorded == TimeRange(from: t("2023-01-01"), to: t("2023-06-01")))
        // Not believed now...
        #expect(try s.store.read { try $0.facts(matching: FactPattern("likes", entities: "caroline", nil)) }.isEmpty)
        // ...but believed before the retraction, and in the history.
        let before = try s.store.read { try $0.facts(matching: FactPattern("likes", entities: "caroline", nil), time: TimeFilter(knownAsOf: t("2023-03-01"))) }
        #expect(before.map(\.id) == [id])
        #expect(try s.store.read { try $0.history(of: FactPattern("likes", entities: "caroline", nil)) }.count == 1)
        // Retracting again changes nothing; an unknown fact or an early time is an error.
        #expect(try s.store.write { w in try w.retract(fact: id) } == false)
        #expect(mnemoError { try s.store.write { w in try w.retract(fact: 999) } }?.code == .notFound)
        let other = try s.store.write { w in try w.assert(FactAssertion("likes", entities: "caroline", "tea")).factID }
        #expect(mnemoError { try s.store.write { w in try w.retract(fact: other, at: t("2000-01-01")) } }?.code == .invalid)
    }

    @Test("forget deletes a fact for good and journals its id")
    func forgetFact() throws {
        let s = try TestStore()
        let id = try s.store.write { w in try w.assert(FactAssertion("likes", entities: "caroline", "painting")).factID }
        let kept = try s.store.write { w in try w.assert(FactAssertion("likes", entities: "caroline", "tea")).factID }
        let painting = try #require(try s.store.read { try $0.entity(named: "painting") }?.id)
        let report = try s.store.write { w in try w.forget(NodeID(.fact, id)) }
        // Painting was named by that fact alone, and goes with it; caroline is named elsewhere, and so is likes.
        #expect(report.deleted == [NodeID(.fact, id), NodeID(.entity, painting)])
        #expect(try s.store.read { try $0.fact(id: kept) } != nil)
        #expect(try s.store.read { try $0.entity(named: "painting") } == nil)
        #expect(try s.store.read { try $0.entity(named: "caroline") } != nil)
        #expect(try s.store.read { try $0.fact(id: id) } == nil)
        #expect(try s.store.read { try $0.history(of: FactPattern("likes", entities: "caroline", nil)) }.map(\.id) == [kept])
        let rows = try s.store.read { try Int.fetchOne($0.db, sql: "SELECT COUNT(*) FROM fact_role WHERE fact_id = ?", arguments: [id]) }
        #expect(rows == 0)
        let journal = try s.store.read { try Row.fetchOne($0.db, sql: "SELECT target, deleted FROM forget_journal") }
        #expect(journal?[0] == "f:\(id)")
        #expect((journal?[1] as String?)?.contains("painting") == false)
        #expect(mnemoError { try s.store.write { w in _ = try w.forget(NodeID(.fact, id)) } }?.code == .notFound)
    }

    @Test("forgetting an episode deletes the facts only it supports")
    func forgetEpisodeCascades() throws {
        let s = try TestStore()
        let (e1, onlyE1, shared) = try s.store.write { w in
            let e1 = try w.createEpisode(EpisodeInput(text: "I love painting and tea", speaker: "caroline")).episodeID
            let e2 = try w.createEpisode(EpisodeInput(text: "Tea again", speaker: "caroline")).episodeID
            let onlyE1 = try w.assert(FactAssertion("likes", [Argument(.entity("caroline")), Argument(.entity("painting"))], sources: [e1])).factID
            let shared = try w.assert(FactAssertion("likes", [Argument(.entity("caroline")), Argument(.entity("tea"))], sources: [e1, e2])).factID
            return (e1, onlyE1, shared)
        }
        let painting = try #require(try s.store.read { try $0.entity(named: "painting") }?.id)
        let report = try s.store.write { w in try w.forget(NodeID(.episode, e1)) }
        // Painting, named by nothing else, goes too; caroline and tea are named elsewhere.
        #expect(Set(report.deleted) == [NodeID(.episode, e1), NodeID(.fact, onlyE1), NodeID(.entity, painting)])
        #expect(try s.store.read { try $0.episode(id: e1) } == nil)
        #expect(try s.store.read { try $0.fact(id: onlyE1) } == nil)
        let kept = try #require(try s.store.read { try $0.fact(id: shared) })
        #expect(kept.sources.count == 1)
        let hits = try s.store.read { try Int.fetchOne($0.db, sql: "SELECT COUNT(*) FROM episode_fts WHERE episode_fts MATCH 'painting'") }
        #expect(hits == 0)
    }

    @Test("forgetting an entity deletes every fact it fills and its aliases, keeps others")
    func forgetEntityCascades() throws {
        let s = try TestStore()
        let (bob, withBob, without) = try s.store.write { w in
            let bob = try w.entityID(named: "bob")
            try w.alias("bobby", to: "bob")
            let withBob = try w.assert(FactAssertion("met", [Argument(.list([.entity("alice"), .entity("bobby")]), role: "who")])).factID
            let without = try w.assert(FactAssertion("likes", entities: "alice", "tea")).factID
            _ = try w.pinPersonaAttribute(entity: "bob", name: "job", valueJSON: "\"baker\"")
            return (bob, withBob, without)
        }
        let report = try s.store.write { w in try w.forget(NodeID(.entity, bob)) }
        #expect(report.deleted.contains(NodeID(.fact, withBob)))
        #expect(report.deleted.contains { $0.kind == .persona })
        #expect(try s.store.read { try $0.entity(named: "bobby") } == nil)
        #expect(try s.store.read { try $0.fact(id: without) } != nil)
        // The name is free again and creates a new entity.
        let again = try s.store.write { w in try w.entityID(named: "bob") }
        #expect(again != bob)
    }
}
