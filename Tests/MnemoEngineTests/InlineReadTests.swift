import Foundation
import MnemoModel
import MnemoQuery
import MnemoRecall
import Testing

@testable import MnemoEngine
@testable import MnemoStore

/// Reads on a network thread (`MemoryStore.readInline`,
/// `Executor.runWithinBudget`): they run on connections of their own, never
/// wait for one, stop when their budget is spent, and answer what a worker
/// would.
@Suite("reads within a budget, for network threads")
struct InlineReadTests {
    final class Space {
        let directory = NSTemporaryDirectory() + "mnemo-inline-\(UUID().uuidString)"
        let store: MemoryStore
        let space: MnemoEngine.Space
        init(inlineReaders: Int = 1) throws {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            var options = StoreOptions()
            options.inlineReaders = inlineReaders
            store = try MemoryStore(path: directory + "/t.sqlite", options: options)
            space = MnemoEngine.Space(name: "t", store: store)
        }
        deinit { try? FileManager.default.removeItem(atPath: directory) }

        func executor(_ cancellation: Cancellation = .never) -> Executor {
            Executor(space: space, cancellation: cancellation)
        }
    }

    func statement(_ text: String) throws -> Statement { try #require(try Parser.parse(text)) }

    /// Reads inline until one finds a connection: the first asks for one to be
    /// opened in the background, and is refused meanwhile.
    func untilOpen(_ store: MemoryStore) throws {
        for _ in 0..<5000 {
            if (try? store.readInline(cancellation: Cancellation(budget: .seconds(60))) { _ in () }) != nil { return }
            usleep(1000)
        }
        Issue.record("no connection for reads on network threads opened in 5 s")
    }

    @Test("a budget runs out: the first check after it cancels, as overBudget; a budget not spent cancels nothing")
    func budget() throws {
        let spent = Cancellation(budget: .zero)
        #expect(throws: MnemoError.self) { try spent.check() }
        #expect(spent.reason == .overBudget)
        let ample = Cancellation(budget: .seconds(60))
        try ample.check()
        #expect(!ample.isCancelled && ample.reason == nil)
        // Someone else's reason given first wins.
        let disconnected = Cancellation(budget: .zero)
        disconnected.cancel(.disconnected)
        #expect(!((try? disconnected.check()) != nil) && disconnected.reason == .disconnected)
    }

    @Test("readInline never opens nor waits for a connection: the first read is refused and has one opened; with none free it refuses at once")
    func neverWaits() throws {
        let space = try Space(inlineReaders: 1)
        _ = space.executor().runWrites(try ["assert p(x: 1)"].map(statement))
        #expect(space.store.inlineReadersOpen == 0)
        let first = Cancellation(budget: .seconds(60))
        #expect(throws: MnemoError.self) { try space.store.readInline(cancellation: first) { _ in 0 } }
        #expect(first.reason == .overBudget)
        try untilOpen(space.store)
        #expect(space.store.inlineReadersOpen == 1)
        let outer = Cancellation(budget: .seconds(60))
        let inner = Cancellation(budget: .seconds(60))
        let count = try space.store.readInline(cancellation: outer) { r in
            // The only connection is this one: a second read is refused, not queued.
            #expect(throws: MnemoError.self) { try space.store.readInline(cancellation: inner) { _ in 0 } }
            return try r.counts().first { $0.0 == "facts" }?.1 ?? -1
        }
        #expect(count == 1)
        #expect(inner.reason == .overBudget && outer.reason == nil)
        // Given back: the next read takes it again, and no other is opened.
        #expect(try space.store.readInline(cancellation: Cancellation(budget: .seconds(60))) { _ in 7 } == 7)
        #expect(space.store.inlineReadersOpen == 1)

        let none = try Space(inlineReaders: 0)
        let refused = Cancellation(budget: .seconds(60))
        #expect(throws: MnemoError.self) { try none.store.readInline(cancellation: refused) { _ in 0 } }
        #expect(refused.reason == .overBudget)
        usleep(50_000)
        #expect(none.store.inlineReadersOpen == 0)
    }

    @Test("a read within its budget answers what a worker answers; one past it answers nil and changes nothing")
    func withinBudget() throws {
        let space = try Space()
        _ = space.executor().runWrites(try (0..<3000).map { try statement("assert big(i: \($0), tag: t\($0 % 10))") })
        try untilOpen(space.store)
        for text in ["match big(i: 2024, tag: ?t)", "history big(?, t7) limit 5", "match big(i: ?i, tag: t3) limit 300"] {
            let onWorker = try space.executor().run(try statement(text)).map(\.serialized)
            let inline = try #require(try space.executor(Cancellation(budget: .seconds(60))).runWithinBudget(try statement(text)))
            #expect(inline.values.map(\.serialized) == onWorker, "\(text)")
            #expect(!onWorker.isEmpty)
        }
        // Three thousand rows do not fit in a microsecond.
        let tight = Cancellation(budget: .microseconds(1))
        #expect(try space.executor(tight).runWithinBudget(try statement("match big(i: ?i) limit 3000")) == nil)
        #expect(tight.reason == .overBudget)
        // A regex match cannot be stopped half way: such a match runs on a worker.
        #expect(try space.executor(Cancellation(budget: .seconds(60))).runWithinBudget(try statement("match big(i: 7, tag: ?t) where ?t ~ /t/")) == nil)
        #expect(try space.executor().run(try statement("match big(i: 7, tag: ?t) where ?t ~ /t/")).count == 1)
        // Any other error is the statement's own answer.
        #expect(throws: MnemoError.self) {
            try space.executor(Cancellation(budget: .seconds(60))).runWithinBudget(try statement("scene nowhere"))
        }
    }

