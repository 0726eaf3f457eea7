import Foundation
import MnemoModel
import MnemoQuery
import MnemoStore
import Testing

@testable import MnemoEngine
@testable import MnemoRecall

/// `recall … as of T` and `recall … during I` on a scripted timeline, through
/// the executor over a real SQLite file: facts asserted with from/to, one
/// superseded by a functional predicate, one retracted, one with no valid
/// time; episodes at their times and with times their text names.
@Suite("recall's time filters on a scripted timeline")
struct RecallTimeFilterTests {
    /// The timeline, on a space of its own.
    static func timeline() throws -> SpaceOnFile {
        let t = try SpaceOnFile()
        for statement in [
            "declare lives_in(person, city) functional",
            "assert lives_in(Mel, Paris) from 2019-01-01", // f:1, closed at 2022-02-01 by f:2
            "assert lives_in(Mel, Berlin) from 2022-02-01", // f:2
            "assert works_at(Mel, Acme) from 2018-01-01 to 2020-06-01", // f:3, ended, not superseded
            "assert likes(Mel, Tea)", // f:4, no valid time: valid since always
            "assert owns(Mel, Boat) from 2021-01-01", // f:5, retracted below
            "retract f:5",
            #"remember "Mel moved to Paris" by Mel at 2019-01-05T10:00 in scene "a""#, // e:1
            #"remember "Back in 2021 Mel sailed every weekend" by Mel at 2023-03-01T10:00 in scene "b""#, // e:2
            #"remember "Mel is settled in Berlin" by Mel at 2022-06-15T10:00 in scene "c""#, // e:3
        ] { _ = try t.run(statement) }
        return t
    }

    @Test("as of T: what was valid at T and is believed now; superseded or ended facts only while they held; never the retracted")
    func asOf() throws {
        let t = try Self.timeline()
        #expect(try t.recalled("") == ["e:1", "e:2", "e:3", "f:2", "f:3", "f:4"])
        #expect(try t.recalled("as of 2020-01-01") == ["e:1", "f:1", "f:3", "f:4"])
        // Paris ended when Berlin began, Acme in 2020: neither is admitted after.
        #expect(try t.recalled("as of 2023-01-01") == ["e:1", "e:3", "f:2", "f:4"])
        #expect(try t.recalled("as of 2022-01-31T23:59") == ["e:1", "f:1", "f:4"])
        #expect(try t.recalled("as of 2022-02-01") == ["e:1", "f:2", "f:4"])
        #expect(try t.recalled("as of 2018-06-01") == ["f:3", "f:4"])
    }

    @Test("during I: items whose valid time overlaps I — facts that began before it and still held, episodes by their time or the times they name")
    func during() throws {
        let t = try Self.timeline()
        // Paris began in 2019 and held until 2022; e:2 (told in 2023) names 2021.
        #expect(try t.recalled("during 2021-01-01 .. 2021-06-01") == ["e:2", "f:1", "f:4"])
        // Berlin began in February and still holds; e:3 happened in June.
        #expect(try t.recalled("during 2022-06") == ["e:3", "f:2", "f:4"])
        // Valid intervals are [from, to): Paris ends where Berlin begins.
        #expect(try t.recalled("during 2022-01-01 .. 2022-01-31") == ["f:1", "f:4"])
        #expect(try t.recalled("during 2022-02-01 .. 2022-02-28") == ["f:2", "f:4"])
        #expect(try t.recalled("during 2017-01 .. 2018-02") == ["f:3", "f:4"])
        #expect(try t.recalled("during 2019-01 .. 2020-01") == ["e:1", "f:1", "f:3", "f:4"])
        // Both: valid at T and within I.
        #expect(try t.recalled("during 2019-01 .. 2023-01 as of 2021-03-01") == ["e:1", "f:1", "f:4"])
    }

    @Test("the filters follow writes: a fact closed by a later assertion leaves `as of` after its end, without a rebuild")
    func afterWrites() throws {
        let t = try Self.timeline()
        #expect(try t.recalled("as of 2024-01-01").contains("f:2"))
        _ = try t.run("assert lives_in(Mel, Rome) from 2023-06-01") // f:6 closes Berlin
        #expect(try t.recalled("as of 2024-01-01") == ["e:1", "e:2", "e:3", "f:4", "f:6"])
        #expect(try t.recalled("as of 2023-01-01").contains("f:2"))
        #expect(try t.recalled("during 2023-05 .. 2023-07").filter { $0.hasPrefix("f:") } == ["f:2", "f:4", "f:6"])
    }

    @Test("a pinned persona value replaced leaves `as of` after its end, as `persona … as of` does, with the graph built before and after the change")
    func replacedPersonaValue() throws {
        let t = try Self.timeline()
        func personas(_ clauses: String) throws -> [String] {
            try t.run(#"recall "hobby" kinds persona limit 10 "# + clauses).compactMap { $0["value"] as? String }.sorted()
        }
        _ = try t.run(#"persona Mel set hobby = "painting""#)
        #expect(try personas("") == ["painting"]) // builds the graph
        Thread.sleep(forTimeInterval: 0.02)
        let between = Timestamp.now().iso8601
        Thread.sleep(forTimeInterval: 0.02)
        _ = try t.run(#"persona Mel set hobby = "pottery""#)
        let later = "2100-01-01"
        for built in ["refreshed", "rebuilt"] {
            if built == "rebuilt" { t.executor.space.recall.drop() }
            #expect(try personas("") == ["pottery"], "\(built)")
            #expect(try personas("as of \(later)") == ["pottery"], "\(built)")
            #expect(try personas("as of \(between)") == ["painting"], "\(built)")
            let told = try t.run("persona Mel as of \(later)").filter { $0["attribute"] as? String == "hobby" }.compactMap { $0["value"] as? String }
            #expect(told == ["pottery"])
        }
    }
}

extension SpaceOnFile {
    /// The ids a recall about Mel answers, in id order.
    func recalled(_ clauses: String) throws -> [String] {
        try run(#"recall "Mel" about Mel limit 50 "# + clauses).compactMap { $0["id"] as? String }.sorted()
    }
}
