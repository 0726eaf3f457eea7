import MnemoModel

/// The ranges the daemon's parser accepts for the numbers the tools pass
/// on, so that a number out of range is refused with the argument's name
/// before anything is sent. Recall's are the model's; MnemoMCP does not link
/// the language, so the row limit is a copy, which a test holds to the parser.
public enum StatementLimits {
    /// `limit N` of `match`, `timeline` and `persona` (`RowLimit.maximum`).
    public static let rows = 1...100_000
    /// `limit N` of `recall`, which ranks and keeps the best.
    public static let recallRows = Recall.limits
    /// `depth N` of `recall`: hops of spreading activation.
    public static let recallDepth = Recall.depths
}
