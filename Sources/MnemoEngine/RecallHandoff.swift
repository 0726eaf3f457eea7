import MnemoModel
import MnemoRecall

/// A recall ranked on a network thread whose answer needs rows the recall
/// cache does not hold: handed to a worker, which reads them and answers
/// (`Executor.finish`) without ranking again. Ranking is most of a recall's
/// work; on a large space few of its results are cached, and ranking them
/// twice took a fifth of the daemon's CPU (mnemo-bench-recall at 1M facts).
///
/// It keeps the recall, the engine that ranked it (with the graph, indexes
/// and recall cache that recall took), the time it ran at, at which its
/// results are reinforced, and how many changes of the store the space had
/// followed when it began. Should the space have followed any change since
/// (a write, a forget, a consolidation run or its undo), or dropped its
/// recall cache, the worker ranks it again, as a recall that began then
/// would: a result retracted, superseded or forgotten meanwhile does not
/// come back.
public struct RecallHandoff: Sendable {
    /// The space recalled from: the one whose executor finishes it.
    package let space: Space
    let recall: Recall
    let engine: RecallEngine
    let ranking: RecallEngine.Ranking
    let graph: GraphIndex
    let now: Timestamp
    /// `Space.followed` when the ranking began.
    let changes: UInt64
}
