import Foundation
import MnemoModel
import Synchronization
import Testing

@testable import MnemoRecall
@testable import MnemoStore

/// Holds `graph`'s view on a thread of its own until `release` is called: a
/// recall that spreads far, for as long as a test needs.
final class HeldView: Sendable {
    private let entered = DispatchSemaphore(value: 0)
    private let released = DispatchSemaphore(value: 0)
    private let left = DispatchSemaphore(value: 0)

    init(_ graph: GraphIndex) {
        Thread { [entered, released, left] in
            graph.withView { _ in
                entered.signal()
                // A failing test still lets go, after a while.
                _ = released.wait(timeout: .now() + 30)
            }
            left.signal()
        }.start()
        entered.wait()
    }

    func release() {
        released.signal()
        left.wait()
    }
}

/// `body`, started on a thread of its own, and whether it finished within
/// `seconds` (`finishes(within:_:)`).
struct Started {
    let finished: Bool
    private let done: DispatchSemaphore

    init(finished: Bool, done: DispatchSemaphore) {
        self.finished = finished
        self.done = done
    }

    /// Waits until `body` has returned.
    func join() { if !finished { done.wait() } }
}

/// Starts `body` on a thread of its own and tells whether it finishes within
/// `seconds`. (It runs to the end either way: the caller lets go of what it
/// waits for, then `join`s it.)
func finishes(within seconds: Double, _ body: @escaping @Sendable () -> Void) -> Started {
    let done = DispatchSemaphore(value: 0)
    Thread {
        body()
        done.signal()
    }.start()
    return Started(finished: done.wait(timeout: .now() + seconds) == .success, done: done)
}

@Suite("the graph's lock: recalls read together, refreshes change it alone")
struct GraphIndexLockTests {
    static func graph() throws -> (ScratchStore, GraphIndex) {
        let s = try ScratchStore()
        try s.store.write { w in
            for i in 1...5 {
                _ = try w.createEpisode(EpisodeInput(text: "walked the dog \(i)", speaker: "ann", at: t("2024-01-0\(i)T10:00"), scene: "week"))
            }
        }
        return (s, try GraphIndex.build(from: s.store))
    }

    /// Returns once a refresh waits for `graph`'s lock (it reads the store
    /// first): from then on, a recall can no longer have the lock at once.
    static func untilRefreshWaits(_ graph: GraphIndex) throws {
        let deadline = Date().addingTimeInterval(10)
        while graph.storage.withReadLockIfFree({ _ in true }) == true && Date() < deadline { Thread.sleep(forTimeInterval: 0.001) }
        try #require(graph.storage.withReadLockIfFree({ _ in true }) == nil, "the refresh never waited for the lock")
    }

    @Test("a recall reads the graph while another holds it")
    func readersTogether() throws {
        let (s, graph) = try Self.graph()
        let held = HeldView(graph)
        let other = finishes(within: 5) { _ = graph.withView { $0.count } }
        held.release()
        other.join()
        #expect(other.finished, "the second view waited for the first")
        withExtendedLifetime(s) {}
    }

    @Test("what a recall returned is recorded, and read, while another recall holds the graph")
    func accessesBesideAHeldView() throws {
        let (s, graph) = try Self.graph()
        let node = try #require(graph.node(NodeID(.episode, 1)))
        let now = t("2024-02-01").microseconds
        let before = graph.withView { $0.baseLevel(node, now: now) }
        let held = HeldView(graph)
        let recorded = finishes(within: 5) {
            graph.recordAccess([node], at: t("2024-01-31").microseconds)
        }
        let after = graph.withView { $0.baseLevel(node, now: now) }
        held.release()
        recorded.join()
        #expect(recorded.finished, "recording waited for the view")
        #expect(after > before)
        withExtendedLifetime(s) {}
    }

    /// And a recall that comes after the refresh waits for it: a stream of
    /// recalls overlapping one another cannot hold a write off for ever.
    @Test("a refresh waits for the recalls reading the graph, then applies, before the recalls that came after it")
    func refreshWaitsForReaders() throws {
        let (s, graph) = try Self.graph()
        let added = try s.store.write { w in
            try w.createEpisode(EpisodeInput(text: "fed the cat", speaker: "ann", at: t("2024-01-06T10:00"), scene: "week")).episodeID
        }
        let held = HeldView(graph)
        let refresh = finishes(within: 0.2) { try? graph.refresh([NodeID(.episode, added)], from: s.store) }
        // The refresh may not change what a recall is reading.
        #expect(!refresh.finished, "the refresh applied while a recall held the graph")
        try Self.untilRefreshWaits(graph)
        let seen = Mutex<UInt32?>(nil)
        let later = finishes(within: 0.2) { seen.withLock { $0 = graph.node(NodeID(.episode, added)) } }
        #expect(!later.finished, "a recall went ahead of the refresh waiting")
        held.release()
        refresh.join()
        later.join()
        #expect(seen.withLock { $0 } != nil, "the recall after the refresh did not see what it added")
        #expect(graph.node(NodeID(.episode, added)) != nil)
    }

