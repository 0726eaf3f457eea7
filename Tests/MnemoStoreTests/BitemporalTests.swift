import MnemoModel
import MnemoStore
import Testing

@Suite("bitemporal facts")
struct BitemporalTests {
    @Test("a functional predicate supersedes the current value and keeps both versions")
    func functionalSupersession() throws {
        let s = try TestStore(startingAt: "2021-03-02T00:00:00Z")
        let acme = try s.store.write { w in
            try w.declare(PredicateDeclaration(name: "works_at", roles: ["person", "organisation"], functional: true))
            return try w.assert(FactAssertion("works_at", [Argument(.entity("alice")), Argument(.entity("acme"))], validFrom: t("2021-03-01"))).factID
        }
        s.clock.set("2023-01-02T00:00:00Z")
        let outcome = try s.store.write { w in
            try w.assert(FactAssertion("works_at", [Argument(.entity("alice")), Argument(.entity("globex"))], validFrom: t("2023-01-01")))
        }
        #expect(outcome.created && outcome.supersedes == [acme])
        let old = try #require(try s.store.read { try $0.fact(id: acme) })
        let new = try #require(try s.store.read { try $0.fact(id: outcome.factID) })
        #expect(old.valid == TimeRange(from: t("2021-03-01"), to: t("2023-01-01")))
        #expect(old.supersededBy == new.id && old.recorded.to == nil)
        #expect(new.valid == TimeRange(from: t("2023-01-01"), to: nil))
        let now = try s.store.read { try $0.facts(matching: FactPattern("works_at", entities: "alice", nil), time: TimeFilter(asOf: t("2024-01-01"))) }
        #expect(now.map(\.id) == [new.id])
        let then = try s.store.read { try $0.facts(matching: FactPattern("works_at", entities: "alice", nil), time: TimeFilter(asOf: t("2022-01-01"))) }
        #expect(then.map(\.id) == [acme])
    }

    @Test("a new value without a time supersedes from the moment it is recorded")
    func supersessionWithoutTime() throws {
        let s = try TestStore(startingAt: "2022-01-01T00:00:00Z")
        try s.store.write { w in
            try w.declare(PredicateDeclaration(name: "mood", roles: ["person", "value"], functional: true))
            try w.assert(FactAssertion("mood", entities: "bob", "calm"))
        }
        s.clock.set("2022-06-01T00:00:00Z")
        let second = try s.store.write { w in try w.assert(FactAssertion("mood", entities: "bob", "tired")) }
        let versions = try s.store.read { try $0.facts(matching: FactPattern("mood", entities: "bob", nil)) }
        #expect(versions.count == 2)
        #expect(versions[0].valid == TimeRange(from: nil, to: t("2022-06-01")))
        #expect(versions[1].id == second.factID && versions[1].valid == TimeRange(from: t("2022-06-01"), to: nil))
        // Re-asserting the old value later supersedes again rather than reviving the closed fact.
        s.clock.set("2022-09-01T00:00:00Z")
        let third = try s.store.write { w in try w.assert(FactAssertion("mood", entities: "bob", "calm")) }
        #expect(third.created && third.supersedes == [second.factID])
    }

    /// The scripted timeline: Alice lived in Paris (recorded 2020), moved to
    /// Berlin in Feb 2022 (recorded Mar 2022); in May 2024 the memory learns she
    /// had in fact lived in London from 2021 until the move to Berlin.
    func lateCorrectionTimeline() throws -> (TestStore, paris: Int64, berlin: Int64, london: Int64) {
        let s = try TestStore(startingAt: "2020-06-01T00:00:00Z")
        let paris = try s.store.write { w in
            try w.declare(PredicateDeclaration(name: "lives_in", roles: ["person", "place"], functional: true))
            return try w.assert(FactAssertion("lives_in", [Argument(.entity("alice")), Argument(.entity("paris"))], validFrom: t("2019-01-01"))).factID
        }
        s.clock.set("2022-03-01T00:00:00Z")
        let berlin = try s.store.write { w in
            try w.assert(FactAssertion("lives_in", [Argument(.entity("alice")), Argument(.entity("berlin"))], validFrom: t("2022-02-01"))).factID
        }
        s.clock.set("2024-05-01T00:00:00Z")
        let london = try s.store.write { w in
            try w.assert(FactAssertion("lives_in", [Argument(.entity("alice")), Argument(.entity("london"))], validFrom: t("2021-01-01")))
        }
        #expect(london.supersedes == [paris] && london.supersededBy == [berlin])
        return (s, paris, berlin, london.factID)
    }

    func place(_ s: TestStore, asOf: String, knownAsOf: String? = nil) throws -> [String] {
        try s.store.read { r in
            try r.facts(
                matching: FactPattern("lives_in", entities: "alice", nil),
                time: TimeFilter(asOf: t(asOf), knownAsOf: knownAsOf.map(t)))
        }.map { $0.roleValues[1].text }
    }

