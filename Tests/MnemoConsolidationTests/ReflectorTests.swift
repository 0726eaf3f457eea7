import Foundation
import GRDB
import MnemoModel
import MnemoStore
import Testing

@testable import MnemoConsolidation

/// Writes an executable shell script and returns its path.
func script(_ m: Memory, _ name: String, _ body: String) throws -> String {
    let path = m.directory + "/" + name
    try ("#!/bin/sh\n" + body).write(toFile: path, atomically: true, encoding: .utf8)
    chmod(path, 0o755)
    return path
}

@Suite("Pass 7: the reflector hook", .serialized)
struct ReflectorTests {
    @Test("Scenes go to the command as JSON; its summaries and facts are stored with provenance reflector")
    func stores() throws {
        let m = try Memory()
        try m.say("We adopted a puppy named Rex.", by: "Ann", at: "2023-01-05T10:00:00Z", scene: "news")
        // The script keeps what it was sent, and answers for the first scene it was given.
        let reflector = try script(
            m, "reflect.sh",
            """
            cat > "\(m.directory)/request.json"
            scene=$(grep -o '"id":"s:[0-9]*"' "\(m.directory)/request.json" | head -1 | cut -d'"' -f4)
            episode=$(grep -o '"id":"e:[0-9]*"' "\(m.directory)/request.json" | head -1 | cut -d'"' -f4)
            echo "{\\"summaries\\":[{\\"scene\\":\\"$scene\\",\\"text\\":\\"Ann got a dog.\\"}],\\"facts\\":[{\\"predicate\\":\\"owns\\",\\"args\\":[\\"Ann\\",\\"Rex\\"],\\"scene\\":\\"$scene\\",\\"sources\\":[\\"$episode\\"],\\"confidence\\":0.7}]}"
            """)
        m.settings.reflector = reflector
        let report = try m.consolidate()
        #expect(report.count("reflector", "summaries") == 1)
        #expect(report.count("reflector", "facts") == 1)
        let request = try String(contentsOfFile: m.directory + "/request.json", encoding: .utf8)
        #expect(request.contains("We adopted a puppy named Rex."))
        #expect(try m.store.read { try $0.scene(titled: "news") }?.reflection == "Ann got a dog.")
        let fact = try #require(try m.store.read { r in try r.facts(involving: r.entityID(named: "Rex")!) }.first)
        #expect(fact.origin == "reflector")
        #expect(fact.confidence == 0.7)
        #expect(fact.sources.count == 1)
        #expect(fact.sceneID != nil)
        // Reflected scenes are not sent again.
        #expect(try m.consolidate().changes == 0)
        // Undone, the fact leaves the filler index with its roles.
        #expect(try m.count("SELECT COUNT(*) FROM fact_filler WHERE fact_id = ?", [fact.id]) == 2)
        _ = try m.consolidator.undo(report.run)
        #expect(try m.count("SELECT COUNT(*) FROM fact_role WHERE fact_id = ?", [fact.id]) == 0)
        #expect(try m.count("SELECT COUNT(*) FROM fact_filler WHERE fact_id = ?", [fact.id]) == 0)
    }

    @Test(
        "A reflector that fails, hangs or answers bad JSON is logged and the run completes",
        arguments: [
            ("exit 3", "exited with status 3"),
            ("sleep 5", "took longer than"),
            ("cat >/dev/null; echo 'not json'", "not the expected JSON"),
            // SQLite would give the text back cut at the NUL: refused, not stored cut.
            (#"cat >/dev/null; printf '%s' '{"summaries":[{"scene":"s:1","text":"cut \u0000 here"}]}'"#, "U+0000"),
        ])
    func failures(body: String, message: String) throws {
        let m = try Memory()
        try m.say("Something happened.", by: "Ann", at: "2023-01-05T10:00:00Z", scene: "news")
        m.settings.reflector = try script(m, "bad.sh", body)
        m.settings.reflectorTimeoutSeconds = 0.5
        let report = try m.consolidate()
        #expect(report.failure == nil)
        #expect(report.count("reflector", "failed_batches") == 1)
        #expect(report.warnings.contains { $0.contains(message) })
        // The other passes did their work, and the scene will be offered again.
        #expect(report.count("scenes", "summaries") == 1)
        #expect(try m.store.read { try $0.scene(titled: "news") }?.reflection == nil)
    }
}