    /// A short recall that ranked before a write committed answers without
    /// waiting for the refresh of that write, which waits for a long recall.
    @Test("what a recall returned is reinforced while a refresh waits for another recall")
    func reinforceBesideAWaitingRefresh() throws {
        let s = try ScratchStore()
        try s.store.write { w in
            _ = try w.createEpisode(EpisodeInput(text: "walked the dog", speaker: "ann", at: t("2024-01-01T10:00"), scene: "week"))
        }
        let recall = SpaceRecall(store: s.store)
        let graph = try recall.graph()
        let node = try #require(graph.node(NodeID(.episode, 1)))
        let added = try s.store.write { w in
            try w.createEpisode(EpisodeInput(text: "fed the cat", speaker: "ann", at: t("2024-01-02T10:00"), scene: "week")).episodeID
        }
        let held = HeldView(graph)
        let refresh = finishes(within: 0) { try? graph.refresh([NodeID(.episode, added)], from: s.store) }
        try Self.untilRefreshWaits(graph)
        let reinforced = finishes(within: 5) {
            recall.reinforce([(node: node, id: NodeID(.episode, 1))], graph: graph, at: .now())
        }
        held.release()
        refresh.join()
        reinforced.join()
        #expect(reinforced.finished, "reinforcing waited for the refresh")
        #expect(graph.accesses.withLock { $0.history(node)?.count } == 1)
    }

    /// Recall skips candidates that could not reach its top even with the
    /// largest base level there is as it begins to score; a node another
    /// recall records meanwhile must not score above that.
    @Test("a node recorded while a recall scores is held to the base-level bound the recall began with")
    func boundHeldWhileRecording() throws {
        let (s, graph) = try Self.graph()
        let node = try #require(graph.node(NodeID(.episode, 1)))
        let now = t("2024-01-06T12:00")
        var settings = RecallSettings()
        settings.baseLevelWeight = 1
        let cues = RecallCues(textHits: [], nodeHits: [], words: [], entities: [], scene: nil, window: nil)
        let (bound, unheld, held) = graph.withView { view in
            let scoring = Scoring(Recall(text: "dog", includeArchived: false, explain: false), cues: cues, settings: settings, view: view, now: now)
            // Another recall returns the node, over and over, just now.
            for _ in 0..<50 { graph.recordAccess([node], at: now.microseconds) }
            return (
                scoring.baseLevelBound, view.baseLevel(node, now: now.microseconds),
                scoring.score(node, activation: 0, linked: false, inWindow: false, length: 1, in: view)
            )
        }
        #expect(unheld > bound, "the accesses recorded did not take the node past the bound")
        #expect(held <= bound)
        withExtendedLifetime(s) {}
    }
}

@Suite("ReadWriteLock")
struct ReadWriteLockTests {
    @Test("readers hold it at once")
    func readersAtOnce() {
        let lock = ReadWriteLock(0)
        // How many readers are inside now, and the most there were at once.
        let inside = Mutex((now: 0, most: 0))
        onThreads(2) { _ in
            lock.withReadLock { _ in
                inside.withLock {
                    $0.now += 1
                    $0.most = max($0.most, $0.now)
                }
                // Each stays until the other has come in, or a while has passed.
                let deadline = Date().addingTimeInterval(5)
                while inside.withLock({ $0.most }) < 2 && Date() < deadline { Thread.sleep(forTimeInterval: 0.001) }
                inside.withLock { $0.now -= 1 }
            }
        }
        #expect(inside.withLock { $0.most } == 2)
    }

    @Test("a writer holds it alone: no reader enters, and no other writer, until it lets go")
    func writerAlone() {
        let lock = ReadWriteLock([Int]())
        let writing = DispatchSemaphore(value: 0)
        let letGo = DispatchSemaphore(value: 0)
        Thread {
            lock.withWriteLock { value in
                value.append(1)
                writing.signal()
                _ = letGo.wait(timeout: .now() + 30)
                value.append(2)
            }
        }.start()
        writing.wait()
        // The reader waits for the writer holding the lock (and whether it
        // comes before or after the writer waiting too is not said here).
        let reader = finishes(within: 0.2) { #expect(lock.withReadLock { $0 }.starts(with: [1, 2])) }
        let writer = finishes(within: 0.2) { lock.withWriteLock { $0.append(3) } }
        #expect(!reader.finished && !writer.finished)
        letGo.signal()
        reader.join()
        writer.join()
        #expect(lock.withReadLock { $0 }.sorted() == [1, 2, 3])
    }
}
