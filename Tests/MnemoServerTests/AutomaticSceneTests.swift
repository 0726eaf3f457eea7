import Foundation
import MnemoClient
import MnemoTestSupport
import Testing

@Suite("Automatic scenes never refuse a remember", .serialized)
struct AutomaticSceneTests {
    /// Five different texts by one speaker at one minute: after four, the
    /// fifth's new vocabulary makes segmentation open a second scene.
    static let texts = [
        "Booked the flights to Lisbon for the conference in June.",
        "The hotel near the river has a rooftop pool and cheap rooms.",
        "Quarterly budget review moved to Thursday afternoon again.",
        "My grandmother's apple pie recipe needs cinnamon and cloves.",
        "Replaced the bicycle chain, derailleur cable and brake pads.",
    ]

    static func statements(at time: String = "2023-05-08T13:56") -> [String] {
        texts.map { #"remember "\#($0)" by tester at \#(time)"# }
    }

    /// The titles of every scene, oldest first.
    static func titles(_ c: MnemoConnection) throws -> [String] {
        try c.request("scenes").objects.compactMap { $0["title"] as? String }
    }

    @Test("Five remembers by one speaker at one time, one line at a time: all stored, scene titles distinct")
    func oneAtATime() throws {
        let daemon = try MnemodProcess()
        let c = try daemon.connect()
        let answers = try Self.statements().map { try c.request($0) }
        #expect(answers.allSatisfy { $0.code == nil }, "\(answers)")
        #expect(try Self.titles(c) == ["tester 2023-05-08T13:56:00Z", "tester 2023-05-08T13:56:00Z #2"])
        // Each episode is in the scene its answer names.
        let scenes = Set(answers.compactMap { $0.objects.first?["scene_title"] as? String })
        #expect(scenes == ["tester 2023-05-08T13:56:00Z", "tester 2023-05-08T13:56:00Z #2"])
    }

    @Test("The same five pipelined in one batch, and five more after a restart")
    func pipelinedAndRestarted() throws {
        let directory = TemporaryDirectory()
        var daemon: MnemodProcess? = try MnemodProcess(directory: directory)
        var c = try daemon!.connect()
        try c.sendMany(Self.statements())
        var answers = try Self.statements().map { _ in try c.readResponse() }
        #expect(answers.allSatisfy { $0.code == nil }, "\(answers)")
        #expect(try Self.titles(c).count == 2)
        daemon!.signal(SIGTERM)
        #expect(daemon!.waitForExit() == 0)
        daemon = nil
        let again = try MnemodProcess(directory: directory)
        c = try again.connect()
        answers = try Self.statements().map { try c.request($0) }
        #expect(answers.allSatisfy { $0.code == nil }, "\(answers)")
        let titles = try Self.titles(c)
        #expect(titles == ["tester 2023-05-08T13:56:00Z", "tester 2023-05-08T13:56:00Z #2", "tester 2023-05-08T13:56:00Z #3"])
        #expect(Set(titles).count == titles.count, "\(titles)")
    }

    @Test("A rule's fact that cannot be stored leaves the remember stored, and is logged")
    func ruleFactLeftOut() throws {
        let directory = TemporaryDirectory()
        let rules = directory.file("rules.conf")
        // The group may match nothing: an entity with an empty name.
        try #"moved to (?<o>\p{Lu}\w*|)  =>  lives_in(@speaker, o)"#.write(toFile: rules, atomically: true, encoding: .utf8)
        let daemon = try MnemodProcess(config: "rules_file = '\(rules)'\n", directory: directory)
        let c = try daemon.connect()
        let answer = try c.request(#"remember "we moved to nowhere in particular" by tester at 2023-05-08T13:56"#)
        #expect(answer.code == nil, "\(answer)")
        #expect(answer.objects.first?["kind"] as? String == "episode")
        #expect(!answer.objects.contains { $0["kind"] as? String == "fact" })
        let stored = try c.request(#"remember "we moved to Lisbon" by tester at 2023-05-08T13:57"#)
        #expect(stored.objects.contains { $0["kind"] as? String == "fact" })
        let deadline = Date().addingTimeInterval(5)
        while !daemon.log.contains("was not asserted"), Date() < deadline { usleep(20_000) }
        #expect(daemon.log.contains("was not asserted"))
    }
}