    @Test("as of answers with what is believed now about a past moment")
    func asOfAfterCorrection() throws {
        let (s, _, _, london) = try lateCorrectionTimeline()
        #expect(try place(s, asOf: "2020-06-01") == ["paris"])
        #expect(try place(s, asOf: "2021-06-01") == ["london"])
        #expect(try place(s, asOf: "2023-01-01") == ["berlin"])
        let corrected = try #require(try s.store.read { try $0.fact(id: london) })
        #expect(corrected.valid == TimeRange(from: t("2021-01-01"), to: t("2022-02-01")))
        #expect(corrected.recorded.from == t("2024-05-01"))
    }

    @Test("known as of answers with what the memory believed then")
    func knownAsOfBeforeCorrection() throws {
        let (s, _, _, _) = try lateCorrectionTimeline()
        // Before the correction was recorded, mid-2021 was Paris.
        #expect(try place(s, asOf: "2021-06-01", knownAsOf: "2023-01-01") == ["paris"])
        // Before Berlin was recorded, Paris was believed open-ended.
        #expect(try place(s, asOf: "2023-01-01", knownAsOf: "2021-01-01") == ["paris"])
        #expect(try place(s, asOf: "2023-01-01", knownAsOf: "2022-04-01") == ["berlin"])
        // Before anything was recorded, nothing was known.
        #expect(try place(s, asOf: "2020-01-01", knownAsOf: "2019-12-31").isEmpty)
        // After the correction: London.
        #expect(try place(s, asOf: "2021-06-01", knownAsOf: "2024-06-01") == ["london"])
    }

    @Test("history lists every belief with both intervals")
    func history() throws {
        let (s, paris, berlin, london) = try lateCorrectionTimeline()
        let versions = try s.store.read { try $0.history(of: FactPattern("lives_in", entities: "alice", nil)) }
        let summary = versions.map { "\($0.id) \($0.valid) \($0.recorded)" }
        #expect(
            summary == [
                "\(paris) [2019-01-01T00:00:00Z, +∞) [2020-06-01T00:00:00Z, 2022-03-01T00:00:00Z)",
                "\(paris) [2019-01-01T00:00:00Z, 2022-02-01T00:00:00Z) [2022-03-01T00:00:00Z, 2024-05-01T00:00:00Z)",
                "\(paris) [2019-01-01T00:00:00Z, 2021-01-01T00:00:00Z) [2024-05-01T00:00:00Z, +∞)",
                "\(berlin) [2022-02-01T00:00:00Z, +∞) [2022-03-01T00:00:00Z, +∞)",
                "\(london) [2021-01-01T00:00:00Z, 2022-02-01T00:00:00Z) [2024-05-01T00:00:00Z, +∞)",
            ])
    }

    @Test("beliefs(at:) says how the beliefs at a recorded time differ from now, as known as of reads them")
    func beliefsAt() throws {
        let (s, paris, berlin, london) = try lateCorrectionTimeline()
        s.clock.set("2024-06-01T00:00:00Z")
        let retracted = try s.store.write { w in
            let id = try w.assert(FactAssertion("owns", [Argument(.entity("alice")), Argument(.entity("boat"))])).factID
            try w.retract(fact: id, at: t("2024-08-01"))
            return id
        }
        func describe(_ k: String) throws -> [String] {
            let b = try s.store.read { try $0.beliefs(at: t(k)) }
            return b.unknown.filter { $0.kind == .fact }.map { "unknown \($0)" }
                + b.retractedSince.map { "retracted since \($0)" }
                + b.earlier.map { "earlier f:\($0.fact) \($0.valid)" }
        }
        // Mid-2023: Paris was believed to end with Berlin; London not yet known.
        #expect(
            try describe("2023-01-01") == ["unknown f:\(london)", "unknown f:\(retracted)", "earlier f:\(paris) [2019-01-01T00:00:00Z, 2022-02-01T00:00:00Z)"])
        // 2021: Paris open-ended, Berlin not yet known.
        #expect(
            try describe("2021-01-01") == [
                "unknown f:\(berlin)", "unknown f:\(london)", "unknown f:\(retracted)", "earlier f:\(paris) [2019-01-01T00:00:00Z, +∞)",
            ])
        // Between the assertion and the retraction, the boat was believed as it stands.
        #expect(try describe("2024-07-01") == ["retracted since f:\(retracted)"])
        #expect(try describe("2024-09-01").isEmpty)
        // Before anything was recorded: every fact, every entity.
        let first = try s.store.read { try $0.beliefs(at: t("2020-01-01")) }
        #expect(Set(first.unknown.filter { $0.kind == .fact }.map(\.number)) == [paris, berlin, london, retracted])
        #expect(first.unknown.contains { $0.kind == .entity } && first.earlier.isEmpty && first.retractedSince.isEmpty)
    }
}
