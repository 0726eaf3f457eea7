import MnemoModel

/// What a recall run on a network thread came to (`Executor.recallWithoutStore`).
public enum InMemoryRecall: Sendable {
    /// Answered from memory.
    case answered([JSONValue])
    /// The store must be read: a worker finishes the handed-over recall
    /// (`Executor.finish`), or runs the statement again when there is none
    /// (it stopped before ranking: an index not built yet, a name or scene
    /// not cached).
    case needsStore(RecallHandoff?)
}
