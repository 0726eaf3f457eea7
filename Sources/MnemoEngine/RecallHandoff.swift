import MnemoModel
import MnemoRecall

/// A recall ranked on a network thread whose answer needs rows the recall
/// cache does not hold: handed to a worker, which reads them and answers
/// (`Executor.finish`) without ranking again. Ranking is most of a recall's
/// work; on a large space few of its results are cached, and ranking twice
/// cost about a third of the latency.
///
/// It keeps the engine that ranked (with the graph, indexes and recall
/// cache that recall took) and the time it ran at, at which its results are
/// reinforced. A write committed meanwhile shows as it would to a recall
/// that read the store after ranking: a result deleted since is left out.
public struct RecallHandoff: Sendable {
    /// The space recalled from: the one whose executor finishes it.
    package let space: Space
    let engine: RecallEngine
    let ranking: RecallEngine.Ranking
    let graph: GraphIndex
    let now: Timestamp
}
