/// A statement's answer as `Executor.answer` hands it over: its lines as
/// values, or already written as text (`AnswerText`) by a statement that
/// answers many rows.
public enum Answer: Sendable {
    case values([JSONValue])
    case text(AnswerText)

    /// The lines as values.
    public var values: [JSONValue] {
        switch self {
        case .values(let values): values
        case .text(let text): text.values
        }
    }
}