    @Test("a recall on a network thread with a read budget reads its uncached rows there and answers; without one it hands over")
    func recallReadsInline() throws {
        let space = try Space()
        _ = space.executor().runWrites(
            try [#"remember "Caroline went to the violin lesson" by caroline"#, #"remember "Melanie baked a cherry pie" by melanie"#].map(statement))
        // The space opened again, as after a restart: nothing in memory. The
        // first recall builds the graph and indexes, and caches e:1 alone.
        let executor = Executor(space: MnemoEngine.Space(name: "t", store: space.store))
        try untilOpen(space.store)
        guard case .recall(let first) = try statement(#"recall "violin lesson" limit 1"#) else { return }
        _ = try executor.run(.recall(first))
        guard case .recall(let recall) = try statement(#"recall "cherry pie" limit 1"#) else { return }
        guard case .needsStore(let handoff?) = try executor.recallWithoutStore(recall) else {
            Issue.record("a recall over an uncached row, with no read budget, was not handed over")
            return
        }
        _ = handoff
        guard case .answered(let lines) = try executor.recallWithoutStore(recall, inlineReadBudget: .seconds(60)) else {
            Issue.record("a recall over an uncached row, with a read budget, was not answered on the spot")
            return
        }
        #expect(lines.count == 1 && lines[0].serialized.contains(#""id":"e:2""#))
    }

    @Test("a recall whose text is over 2 KiB, or that asks for explain, is left to a worker; a short one is answered on the network thread")
    func longOrExplainedRecallOnWorker() throws {
        let space = try Space()
        _ = space.executor().runWrites(try [#"remember "Caroline went to the violin lesson" by caroline"#].map(statement))
        // Built and cached, as a space in use is.
        _ = try space.executor().run(try statement(#"recall "violin lesson" limit 1"#))
        let short = try statement(#"recall "violin lesson" limit 1"#)
        guard case .answered(let lines)? = try space.executor().runInMemory(short) else {
            Issue.record("a short recall was not answered in memory")
            return
        }
        #expect(lines.count == 1)
        let words = String(repeating: "violin ", count: Executor.inlineRecallTextBytes / 7 + 1)
        #expect(try space.executor().runInMemory(try statement("recall \"\(words)\" limit 1")) == nil)
        #expect(try space.executor().runInMemory(try statement(#"recall "violin lesson" limit 1 explain"#)) == nil)
        // On a worker, both are answered.
        #expect(try space.executor().run(try statement("recall \"\(words)\" limit 1")).count == 1)
        #expect(try space.executor().run(try statement(#"recall "violin lesson" limit 1 explain"#)).count == 1)
    }

    /// A recall that spreads far must not hold a network thread: past its
    /// budget it stops, having changed nothing, and a worker ranks it again.
    @Test("a recall whose ranking runs past its network-thread budget is left to a worker, which answers it; within the budget it is answered in memory")
    func rankingPastItsBudgetOnWorker() throws {
        let space = try Space()
        _ = space.executor().runWrites(
            try (1...40).map { #"remember "Caroline went to violin lesson \#($0)" by caroline in scene "week \#($0 % 4)""# }.map(statement))
        let deep = try statement(#"recall "violin lesson" depth 10 limit 40"#)
        // Built and cached, as a space in use is.
        let onWorker = try space.executor().run(deep)
        #expect(onWorker.count == 40)
        // Spent before it began: it stops at its first step.
        guard case .needsStore(nil)? = try space.executor(Cancellation(budget: .zero)).runInMemory(deep) else {
            Issue.record("a recall past its budget was not left to a worker")
            return
        }
        guard case .answered(let lines)? = try space.executor(Cancellation(budget: .seconds(60))).runInMemory(deep) else {
            Issue.record("a recall within its budget was not answered in memory")
            return
        }
        #expect(lines.count == 40)
    }
}
