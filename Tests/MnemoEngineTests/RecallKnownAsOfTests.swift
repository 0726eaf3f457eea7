import Foundation
import MnemoModel
import MnemoQuery
import MnemoStore
import Synchronization
import Testing

@testable import MnemoEngine

/// `recall … known as of K` on a scripted timeline of recorded times (the
/// store's clock is set by hand between writes), through the executor over a
/// real SQLite file: a supersession, a retraction and a late correction,
/// episodes told along the way. Its facts must be exactly those `match …
/// known as of K` finds, with the valid interval believed at `K`.
@Suite("recall known as of on a scripted timeline")
struct RecallKnownAsOfTests {
    /// The store's clock, set by hand: the recorded time of the next writes.
    final class Clock: Sendable {
        private let current = Mutex(Timestamp(microseconds: 0))
        func set(_ iso: String) { current.withLock { $0 = Timestamp(iso8601: iso)! } }
        func now() -> Timestamp { current.withLock { $0 } }
    }

    final class Timeline: Sendable {
        let directory = NSTemporaryDirectory() + "mnemo-knownasof-\(UUID().uuidString)"
        let clock = Clock()
        let executor: Executor

        /// Recorded 2020-06: Mel lives in Paris from 2019 (f:1), worked at
        /// Acme 2018 to mid-2020 (f:2), likes tea (f:3, no valid time), e:1.
        /// Recorded 2022-03: Berlin from Feb 2022 supersedes Paris (f:4); owns
        /// a boat from 2021 (f:5); e:2. Recorded 2023-06: the boat retracted.
        /// Recorded 2024-05, a late correction: London from 2021 (f:6) closes
        /// Paris at 2021 and is closed by Berlin; e:3 names London.
        init() throws {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            var options = StoreOptions()
            options.clock = { [clock] in clock.now() }
            executor = Executor(space: Space(name: "t", store: try MemoryStore(path: directory + "/t.sqlite", options: options)))
            for (recorded, statements) in [
                (
                    "2020-06-01T00:00:00Z",
                    [
                        "declare lives_in(person, city) functional",
                        "assert lives_in(Mel, Paris) from 2019-01-01",
                        "assert works_at(Mel, Acme) from 2018-01-01 to 2020-06-01",
                        "assert likes(Mel, Tea)",
                        #"remember "Mel moved to Paris" by Mel at 2019-01-05T10:00 in scene "a""#,
                    ]
                ),
                (
                    "2022-03-01T00:00:00Z",
                    [
                        "assert lives_in(Mel, Berlin) from 2022-02-01",
                        "assert owns(Mel, Boat) from 2021-01-01",
                        #"remember "Mel is settled in Berlin" by Mel at 2022-02-20T10:00 in scene "b""#,
                    ]
                ),
                ("2023-06-01T00:00:00Z", ["retract f:5"]),
                (
                    "2024-05-01T00:00:00Z",
                    [
                        "assert lives_in(Mel, London) from 2021-01-01",
                        #"remember "In 2021 Mel lived in London" by Mel at 2024-05-01T10:00 in scene "c""#,
                    ]
                ),
            ] {
                clock.set(recorded)
                for statement in statements { _ = try run(statement) }
            }
        }

        deinit { try? FileManager.default.removeItem(atPath: directory) }

        func run(_ text: String) throws -> [[String: Any]] {
            try executor.run(Parser.parse(text)!).map {
                try JSONSerialization.jsonObject(with: Data($0.serialized.utf8)) as? [String: Any] ?? [:]
            }
        }

        /// The answers of a recall about Mel, by id.
        func recall(_ clauses: String, text: String = "Mel") throws -> [String: [String: Any]] {
            let lines = try run(#"recall "\#(text)" about Mel limit 50 "# + clauses)
            return Dictionary(lines.map { ($0["id"] as? String ?? "?", $0) }, uniquingKeysWith: { a, _ in a })
        }

        /// The ids a recall about Mel answers, in id order.
        func recalled(_ clauses: String) throws -> [String] { try recall(clauses).keys.sorted() }

        /// The facts `match` finds about Mel with these time clauses, over
        /// every predicate of the timeline, in id order.
        func matched(_ clauses: String) throws -> [String] {
            try ["lives_in", "works_at", "likes", "owns"].flatMap { predicate in
                try run("match \(predicate)(Mel, ?x) \(clauses)").flatMap { $0["facts"] as? [String] ?? [] }
            }.sorted()
        }
    }

    static let recordedTimes = [
        "2019-12-31", "2020-06-01", "2021-01-01", "2022-02-28", "2022-03-01", "2023-01-01", "2023-06-01", "2024-04-30",
        "2024-05-01", "2030-01-01",
    ]
    static let validTimes = ["2018-06-01", "2020-01-01", "2021-06-01", "2022-01-01", "2023-01-01", "2025-01-01"]

