import GRDB
import Testing

/// New episodes reach the FTS5 index once per transaction (schema version 4):
/// a pipelined batch must still index every episode it keeps, none it lost,
/// and leave the index consistent with its content table.
@Suite("the full-text index under pipelined writes")
struct FullTextBatchTests {
    @Test("every episode of a pipelined batch is found by text; one forgotten in the same batch is not, and the index stays consistent")
    func batchIndexing() throws {
        let daemon = try Daemon()
        let c = try daemon.connect()
        try c.send([
            #"remember "The violin lesson ran late" by ann at 2024-03-01T10:00"#,
            #"remember "Bob bought a violin for the concert" by bob at 2024-03-01T11:00"#,
            "forget e:2",
            #"remember "Violin strings came from the old shop" by ann at 2024-03-02T09:00"#,
            "assert likes(ann, tea) from 2024-01-01 to 2023-01-01",
            #"remember "A cello joined the violin quartet" by cy at 2024-03-03T09:00"#,
        ].joined(separator: "\n") + "\n")
        let answers = try (0..<6).map { _ in try c.readAnswer() }
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
