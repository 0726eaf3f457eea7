import Foundation
import GRDB
import MnemoModel
import Testing

@testable import MnemoStore

@Suite("The activation log, folded")
struct ActivationLogTests {
    static let minute: Int64 = 60_000_000

    /// A node's exact rows, and its folded segments oldest first.
    func rows(_ s: TestStore, _ node: NodeID) throws -> (exact: Int, folded: [AccessHistory.Folded]) {
        try s.store.read { r in
            let letter = String(node.kind.rawValue)
            let exact =
                try Int.fetchOne(
                    r.db, sql: "SELECT count(*) FROM activation WHERE node_kind = ? AND node_id = ?",
                    arguments: [letter, node.number]) ?? 0
            let segments = try Row.fetchAll(
                r.db,
                sql: """
                    SELECT count, first_at, last_at FROM activation_folded WHERE node_kind = ? AND node_id = ? ORDER BY first_at
                    """, arguments: [letter, node.number])
            return (exact, segments.map { AccessHistory.Folded(count: $0[0], first: $0[1], last: $0[2]) })
        }
    }

    @Test("1,000 recalls of one episode, written ten at a time as reinforcement does, leave at most foldAbove rows and count all 1,000")
    func recallsFold() throws {
        let s = try TestStore()
        let episode = try s.store.write { w in try w.createEpisode(EpisodeInput(text: "a note")).episodeID }
        let node = NodeID(.episode, episode)
        let start = t("2020-01-01T00:00:00Z").microseconds
        for batch in 0..<100 {
            try s.store.write { w in
                try w.recordRecalls((0..<10).map { (node: node, at: start + Int64(batch * 10 + $0) * Self.minute) })
            }
        }
        let (exact, folded) = try rows(s, node)
        #expect(exact <= AccessHistory.foldAbove && exact >= AccessHistory.exactKept)
        #expect(exact + folded.reduce(0) { $0 + $1.count } == 1_000)
        #expect(folded.count <= AccessHistory.segmentLimit)
        #expect(folded.first?.first == start)
        // The rows kept exactly are the newest.
        let newestFolded = try #require(folded.last).last
        let oldestExact = try s.store.read { r in
            try Int64.fetchOne(r.db, sql: "SELECT min(at) FROM activation WHERE node_kind = 'e' AND node_id = ?", arguments: [episode])
        }
        #expect(try #require(oldestExact) > newestFolded)
        // What the store reads back stands for every access.
        let history = try s.store.read { r in try r.accessHistories(kind: .episode)[node] }
        #expect(history?.count == 1_000)
    }

    @Test("An entity mentioned by 500 episodes keeps a bounded log, counting every mention")
    func mentionsFold() throws {
        let s = try TestStore()
        try s.store.write { w in
            for i in 0..<500 {
                _ = try w.createEpisode(EpisodeInput(text: "note \(i)", speaker: "ann", at: t("2020-01-01T00:00:00Z").adding(seconds: Int64(i) * 60)))
            }
        }
        let ann = try #require(try s.store.read { r in try Int64.fetchOne(r.db, sql: "SELECT id FROM entity WHERE name = 'ann'") })
        let (exact, folded) = try rows(s, NodeID(.entity, ann))
        #expect(exact <= AccessHistory.foldAbove + AccessHistory.exactKept - 1)
        #expect(exact + folded.reduce(0) { $0 + $1.count } == 500)
        #expect(folded.count <= AccessHistory.segmentLimit)
    }

    @Test("An entity's long log is checked at its first mention after the writer's counts were lost (a restart, a rollback)")
    func firstMentionChecks() throws {
        let s = try TestStore()
        try s.store.write { w in _ = try w.createEpisode(EpisodeInput(text: "hello", speaker: "bob")) }
        let bob = try #require(try s.store.read { r in try Int64.fetchOne(r.db, sql: "SELECT id FROM entity WHERE norm = 'bob'") })
        try s.store.write { w in
            for i in 0..<46 { try w.db.execute(sql: "INSERT INTO activation VALUES ('n', ?, ?, 'mentioned')", arguments: [bob, Int64(i)]) }
            w.forgetCachedNames()
        }
        try s.store.write { w in _ = try w.createEpisode(EpisodeInput(text: "again", speaker: "bob")) }
        #expect(try rows(s, NodeID(.entity, bob)).exact == AccessHistory.exactKept)
    }

