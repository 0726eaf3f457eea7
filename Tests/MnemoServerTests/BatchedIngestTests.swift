import Foundation
import GRDB
import MnemoClient
import MnemoTestSupport
import Testing

/// New episodes reach the FTS5 index once per transaction (schema version 4):
/// a pipelined batch must still index every episode it keeps, none it lost,
/// and leave the index consistent with its content table.
@Suite("the full-text index under pipelined writes")
struct FullTextBatchTests {
    @Test("every episode of a pipelined batch is found by text; one forgotten in the same batch is not, and the index stays consistent", .opensSpaceFiles)
    func batchIndexing() throws {
        let daemon = try MnemodProcess()
        let c = try daemon.connect()
        try c.sendMany([
            #"remember "The violin lesson ran late" by ann at 2024-03-01T10:00"#,
            #"remember "Bob bought a violin for the concert" by bob at 2024-03-01T11:00"#,
            "forget e:2",
            #"remember "Violin strings came from the old shop" by ann at 2024-03-02T09:00"#,
            "assert likes(ann, tea) from 2024-01-01 to 2023-01-01",
            #"remember "A cello joined the violin quartet" by cy at 2024-03-03T09:00"#,
        ])
        let answers = try (0..<6).map { _ in try c.readResponse() }
        #expect(answers.map(\.code) == [nil, nil, nil, nil, "INVALID", nil])

        let found = try c.request(#"recall "violin" limit 20"#).objects
            .filter { $0["kind"] as? String == "episode" }.compactMap { $0["text"] as? String }
        #expect(Set(found) == ["The violin lesson ran late", "Violin strings came from the old shop", "A cello joined the violin quartet"])

        let queue = try DatabaseQueue(path: daemon.dataDirectory + "/spaces/default.sqlite")
        try queue.write { db in
            // FTS5 raises SQLITE_CORRUPT_VTAB if the index and the episode table disagree.
            try db.execute(sql: "INSERT INTO episode_fts(episode_fts, rank) VALUES ('integrity-check', 1)")
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM episode_fts WHERE episode_fts MATCH 'violin'") == 3)
        }
        try queue.close()
    }
}

/// A batch of `remember`s is prepared (entities, times, rules) on another
/// thread while the writer stores it; the answers must not depend on that.
@Suite("remember prepared ahead of the writer")
struct RememberPreparationTests {
    @Test("pipelined remembers answer exactly what the same remembers answer one at a time")
    func pipelinedEqualsSequential() throws {
        let directory = TemporaryDirectory()
        let rules = directory.file("rules.conf")
        try #"(?<s>\p{Lu}\w+) (?:works|worked) (?:at|for) (?<o>\p{Lu}\w+)  =>  works_at(s, o)"#
            .write(toFile: rules, atomically: true, encoding: .utf8)
        let daemon = try MnemodProcess(config: "rules_file = '\(rules)'\n", directory: directory)
        let c = try daemon.connect()
        let statements = [
            #"remember "Hey Mel! Yesterday I met Jon, he works at Acme now" by caroline at 2023-05-08T13:56"#,
            #"remember "Caroline, Jon worked for Globex last year, before Acme" by melanie at 2023-05-08T13:58"#,
            #"remember "We went camping with Jon in Yosemite last weekend" by caroline at 2023-05-08T14:03"#,
            #"remember "painting class on Friday, then the beach" by melanie at 2023-05-20T09:00"#,
            #"remember "Emma works at Stripe since March" at 2023-06-01T10:00 in scene "news""#,
        ]
        _ = try c.request("use space piped")
        try c.sendMany(statements)
        let piped = try statements.map { _ in try c.readResponse() }
        _ = try c.request("use space single")
        let single = try statements.map { try c.request($0) }

        #expect(piped.allSatisfy { $0.code == nil })
        #expect(piped.map(Self.comparable) == single.map(Self.comparable))
        // The rules ran in the prepared path: two facts came out of the batch.
        #expect(piped.flatMap(\.objects).filter { $0["kind"] as? String == "fact" }.count == 2)
    }

    /// The answer's lines without the recorded times, which differ between two writes.
    static func comparable(_ answer: Response) -> [String] {
        answer.objects.map { object in
            var object = object
            object.removeValue(forKey: "recorded_at")
            let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            return String(decoding: data, as: UTF8.self)
        }
    }
}

/// `remember` leaves the fields recall answers an episode with in recall's
/// cache; they must be the ones read from the store.
@Suite("recall of what was just remembered")
struct RememberedEpisodeCacheTests {
    @Test("an episode recalled right after remember answers exactly as after a restart, when it is read from the store")
    func cachedEqualsStored() throws {
        let directory = TemporaryDirectory()
        var daemon: MnemodProcess? = try MnemodProcess(directory: directory)
        let statements = [
            #"remember "Hey Mel! I went to the LGBTQ support group yesterday" by caroline at 2023-05-08T13:56 in scene "Chat 1" ref "D1:1""#,
            #"remember "Wow Caroline, the support group sounds great. Zoë came too?" by Melanie at 2023-05-08T13:58 in scene "chat 1" ref "D1:2""#,
        ]
        let c = try daemon!.connect()
        try c.sendMany(statements)
        _ = try statements.map { _ in try c.readResponse() }
        let fresh = try c.request(#"recall "support group" limit 5"#).objects
        daemon!.signal(SIGTERM)
        _ = daemon!.waitForExit()
        daemon = nil
        let restarted = try MnemodProcess(directory: directory)
        let stored = try restarted.connect().request(#"recall "support group" limit 5"#).objects
        #expect(fresh.count == 2)
        #expect(Self.withoutScores(fresh) == Self.withoutScores(stored))
    }

    static func withoutScores(_ objects: [[String: Any]]) -> [String] {
        objects.map { object in
            var object = object
            object.removeValue(forKey: "score")
            return String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }.sorted()
    }
}
