import Foundation
import MnemoModel
import Testing

@testable import MnemoRecall

/// Writing a long answer takes milliseconds even from cached rows. On a
/// network thread the recall's budget covers it: past the budget the answer
/// stops with `NeedsStore` (a worker writes it from the same ranking); on a
/// worker a cancelled recall stops answering with its error.
@Suite("a long answer within the recall's budget")
struct RecallAnswerBudgetTests {
    @Test(
        "hundreds of cached results past the budget: NeedsStore on a network thread, the whole answer with time left; past request_timeout on a worker, TIMEOUT"
    )
    func answeringPastTheBudget() throws {
        let memory = try RandomMemory(seed: 11, episodes: 600, wordsPerEpisode: 4, sceneSize: 20)
        let (graph, text, nodeText, dictionary) = try memory.indexes()
        let cache = RecallCache()
        let now = Timestamp(iso8601: "2024-04-01T10:00:00Z")!
        func engine(_ cancellation: Cancellation, onWorker: Bool) -> RecallEngine {
            var engine = RecallEngine(
                store: memory.store, graph: graph, text: text, nodeText: nodeText, dictionary: dictionary,
                settings: RecallSettings(), cache: cache, scratchPool: ScratchPool())
            engine.cancellation = cancellation
            engine.mayReadStore = onWorker
            return engine
        }
        let request = Recall(
            text: "violin beach sunset with Ann", about: nil, scene: nil, during: nil, asOf: nil, depth: 3,
            includeArchived: false, limit: 600, explain: false)
        // On a worker, once: every result's row is cached.
        let whole = try engine(.never, onWorker: true).run(request, now: now).lines
        try #require(whole.count >= 512)

        // Ranked within a budget that a loaded machine cannot spend, then
        // answered within it, and past one already spent.
        var inline = engine(Cancellation(budget: .seconds(60)), onWorker: false)
        let ranking = try inline.ranking(of: request, now: now)
        #expect(try inline.answer(ranking).map(\.serialized) == whole.map(\.serialized))
        inline.cancellation = Cancellation(budget: .zero)
        #expect(throws: RecallEngine.NeedsStore.self) { try inline.answer(ranking) }

        // A worker's recall past request_timeout.
        let timeout = Cancellation()
        let worker = engine(timeout, onWorker: true)
        let onWorker = try worker.ranking(of: request, now: now)
        timeout.cancel(.deadline)
        let error = #expect(throws: MnemoError.self) { try worker.answer(onWorker) }
        #expect(error?.code == .timeout)
        #expect(error?.message.contains("request_timeout") == true)
    }
}
