/// A write transaction that cannot go on: SQLite rolled it back whole on an
/// error inside a savepoint (SQLITE_FULL, SQLITE_NOMEM and I/O errors may do
/// that), or the savepoint could not be undone. Nothing of the transaction
/// stands; `MemoryStore.write` answers with `cause`, translated.
public struct TransactionLost: Error, CustomStringConvertible {
    /// The error that ended the transaction.
    public let cause: any Error

    public var description: String { "\(cause)" }
}
