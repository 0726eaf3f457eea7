import Foundation
import MnemoModel
import MnemoStore
import Synchronization
import Testing

@testable import MnemoRecall

/// What recall keeps in memory stays in line with the store while it is
/// built, and is built again when refreshes have left much behind
/// (docs/recall.md, "The graph").
@Suite("recall's indexes: built while writes go on, rebuilt when refreshes leave much behind")
struct RecallRebuildTests {
    typealias Fixture = HierarchyRecallTests.Fixture

    @Test("a turn remembered while the first recall builds the graph and text indexes is found by the next recall, without a restart")
    func writeDuringBuild() throws {
        let f = try Fixture()
        _ = try f.run(#"remember "We walked along the alpha river" by mel at 2023-01-05T10:00 in scene "walk""#)
        let wrote = Mutex(false)
        // Between a build's read of the store and its being kept, another
        // client's write commits (on a thread of its own, as a client's would).
        f.executor.space.recall.afterBuild.withLock {
            $0 = {
                guard
                    wrote.withLock({ done in
                        defer { done = true }
                        return !done
                    })
                else { return }
                let written = DispatchSemaphore(value: 0)
                Thread {
                    _ = try? f.run(#"remember "The quokka zebracorn arrived" by bob at 2023-01-05T10:05 in scene "walk""#)
                    written.signal()
                }.start()
                written.wait()
            }
        }
        #expect(try f.run(#"recall "alpha river" limit 5"#).first?["text"] as? String == "We walked along the alpha river")
        f.executor.space.recall.afterBuild.withLock { $0 = nil }
        #expect(wrote.withLock { $0 })
        let found = try f.run(#"recall "zebracorn" limit 5"#).compactMap { $0["text"] as? String }
        #expect(found.first == "The quokka zebracorn arrived", "\(found)")
        let (kept, built) = try f.graphs()
        #expect(kept == built)
    }

    @Test(
        "consolidation runs over and over do not grow the graph without bound: past the floor it is rebuilt in the background, and answers as one built from the store"
    )
    func rebuildsWhenWasteful() throws {
        let f = try Fixture()
        f.executor.space.recall.wasteFloor.withLock { $0 = 4 }
        try f.chats()
        _ = try f.run(#"recall "painting" limit 1"#) // builds what recall keeps
        var most = 0
        for week in 6...15 {
            let month = String(format: "%02d", week % 12 + 1)
            _ = try f.run(#"remember "More hiking on the ridge, week \#(week)." by ann at 2023-\#(month)-20T10:00 in scene "walk \#(week)""#)
            // Each run retires the persona attributes and insights it touched
            // (about 16 nodes here): without rebuilds, ten runs add 160.
            _ = try f.run("consolidate")
            // A rebuild runs in the background: waited for, up to a few seconds.
            let deadline = Date().addingTimeInterval(5)
            while try f.executor.space.recall.graph().isWasteful(floor: 4) && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
            most = max(most, try f.executor.space.recall.graph().nodeCount)
        }
        let built = try GraphIndex.build(from: f.store).nodeCount
        #expect(most <= built + built / 4 + 4 + 20, "at most \(most) nodes kept; \(built) built from the store")
        let (kept, fresh) = try f.graphs()
        #expect(kept == fresh)
        #expect(try f.run(#"recall "hiking ridge" limit 1"#).first?["kind"] as? String == "episode")
    }

    /// How many recalls (and mentions) each live node of a graph knows.
    static func accessCounts(_ graph: GraphIndex) -> [NodeID: Int] {
        let histories = graph.accesses.withLock { $0.histories }
        return graph.storage.withReadLock { s in
            Dictionary(
                uniqueKeysWithValues: histories.compactMap { n, history in
                    let id = s.nodes[Int(n)]
                    return s.dense[id.kind]?[id.number] == n ? (id, history.count) : nil
                })
        }
    }

    /// Sets Ann's hobby until a rebuild has taken the graph's place (each
    /// `persona set` retires a node or two), and returns the new graph.
    static func compact(_ f: Fixture, from old: GraphIndex) throws -> GraphIndex {
        let deadline = Date().addingTimeInterval(10)
        var i = 0
        while Date() < deadline {
            let current = try f.executor.space.recall.graph()
            if current !== old && !current.isWasteful(floor: 2) { return current }
            if current === old && current.isWasteful(floor: 2) {
                Thread.sleep(forTimeInterval: 0.005)
                continue
            }
            i += 1
            _ = try f.run(#"persona ann set hobby = "hobby \#(i)""#)
        }
        throw MnemoError(.internalError, "the graph was never rebuilt")
    }

    @Test("after a rebuild the graph knows every recall and mention the activation log has, those made just before it included")
    func rebuildKeepsRecalls() throws {
        let f = try Fixture()
        f.executor.space.recall.wasteFloor.withLock { $0 = 2 }
        try f.chats()
        _ = try f.run(#"recall "painting" limit 3"#)
        let old = try f.executor.space.recall.graph()
        // Mentions the graph learns only from the log, after it was built.
        _ = try f.run(#"remember "Ann and Bob went sailing" by ann at 2023-06-05T10:00 in scene "chat 6""#)
        // At once, before the recall reaches the activation log (200 ms).
        _ = try f.run(#"recall "hiking" limit 3"#)
        let new = try Self.compact(f, from: old)
        try Self.awaitLog(f)
        let kept = Self.accessCounts(new)
        let logged = Self.accessCounts(try GraphIndex.build(from: f.store))
        #expect(!kept.isEmpty)
        #expect(kept == logged)
    }

    /// A graph, its first episode recalled once more on it, and the graph
    /// dropped, as `forget` and consolidation drop it; after the activation
    /// log has every recall before.
    static func recalledThenDropped(_ f: Fixture) throws -> (old: GraphIndex, episode: UInt32) {
        try f.chats()
        _ = try f.run(#"recall "painting" limit 3"#)
        let old = try f.executor.space.recall.graph()
        try awaitLog(f)
        return (old, try #require(old.node(NodeID(.episode, 1))))
    }

    /// Waits until no recall waits to be written (up to 10 s; it is written
    /// 200 ms after the first of a moment), then for the write that took them
    /// to commit (a write of its own runs after it).
    static func awaitLog(_ f: Fixture) throws {
        try awaitNoWaitingRecalls(f.executor.space.recall)
        try f.store.write { _ in }
    }

    static func awaitNoWaitingRecalls(_ recall: SpaceRecall) throws {
        let deadline = Date().addingTimeInterval(10)
        while recall.waitingRecalls > 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(recall.waitingRecalls == 0, "recalls still wait to be written after 10 s")
    }

    /// Waits for the activation log to be written, then compares what
    /// `graph` knows of every node's recalls with what the log has.
    static func expectCountsAsLogged(_ f: Fixture, _ graph: GraphIndex) throws {
        try awaitLog(f)
        let logged = Self.accessCounts(try GraphIndex.build(from: f.store))
        #expect(Self.accessCounts(graph) == logged)
    }

    @Test("a recall made while the graph is built is counted once in it, though the activation log could be written before the build reads it")
    func recallDuringBuildCountedOnce() throws {
        let f = try Fixture()
        let recall = f.executor.space.recall
        let (old, episode) = try Self.recalledThenDropped(f)
        recall.drop()
        let once = Mutex(false)
        recall.beforeBuild.withLock {
            $0 = {
                guard Self.firstTime(once) else { return }
                // Another client's recall, over the graph it still held, and
                // time enough for its write to the activation log (200 ms).
                recall.reinforce([episode], graph: old, at: .now())
                Thread.sleep(forTimeInterval: 0.4)
            }
        }
        defer { recall.beforeBuild.withLock { $0 = nil } }
        let new = try recall.graph()
        #expect(once.withLock { $0 })
        try Self.expectCountsAsLogged(f, new)
    }

    @Test("a recall made just before the graph is built again is counted in it, though the activation log is written only after the build read it")
    func recallBeforeBuildCounted() throws {
        let f = try Fixture()
        let recall = f.executor.space.recall
        let (old, episode) = try Self.recalledThenDropped(f)
        recall.reinforce([episode], graph: old, at: .now())
        recall.drop()
        let new = try recall.graph()
        try Self.expectCountsAsLogged(f, new)
    }

    @Test("two graph builds at once, a recall waiting to be written when both began: the graph kept counts it once")
    func twoBuildsCountOnce() throws {
        let f = try Fixture()
        let recall = f.executor.space.recall
        let (old, episode) = try Self.recalledThenDropped(f)
        recall.reinforce([episode], graph: old, at: .now())
        recall.drop()
        // The first build waits, after its read, until the second has begun;
        // the second waits until the first is kept.
        let builds = Mutex(0)
        let secondBegan = DispatchSemaphore(value: 0)
        let firstKept = DispatchSemaphore(value: 0)
        recall.afterBuild.withLock {
            $0 = {
                let n = builds.withLock { n in
                    n += 1
                    return n
                }
                if n == 1 { secondBegan.wait() } else if n == 2 { firstKept.wait() }
            }
        }
        defer { recall.afterBuild.withLock { $0 = nil } }
        let began = Mutex(0)
        recall.beforeBuild.withLock {
            $0 = {
                let n = began.withLock { n in
                    n += 1
                    return n
                }
                if n == 2 { secondBegan.signal() }
            }
        }
        defer { recall.beforeBuild.withLock { $0 = nil } }
        let first = Mutex<GraphIndex?>(nil)
        Thread {
            first.withLock { $0 = try? recall.graph() }
            firstKept.signal()
        }.start()
        while began.withLock({ $0 }) < 1 { Thread.sleep(forTimeInterval: 0.01) }
        let second = try recall.graph()
        let kept = try #require(first.withLock { $0 })
        #expect(second === kept)
        try Self.expectCountsAsLogged(f, kept)
    }

    /// True the first time it is asked of `once`, false after.
    static func firstTime(_ once: borrowing Mutex<Bool>) -> Bool {
        once.withLock { done in
            defer { done = true }
            return !done
        }
    }

    /// Makes the next write of the activation log stop after its first
    /// transaction until `resume` is signalled; `paused` is signalled then.
    static func pauseBetweenLogTransactions(_ recall: SpaceRecall) -> (paused: DispatchSemaphore, resume: DispatchSemaphore) {
        let (paused, resume) = (DispatchSemaphore(value: 0), DispatchSemaphore(value: 0))
        let once = Mutex(false)
        recall.betweenLogTransactions.withLock {
            $0 = {
                guard Self.firstTime(once) else { return }
                paused.signal()
                resume.wait()
            }
        }
        return (paused, resume)
    }

    @Test(
        "recalls waiting past one transaction of the activation log are written in several, a write of the space getting in between; a build that begins between two counts each once"
    )
    func logWrittenInSeveralTransactions() throws {
        let f = try Fixture()
        let recall = f.executor.space.recall
        let (old, _) = try Self.recalledThenDropped(f)
        // One a transaction, so that the test can come between two.
        recall.logWriteEvents.withLock { $0 = 1 }
        defer { recall.logWriteEvents.withLock { $0 = 2_000 } }
        let episodes = try (1...20).map { try #require(old.node(NodeID(.episode, Int64($0)))) }
        let total = 20 * episodes.count
        let (paused, resume) = Self.pauseBetweenLogTransactions(recall)
        defer { recall.betweenLogTransactions.withLock { $0 = nil } }
        recall.reinforce(Array(repeating: episodes, count: 20).flatMap { $0 }, graph: old, at: .now())
        #expect(paused.wait(timeout: .now() + 10) == .success)
        defer { resume.signal() }
        // This write gets the writer between two of the log's; meanwhile the
        // graph is built again (builds do not wait for the writer).
        let between = try f.store.write { _ in
            let waiting = recall.waitingRecalls
            recall.drop()
            let built = DispatchSemaphore(value: 0)
            Thread {
                _ = try? recall.graph()
                built.signal()
            }.start()
            #expect(built.wait(timeout: .now() + 10) == .success)
            return waiting
        }
        #expect(between == total - 1)
        resume.signal()
        try Self.expectCountsAsLogged(f, try recall.graph())
        // Every one of them is in the log.
        let logged = Self.accessCounts(try GraphIndex.build(from: f.store))
        #expect(episodes.allSatisfy { n in logged[old.withView { $0.id(n) }] ?? 0 >= 20 })
    }

    @Test("recalls discarded between two transactions of the activation log (as a forget discards them) are written no further")
    func discardedBetweenTransactions() throws {
        let f = try Fixture()
        let recall = f.executor.space.recall
        let (old, _) = try Self.recalledThenDropped(f)
        let episode = try #require(old.node(NodeID(.episode, 2)))
        let id = NodeID(.episode, 2)
        func logged() throws -> Int { try f.store.read { r in try r.accessHistories() }[id]?.count ?? 0 }
        let before = try logged()
        recall.logWriteEvents.withLock { $0 = 1 }
        defer { recall.logWriteEvents.withLock { $0 = 2_000 } }
        // Fewer than AccessHistory.foldAbove, so that the log's count is exact.
        let total = 24
        let (paused, resume) = Self.pauseBetweenLogTransactions(recall)
        defer { recall.betweenLogTransactions.withLock { $0 = nil } }
        recall.reinforce(Array(repeating: episode, count: total), graph: old, at: .now())
        #expect(paused.wait(timeout: .now() + 10) == .success)
        let between = recall.waitingRecalls
        recall.drop(discardingRecalls: true)
        resume.signal()
        #expect(between == total - 1)
        try Self.awaitLog(f)
        #expect(recall.waitingRecalls == 0)
        #expect(try logged() == before + total - between)
    }

    @Test("a recall ranked by a graph that was replaced meanwhile is counted in the graph kept")
    func recallOnReplacedGraphCounted() throws {
        let f = try Fixture()
        let recall = f.executor.space.recall
        let (old, episode) = try Self.recalledThenDropped(f)
        recall.drop()
        let new = try recall.graph()
        recall.reinforce([episode], graph: old, at: .now())
        try Self.expectCountsAsLogged(f, new)
    }

    @Test("building the graph does not wait for a write of the activation log that waits for the store's writer")
    func buildDoesNotWaitForTheWriter() throws {
        let f = try Fixture()
        let recall = f.executor.space.recall
        let (old, episode) = try Self.recalledThenDropped(f)
        // Another client's long write holds the store's writer, until the
        // build is done (or 30 s have passed: then the build waited for it).
        let holding = DispatchSemaphore(value: 0)
        let built = DispatchSemaphore(value: 0)
        let released = Mutex(false)
        let done = DispatchSemaphore(value: 0)
        Thread {
            _ = try? f.store.write { _ in
                holding.signal()
                released.withLock { $0 = built.wait(timeout: .now() + 30) == .timedOut }
            }
            done.signal()
        }.start()
        holding.wait()
        // A recall waits to be written; its write (after 200 ms) waits for the writer.
        recall.reinforce([episode], graph: old, at: .now())
        Thread.sleep(forTimeInterval: 0.4)
        recall.drop()
        let new = try recall.graph()
        built.signal()
        done.wait()
        let waited = released.withLock { $0 }
        #expect(!waited, "the build waited for the long write")
        try Self.expectCountsAsLogged(f, new)
    }

    @Test("a recall ranked before a forget and returned after it is recorded neither in the graph nor in the activation log")
    func recallAcrossForgetNotRecorded() throws {
        let f = try Fixture()
        let recall = f.executor.space.recall
        let (old, episode) = try Self.recalledThenDropped(f)
        _ = try f.run("forget e:2")
        let new = try recall.graph()
        let logged = Self.accessCounts(try GraphIndex.build(from: f.store))
        recall.reinforce([episode], graph: old, at: .now())
        try Self.awaitLog(f)
        #expect(Self.accessCounts(try GraphIndex.build(from: f.store)) == logged)
        #expect(Self.accessCounts(new) == logged)
    }

    @Test(
        "a recall ranked before a forget is not written to the activation log once the forget has committed, though the space has not yet followed it and a new row took the forgotten one's id"
    )
    func recallNotWrittenAfterForgetCommitted() throws {
        let f = try Fixture()
        let recall = f.executor.space.recall
        try f.chats()
        _ = try f.run(#"recall "parrot" limit 3"#)
        let old = try recall.graph()
        try Self.awaitLog(f)
        // The newest episode (the chats hold 23), as the graph numbers it.
        let forgotten = NodeID(.episode, 23)
        let n = try #require(old.node(forgotten))
        // The forget commits, and a remember takes its id, before the space
        // follows the forget (as another client's write can); a recall ranked
        // on the graph from before returns it.
        try f.store.write { w in _ = try w.forget(forgotten) }
        let remembered = try f.run(#"remember "A new line" by bob at 2023-06-05T10:00 in scene "chat 6""#)
        #expect(remembered.first?["id"] as? String == "e:23", "the new episode took the forgotten one's id")
        #expect(old.node(forgotten) == n)
        recall.reinforce([n], graph: old, at: .now())
        try Self.awaitLog(f)
        #expect(try f.store.read { r in try r.accessHistories() }[forgotten] == nil)
        // Once the space follows the forget, a graph built after it is learnt from again.
        recall.drop(discardingRecalls: true)
        let new = try recall.graph()
        recall.reinforce([try #require(new.node(forgotten))], graph: new, at: .now())
        try Self.awaitLog(f)
        #expect(try f.store.read { r in try r.accessHistories() }[forgotten]?.count == 1)
    }

    @Test("recalls waiting to be written when a consolidation run is undone are dropped: the rows they name may be gone and their ids taken")
    func undoDropsWaitingRecalls() throws {
        let f = try Fixture()
        let recall = f.executor.space.recall
        try f.chats()
        let run = try #require(try f.run("consolidate").first?["run"] as? Int)
        try Self.awaitLog(f)
        recall.writeDelay.withLock { $0 = 60_000 } // the recalls wait
        defer { recall.writeDelay.withLock { $0 = 200 } }
        let answered = try f.run(#"recall "painting" kinds persona, insight limit 5"#)
        #expect(!answered.isEmpty)
        #expect(recall.waitingRecalls > 0)
        _ = try f.run("undo consolidation \(run)")
        #expect(recall.waitingRecalls == 0)
    }

    @Test("the store's removals, which recalls from graphs built before are checked against, grow with each forget and each undone run")
    func removalsGrow() throws {
        let f = try Fixture()
        try f.chats()
        func removals() throws -> Int64 { try f.store.read { r in try r.removals() } }
        let before = try removals()
        let run = try #require(try f.run("consolidate").first?["run"] as? Int)
        #expect(try removals() == before)
        _ = try f.run("undo consolidation \(run)")
        let undone = try removals()
        #expect(undone > before)
        _ = try f.run("forget e:3")
        #expect(try removals() > undone)
    }

    @Test("recalls over a read-only store, whose activation log cannot be written, do not wait to be written without end")
    func readOnlyStoreDropsRecalls() throws {
        let f = try Fixture()
        try f.chats()
        var options = StoreOptions()
        options.readOnly = true
        let warnings = Mutex<[String]>([])
        let recall = SpaceRecall(
            store: try MemoryStore(path: f.store.path, options: options), warn: { w in warnings.withLock { $0.append(w) } })
        let graph = try recall.graph()
        let episode = try #require(graph.node(NodeID(.episode, 1)))
        for _ in 0..<2 {
            recall.reinforce([episode], graph: graph, at: .now())
            try Self.awaitNoWaitingRecalls(recall) // its write is tried, and refused
        }
        #expect(warnings.withLock { $0 }.contains { $0.contains("not written to the activation log") })
    }

    @Test("a write whose refresh held the graph a rebuild replaced meanwhile starts no other rebuild (whose result could not be kept)")
    func staleRefreshStartsNoRebuild() throws {
        let f = try Fixture()
        let recall = f.executor.space.recall
        recall.wasteFloor.withLock { $0 = 2 }
        try f.chats()
        _ = try f.run(#"recall "painting" limit 3"#)
        let old = try recall.graph()
        let builds = Mutex(0)
        let gate = DispatchSemaphore(value: 0)
        let writing = DispatchSemaphore(value: 0)
        let written = DispatchSemaphore(value: 0)
        recall.afterBuild.withLock {
            $0 = {
                let first = builds.withLock { n in
                    n += 1
                    return n == 1
                }
                guard first else { return }
                // While the rebuild is under way, another client writes: its
                // refresh takes the old graph, still kept, and waits on it.
                let held = DispatchSemaphore(value: 0)
                Thread {
                    old.refreshing.withLock { _ in
                        held.signal()
                        gate.wait()
                    }
                }.start()
                held.wait()
                Thread {
                    writing.signal()
                    _ = try? f.run(#"persona ann set hobby = "late""#)
                    written.signal()
                }.start()
                writing.wait()
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
        defer { recall.afterBuild.withLock { $0 = nil } }
        var i = 0
        while !old.isWasteful(floor: 2) {
            i += 1
            _ = try f.run(#"persona ann set hobby = "hobby \#(i)""#)
        }
        let deadline = Date().addingTimeInterval(10)
        while recall.existingGraph === old && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        let installed = try #require(recall.existingGraph)
        #expect(installed !== old)
        Thread.sleep(forTimeInterval: 0.3) // the rebuild of the other texts, if it runs, ends
        let before = builds.withLock { $0 }
        gate.signal() // the late write's refresh of the old graph goes on
        written.wait()
        Thread.sleep(forTimeInterval: 0.5)
        #expect(builds.withLock { $0 } == before, "a rebuild began from a refresh of a graph no longer kept")
        #expect(recall.existingGraph === installed)
    }
}

extension SpaceRecall {
    /// `reinforce(_:graph:at:)` of nodes of `graph`, their ids looked up.
    func reinforce(_ nodes: [UInt32], graph: GraphIndex, at time: Timestamp) {
        reinforce(graph.withView { view in nodes.map { (node: $0, id: view.id($0)) } }, graph: graph, at: time)
    }
}
