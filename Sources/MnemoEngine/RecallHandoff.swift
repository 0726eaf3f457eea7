import MnemoModel
import MnemoRecall

/// A recall ranked on a network thread whose answer needs rows the recall
/// cache does not hold: handed to a worker, which reads them and answers
/// (`Executor.finish`) without ranking again. Ranking is most of a recall's
/// work; on a large space few of its results are cached, and ranking them
/// twice took a fifth of the daemon's CPU (mnemo-bench-recall at 1M facts).
///
/// It keeps the recall, the engine that ranked it (with the graph, indexes
/// and recall cache that recall took) and the time it ran at, at which its
/// results are reinforced. A write committed meanwhile shows as it would to
/// a recall that read the store after ranking: a result deleted since is
/// left out. Should the space's recall cache have been dropped meanwhile (a
/// `forget`, a consolidation run or its undo), the worker ranks it again.
public struct RecallHandoff: Sendable {
    /// The space recalled from: the one whose executor finishes it.
    package let space: Space
    let recall: Recall
    let engine: RecallEngine
    let ranking: RecallEngine.Ranking
    let graph: GraphIndex
    let now: Timestamp
}