    @Test("foldActivationLogs folds every log longer than exactKept down to it")
    func foldAll() throws {
        let s = try TestStore()
        let (a, b) = try s.store.write { w in
            (try w.createEpisode(EpisodeInput(text: "one")).episodeID, try w.createEpisode(EpisodeInput(text: "two")).episodeID)
        }
        try s.store.write { w in
            for i in 0..<30 { try w.db.execute(sql: "INSERT INTO activation VALUES ('e', ?, ?, 'recalled')", arguments: [a, Int64(i)]) }
            for i in 0..<5 { try w.db.execute(sql: "INSERT INTO activation VALUES ('e', ?, ?, 'recalled')", arguments: [b, Int64(i)]) }
        }
        let folded = try s.store.write { w in try w.foldActivationLogs() }
        #expect(folded == 30 - AccessHistory.exactKept)
        #expect(try rows(s, NodeID(.episode, a)).exact == AccessHistory.exactKept)
        // The store folds as the in-memory history does.
        var history = AccessHistory(recent: (0..<30).map { Int64($0) })
        history.fold(keeping: AccessHistory.exactKept)
        #expect(try rows(s, NodeID(.episode, a)).folded == history.folded)
        #expect(history.folded.count == 8)
        #expect(try rows(s, NodeID(.episode, b)).exact == 5)
        #expect(try rows(s, NodeID(.episode, b)).folded.isEmpty)
    }

    @Test("forget removes a node's folded accesses with its exact ones")
    func forgetRemovesFolded() throws {
        let s = try TestStore()
        let episode = try s.store.write { w in try w.createEpisode(EpisodeInput(text: "a secret")).episodeID }
        let node = NodeID(.episode, episode)
        try s.store.write { w in try w.recordRecalls((0..<100).map { (node: node, at: Int64($0)) }) }
        #expect(try !rows(s, node).folded.isEmpty)
        _ = try s.store.write { w in try w.forget(node) }
        let after = try rows(s, node)
        #expect(after.exact == 0 && after.folded.isEmpty)
    }

    @Test("A log of 200,000 rows written before folding existed folds in one write, to 16 rows and 8 segments, every access counted")
    func oldLongLog() throws {
        let s = try TestStore()
        let episode = try s.store.write { w in try w.createEpisode(EpisodeInput(text: "an old favourite")).episodeID }
        try s.store.write { w in
            try w.db.execute(
                sql: """
                    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 199999)
                    INSERT INTO activation(node_kind, node_id, at, event) SELECT 'e', ?, i * 1000000, 'recalled' FROM n
                    """, arguments: [episode])
        }
        let node = NodeID(.episode, episode)
        #expect(try s.store.write { w in try w.foldActivationIfLong(node) })
        let (exact, folded) = try rows(s, node)
        #expect(exact == AccessHistory.exactKept)
        #expect(folded.count == AccessHistory.segmentLimit)
        #expect(folded.reduce(0) { $0 + $1.count } == 200_000 - AccessHistory.exactKept)
        #expect(folded.first?.first == 0 && folded.last?.last == Int64(200_000 - AccessHistory.exactKept - 1) * 1_000_000)
    }

    @Test("Recalls at one and the same time: every one counted, the key of the folded rows never repeated")
    func ties() throws {
        let s = try TestStore()
        let episode = try s.store.write { w in try w.createEpisode(EpisodeInput(text: "popular")).episodeID }
        let node = NodeID(.episode, episode)
        for _ in 0..<40 { try s.store.write { w in try w.recordRecalls(Array(repeating: (node: node, at: 42), count: 25)) } }
        let (exact, folded) = try rows(s, node)
        #expect(exact + folded.reduce(0) { $0 + $1.count } == 1_000)
        #expect(folded.count == 1 && folded.first?.first == 42 && folded.first?.last == 42)
    }

    @Test("Rows of nodes that no longer exist are deleted, exact and folded, and no others")
    func orphans() throws {
        let s = try TestStore()
        let episode = try s.store.write { w in try w.createEpisode(EpisodeInput(text: "here")).episodeID }
        try s.store.write { w in
            try w.db.execute(
                sql: "INSERT INTO activation VALUES ('e', ?, 1, 'recalled'), ('e', 999, 1, 'recalled'), ('f', 7, 1, 'recalled')",
                arguments: [episode])
            try w.db.execute(sql: "INSERT INTO activation_folded VALUES ('e', 999, 3, 1, 2)")
        }
        #expect(try s.store.write { w in try w.deleteOrphanedActivation() } == 3)
        #expect(try rows(s, NodeID(.episode, episode)).exact == 1)
        #expect(try s.store.read { r in try Int.fetchOne(r.db, sql: "SELECT count(*) FROM activation_folded") } == 0)
    }

    @Test("Recalls written after their node was forgotten are dropped")
    func recallOfForgotten() throws {
        let s = try TestStore()
        let (kept, gone) = try s.store.write { w in
            (try w.createEpisode(EpisodeInput(text: "kept")).episodeID, try w.createEpisode(EpisodeInput(text: "gone")).episodeID)
        }
        _ = try s.store.write { w in try w.forget(NodeID(.episode, gone)) }
        try s.store.write { w in try w.recordRecalls([(node: NodeID(.episode, kept), at: 1), (node: NodeID(.episode, gone), at: 1)]) }
        #expect(try rows(s, NodeID(.episode, kept)).exact == 1)
        #expect(try rows(s, NodeID(.episode, gone)).exact == 0)
    }
}