    @Test("its facts are exactly those match … known as of finds, at every recorded time, alone or with as of")
    func agreesWithMatch() throws {
        let t = try Timeline()
        for k in Self.recordedTimes {
            let recalled = try t.recalled("known as of \(k)").filter { $0.hasPrefix("f:") }
            #expect(recalled == (try t.matched("known as of \(k)")), "known as of \(k)")
            for v in Self.validTimes {
                let both = try t.recalled("as of \(v) known as of \(k)").filter { $0.hasPrefix("f:") }
                #expect(both == (try t.matched("as of \(v) known as of \(k)")), "as of \(v) known as of \(k)")
            }
        }
    }

    @Test("what was believed then, not what is believed now about then")
    func differsFromAsOf() throws {
        let t = try Timeline()
        // Now: mid-2021 was London (the correction); the boat is retracted.
        #expect(try t.recalled("as of 2021-06-01") == ["e:1", "f:3", "f:6"])
        // Known as of 2023: mid-2021 was Paris, and the boat, retracted later, counts.
        #expect(try t.recalled("as of 2021-06-01 known as of 2023-01-01") == ["e:1", "f:1", "f:3", "f:5"])
        // Known as of 2021: Paris open-ended, so Paris in 2023 too; Berlin unknown.
        #expect(try t.recalled("as of 2023-01-01 known as of 2021-01-01") == ["e:1", "f:1", "f:3"])
        // Alone, known as of K asks about K: in 2023, Berlin; e:2 recorded 2022 had happened.
        #expect(try t.recalled("known as of 2023-01-01") == ["e:1", "e:2", "f:3", "f:4", "f:5"])
        // After the retraction the boat is gone; after the correction, London.
        #expect(try t.recalled("as of 2021-06-01 known as of 2023-06-01") == ["e:1", "f:1", "f:3"])
        #expect(try t.recalled("as of 2021-06-01 known as of 2024-05-01") == ["e:1", "f:3", "f:6"])
        // Nothing was recorded before mid-2020.
        #expect(try t.recalled("known as of 2019-12-31").isEmpty)
        #expect(try t.recalled("as of 2021-06-01 known as of 2030-01-01") == (try t.recalled("as of 2021-06-01")))
    }

    @Test("a fact comes back with the valid interval believed then")
    func believedInterval() throws {
        let t = try Timeline()
        let paris2023 = try #require(try t.recall("as of 2021-06-01 known as of 2023-01-01")["f:1"])
        #expect(paris2023["valid_to"] as? String == "2022-02-01T00:00:00Z")
        #expect(paris2023["recorded_at"] as? String == "2022-03-01T00:00:00Z")
        let paris2021 = try #require(try t.recall("known as of 2021-01-01")["f:1"])
        #expect(paris2021["valid_to"] is NSNull)
        // Now Paris is superseded by London, recorded in 2024: a belief of 2023
        // or 2021 names no fact that supersedes it, as `history` shows it.
        #expect(try t.recall("as of 2020-01-01")["f:1"]?["superseded_by"] as? String == "f:6")
        for earlier in [paris2023, paris2021] { #expect(earlier["superseded_by"] == nil || earlier["superseded_by"] is NSNull) }
        let boat = try #require(try t.recall("known as of 2023-01-01")["f:5"])
        #expect(boat["retracted_at"] as? String == "2023-06-01T00:00:00Z")
        // During 2021, as believed in 2023: Paris held through it, the boat from its start.
        #expect(try t.recalled("during 2021 known as of 2023-01-01") == ["f:1", "f:3", "f:5"])
        // Now: London, and e:3, told in 2024, names 2021.
        #expect(try t.recalled("during 2021") == ["e:3", "f:3", "f:6"])
    }

    @Test("what was recorded after K is not answered, nor does it seed")
    func laterEpisodes() throws {
        let t = try Timeline()
        #expect(try t.recall("as of 2025-01-01", text: "London").keys.contains("e:3"))
        // Valid in 2025, but told in 2024: not known in 2023.
        let before = try t.recall("as of 2025-01-01 known as of 2023-01-01 explain", text: "London")
        #expect(!before.isEmpty && !before.keys.contains("e:3") && !before.keys.contains("f:6"))
        // The word finds e:3 and the name London, both recorded in 2024: Mel alone seeds.
        for (id, line) in before {
            let seeds = (line["seeds"] as? [[String: Any]] ?? []).map { "\($0["seed"] ?? "") \($0["name"] ?? $0["node"] ?? "")" }
            #expect(seeds == ["about Mel"], "\(id)")
        }
    }

    @Test("explain works under known as of: the same answers, each with its paths and seeds")
    func explains() throws {
        let t = try Timeline()
        let plain = try t.recall("as of 2021-06-01 known as of 2023-01-01")
        let explained = try t.recall("as of 2021-06-01 known as of 2023-01-01 explain")
        #expect(plain.keys.sorted() == explained.keys.sorted())
        for (id, line) in explained {
            let paths = try #require(line["paths"] as? [[String: Any]], "\(id)")
            let seeds = try #require(line["seeds"] as? [[String: Any]], "\(id)")
            #expect(paths.count == 1 && !seeds.isEmpty, "\(id)")
            // Every step of the path is something known at the time.
            for step in paths.first?["via"] as? [String] ?? [] { #expect(!["f:6", "e:3"].contains(step), "\(id) via \(step)") }
        }
    }
}
