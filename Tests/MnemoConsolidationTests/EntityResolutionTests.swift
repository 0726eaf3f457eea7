import MnemoModel
import MnemoStore
import Testing

@testable import MnemoConsolidation

@Suite("Pass 1: entity resolution")
struct EntityResolutionTests {
    @Test("Spelling variants (punctuation, possessive) are linked same_as to the most mentioned one")
    func spelling() throws {
        let m = try Memory()
        try m.say("Saw Dr. Smith today", by: "ann", at: "2023-01-01T10:00:00Z", scene: "a", mentions: ["Dr. Smith"])
        try m.say("Dr Smith again", by: "ann", at: "2023-01-02T10:00:00Z", scene: "b", mentions: ["Dr Smith"])
        try m.say("Dr Smith called", by: "ann", at: "2023-01-03T10:00:00Z", scene: "c", mentions: ["Dr Smith"])
        try m.say("Caroline's plan", by: "ann", at: "2023-01-03T11:00:00Z", scene: "c", mentions: ["Caroline's", "Caroline"])
        let report = try m.consolidate()
        #expect(report.count("entities", "linked") == 2)
        let smith: Int64? = try m.sql("SELECT id FROM entity WHERE norm = 'dr smith'")
        #expect(try m.sql("SELECT to_id FROM entity_link WHERE from_id = (SELECT id FROM entity WHERE norm = 'dr. smith')") == smith)
        // Names resolve to the canonical entity from now on.
        #expect(try m.store.read { try $0.entityID(named: "Dr. Smith") } == smith)
        #expect(try m.store.read { try $0.entityID(named: "caroline's") } == m.store.read { try $0.entityID(named: "caroline") })
    }

    @Test("A nickname is linked only with co-occurrence in enough scenes, and never when both appear in one episode")
    func nicknames() throws {
        let m = try Memory()
        for (i, scene) in ["s1", "s2", "s3"].enumerated() {
            try m.say("Hey Mel, how was it?", by: "Caroline", at: "2023-0\(i + 1)-01T10:00:00Z", scene: scene, addressees: ["Mel"])
            try m.say("It was great", by: "Melanie", at: "2023-0\(i + 1)-01T10:01:00Z", scene: scene)
        }
        // "Jo" appears once beside Joanna: not enough scenes.
        try m.say("Hi Jo", by: "Caroline", at: "2023-05-01T10:00:00Z", scene: "s5", addressees: ["Jo"])
        try m.say("Hello", by: "Joanna", at: "2023-05-01T10:01:00Z", scene: "s5")
        // "Sam" is mentioned beside Samantha in one episode: two people.
        for scene in ["s6", "s7"] {
            try m.say("Sam and Samantha came", by: "Caroline", at: "2023-06-01T10:00:00Z", scene: scene, mentions: ["Sam", "Samantha"])
            try m.say("Nice", by: "Samantha", at: "2023-06-01T10:01:00Z", scene: scene)
        }
        let report = try m.consolidate()
        #expect(report.count("entities", "linked") == 1)
        let melanie = try m.store.read { try $0.entityID(named: "Melanie") }
        #expect(try m.store.read { try $0.entityID(named: "mel") } == melanie)
        #expect(try m.store.read { try $0.entityID(named: "jo") } != m.store.read { try $0.entityID(named: "joanna") })
        #expect(try m.store.read { try $0.entityID(named: "sam") } != m.store.read { try $0.entityID(named: "samantha") })
        let evidence: String? = try m.sql("SELECT evidence FROM entity_link")
        #expect(evidence?.contains("\"shared_scenes\":3") == true)
    }

    @Test("The spelling key sets aside case, punctuation and a possessive")
    func spellingKey() {
        #expect(EntityResolution.spellingKey("Dr. Smith") == EntityResolution.spellingKey("dr smith"))
        #expect(EntityResolution.spellingKey("Caroline's") == "caroline")
        #expect(EntityResolution.spellingKey("Jean-Paul") == "jean paul")
        #expect(EntityResolution.spellingKey("O'Brien") == "obrien")
        #expect(EntityResolution.spellingKey("Anna") != EntityResolution.spellingKey("Anne"))
    }
}
