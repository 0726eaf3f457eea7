import Foundation
import MnemoModel
import MnemoQuery
import MnemoRecall
import Testing

@testable import MnemoEngine
@testable import MnemoStore

/// What a cancelled request does: reads stop with its error, writes after it
/// are not committed, and nothing else changes.
@Suite("cancellation of a request's work")
struct CancellationTests {
    final class Space {
        let directory = NSTemporaryDirectory() + "mnemo-cancel-\(UUID().uuidString)"
        let store: MemoryStore
        init() throws {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            store = try MemoryStore(path: directory + "/t.sqlite")
        }
        deinit { try? FileManager.default.removeItem(atPath: directory) }

        func executor(_ cancellation: Cancellation = .never) -> Executor {
            Executor(space: MnemoEngine.Space(name: "t", store: store), cancellation: cancellation)
        }
    }

    func statement(_ text: String) throws -> Statement { try #require(try Parser.parse(text)) }

    @Test("the first reason given wins; never is never cancelled")
    func reasons() {
        let c = Cancellation()
        #expect(!c.isCancelled)
        #expect(throws: Never.self) { try c.check() }
        c.cancel(.deadline)
        c.cancel(.disconnected)
        #expect(c.reason == .deadline)
        #expect(c.error.code == .timeout)
        #expect(throws: MnemoError.self) { try c.check() }
        Cancellation.never.cancel(.shutdown)
        #expect(!Cancellation.never.isCancelled)
    }

    @Test("a batch cancelled before it runs answers TIMEOUT for every write and commits none; not cancelled, it commits")
    func writes() throws {
        let space = try Space()
        let cancelled = Cancellation()
        cancelled.cancel(.deadline)
        let batch = try ["assert a(1)", "assert a(2)", #"remember "hello there""#].map(statement)
        for result in space.executor(cancelled).runWrites(batch) {
            guard case .failure(let error) = result else {
                Issue.record("a cancelled write succeeded")
                continue
            }
            #expect(error.code == .timeout)
        }
        #expect(try space.store.read { try $0.counts() }.first { $0.0 == "facts" }?.1 == 0)
        #expect(try space.store.read { try $0.counts() }.first { $0.0 == "episodes" }?.1 == 0)
        // Not cancelled: written.
        for result in space.executor().runWrites(batch) {
            if case .failure(let error) = result { Issue.record("\(error)") }
        }
        #expect(try space.store.read { try $0.counts() }.first { $0.0 == "facts" }?.1 == 2)
    }

    @Test("a cancelled read stops with the cancellation's error, in Swift and inside SQLite, and the same read not cancelled answers")
    func reads() throws {
        let space = try Space()
        _ = space.executor().runWrites(try (0..<200).map { try statement("assert p(\($0))") })
        let cancelled = Cancellation()
        cancelled.cancel(.deadline)
        for text in ["match p(?x)", "history p(?)", "match p(?a), p(?b)"] {
            #expect(throws: MnemoError.self) { _ = try space.executor(cancelled).run(try statement(text)) }
            do {
                _ = try space.executor(cancelled).run(try statement(text))
            } catch let error as MnemoError {
                #expect(error.code == .timeout, "\(text): \(error)")
            }
        }
        // A statement SQLite spends its time in (a recursive count) is interrupted by the progress handler.
        let interrupted = Cancellation()
        interrupted.cancel(.deadline)
        do {
            _ = try space.store.read(cancellation: interrupted) { r in
                try Int.fetchOne(r.db, sql: "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 100000000) SELECT count(*) FROM c")
            }
            Issue.record("the read was not interrupted")
        } catch {
            #expect(error.code == .timeout)
        }
        #expect(try space.executor().run(try statement("match p(?x)")).count == 200)
    }

    @Test("recall without the store answers only from memory, and changes nothing when it cannot")
    func recallWithoutStore() throws {
        let space = try Space()
        let executor = space.executor()
        _ = executor.runWrites(try [#"remember "Caroline went to the violin lesson" by caroline"#].map(statement))
        guard case .recall(let recall) = try statement(#"recall "violin lesson""#) else { return }
        // Nothing built yet: it must go to a worker, with nothing ranked.
        guard case .needsStore(nil) = try executor.recallWithoutStore(recall) else {
            Issue.record("a recall before the graph was built did not ask for the store")
            return
        }
        let full = try executor.run(.recall(recall))
        #expect(!full.isEmpty)
        // Built and cached by that recall: answered from memory, the same items
        // (scores move: the first recall was an access of its results).
        func ids(_ lines: [JSONValue]) -> [String] {
            lines.map { line in
                guard let rest = line.serialized.components(separatedBy: "\"id\":\"").dropFirst().first else { return "" }
                return String(rest.prefix { $0 != "\"" })
            }
        }
        guard case .answered(let inline) = try executor.recallWithoutStore(recall) else {
            Issue.record("a recall over cached rows was not answered from memory")
            return
        }
        #expect(ids(inline) == ids(full) && ids(full) == ["e:1"])
    }

    @Test("a recall whose rows are not cached is ranked in memory and answered from the store without ranking again")
    func recallHandoff() throws {
        let space = try Space()
        _ = space.executor().runWrites(
            try [#"remember "Caroline went to the violin lesson" by caroline"#, #"remember "Melanie baked a cherry pie" by melanie"#].map(statement))
        // A space opened again, as after a restart: nothing in memory. This
        // recall builds the graph and indexes, and caches the one row it answers (e:1).
        let executor = space.executor()
        guard case .recall(let first) = try statement(#"recall "violin lesson" limit 1"#) else { return }
        _ = try executor.run(.recall(first))
        guard case .recall(let recall) = try statement(#"recall "cherry pie""#) else { return }
        func ids(_ lines: [JSONValue]) -> [String] {
            lines.map { line in
                guard let rest = line.serialized.components(separatedBy: "\"id\":\"").dropFirst().first else { return "" }
                return String(rest.prefix { $0 != "\"" })
            }
        }
        // e:2 is not cached: ranked here, handed over with its ranking.
        guard case .needsStore(let handoff?) = try executor.recallWithoutStore(recall) else {
            Issue.record("a recall over an uncached row was not handed over ranked")
            return
        }
        let finished = try executor.finish(handoff)
        #expect(ids(finished).first == "e:2")
        #expect(ids(try executor.run(.recall(recall))) == ids(finished))
        // Its rows are cached now: answered in memory.
        guard case .answered(let inline) = try executor.recallWithoutStore(recall) else {
            Issue.record("a recall over rows the handed-over one cached was not answered from memory")
            return
        }
        #expect(ids(inline) == ids(finished))
    }

    @Test("a handed-over recall is ranked again when a forget dropped what it was ranked over")
    func recallHandoffAfterForget() throws {
        let space = try Space()
        _ = space.executor().runWrites(
            try [#"remember "Caroline baked a cherry pie" by caroline"#, #"remember "Melanie baked a cherry pie with plums" by melanie"#].map(
                statement))
        // Opened again: builds what recall needs and caches e:2 alone.
        let executor = space.executor()
        guard case .recall(let first) = try statement(#"recall "plums" limit 1"#) else { return }
        #expect(try executor.run(.recall(first)).map(\.serialized).allSatisfy { $0.contains(#""id":"e:2""#) })
        guard case .recall(let recall) = try statement(#"recall "cherry pie""#) else { return }
        guard case .needsStore(let handoff?) = try executor.recallWithoutStore(recall) else {
            Issue.record("a recall over uncached rows was not handed over ranked")
            return
        }
        #expect(handoff.ranking.returned.count == 2)
        // e:2's line is in the cache the ranking took: answered from it, it would come back.
        _ = executor.runWrites([try statement("forget e:2")])
        let lines = try executor.finish(handoff).map(\.serialized)
        #expect(lines.count == 1 && lines.allSatisfy { $0.contains(#""id":"e:1""#) })
    }

    @Test("a handed-over recall is ranked again when a write committed after it ranked: a fact retracted meanwhile does not come back")
    func recallHandoffAfterRetract() throws {
        let space = try Space()
        _ = space.executor().runWrites(try ["assert likes(ann, cherry_pie)", "assert likes(bob, cherry_pie)"].map(statement))
        let executor = space.executor()
        guard case .recall(let recall) = try statement(#"recall "cherry pie" kinds fact"#) else { return }
        // Built in memory first; facts' lines are never cached, so the ranking is handed over.
        _ = try executor.run(.recall(recall))
        guard case .needsStore(let handoff?) = try executor.recallWithoutStore(recall) else {
            Issue.record("a recall of facts was not handed over ranked")
            return
        }
        #expect(handoff.ranking.returned.count == 2)
        _ = executor.runWrites([try statement("retract f:1")])
        let lines = try executor.finish(handoff).map(\.serialized)
        #expect(lines.count == 1 && lines.allSatisfy { $0.contains(#""id":"f:2""#) })
    }

    @Test("a handed-over recall whose request was cancelled answers its cancellation, not rows")
    func recallHandoffCancelled() throws {
        let space = try Space()
        let executor = space.executor()
        _ = executor.runWrites(try ["assert likes(ann, cherry_pie)"].map(statement))
        guard case .recall(let recall) = try statement(#"recall "cherry pie" kinds fact"#) else { return }
        _ = try executor.run(.recall(recall))
        guard case .needsStore(let handoff?) = try executor.recallWithoutStore(recall) else {
            Issue.record("a recall of facts was not handed over ranked")
            return
        }
        let cancellation = Cancellation()
        cancellation.cancel(.deadline)
        #expect(throws: MnemoError.self) { try Executor(space: executor.space, cancellation: cancellation).finish(handoff) }
        #expect(try executor.finish(handoff).count == 1)
    }

    /// A recall stopped in the middle of a hop of its spread (by its deadline,
    /// its client leaving, or a network thread's budget) gives its working
    /// memory back as new: what that hop had delivered was not yet listed
    /// among what the memory is cleaned by, and the next recalls to take it
    /// would not have counted what reached those nodes.
    @Test("recalls stopped at random moments of a far spread leave the pooled working memory clean")
    func stoppedSpreadsLeaveScratchClean() throws {
        let space = try Space()
        // Hops of thousands of nodes, each reaching thousands it had not: Ann's
        // 3,000 turns, each in a scene of its own with a friend's turn.
        let turns = (0..<6000).map { k in
            #"remember "walk number \#(k) with the dog" by \#(k % 2 == 0 ? "ann" : "friend\(k / 2)") in scene "day \#(k / 2)""#
        }
        for batch in stride(from: 0, to: turns.count, by: 1000) {
            for result in space.executor().runWrites(try turns[batch..<(batch + 1000)].map(statement)) { _ = try result.get() }
        }
        let deep = try statement(#"recall "ann" depth 6 limit 50"#)
        // Every node reached fires: hops of thousands of nodes.
        var recall = RecallSettings()
        recall.threshold = 0
        recall.minShare = 0
        let engine = MnemoEngine.Space(name: "t", store: space.store, settings: SpaceSettings(recall: recall))
        func ranks(_ cancellation: Cancellation = .never) throws -> [String] {
            try Executor(space: engine, cancellation: cancellation).run(deep).map(\.serialized)
        }
        #expect(try ranks().count == 50)
        var stopped = 0
        for trial in 0..<40 {
            let cancellation = Cancellation()
            // Stopped from another thread at a moment between 0 and 20 ms.
            let stopper = Thread {
                Thread.sleep(forTimeInterval: Double(trial % 20) / 1000)
                cancellation.cancel(.deadline)
            }
            stopper.start()
            do { _ = try ranks(cancellation) } catch let error as MnemoError where error.code == .timeout { stopped += 1 }
            while !cancellation.isCancelled { Thread.sleep(forTimeInterval: 0.001) }
            #expect(engine.settings.scratch.keptAreClean, "trial \(trial) left its working memory dirty")
        }
        #expect(stopped > 0, "no recall was stopped: the test stopped none mid-spread")
    }
}
