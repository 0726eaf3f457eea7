/// The ranges the daemon's parser accepts for the numbers the tools pass
/// on, so that a number out of range is refused with the argument's name
/// before anything is sent. MnemoMCP does not link the language, so these
/// are copies; `StatementLimitsTests` holds them to the parser.
public enum StatementLimits {
    /// `limit N` of `match`, `timeline` and `persona` (`RowLimit.maximum`).
    public static let rows = 1...100_000
    /// `limit N` of `recall`, which ranks and keeps the best.
    public static let recallRows = 1...10_000
    /// `depth N` of `recall`: hops of spreading activation.
    public static let recallDepth = 0...10
}
