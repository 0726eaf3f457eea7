import Synchronization

/// How many bytes one answer may hold (`max_answer_bytes`), counted while the
/// answer is built.
///
/// `limit` bounds the rows of an answer, but a row is as large as what was
/// stored in it (up to `max_line`): 100,000 rows of 1 MiB texts would be
/// 100 GB built in memory before the first byte is sent. The work that
/// builds an answer charges each row to the budget as it reads it, and stops
/// with `TOO_LARGE` once the answer would pass it, having held at most about
/// that much.
public final class AnswerBudget: Sendable {
    /// The bytes one answer may hold; `Int.max` for none.
    public let limit: Int
    private let spent = Atomic<Int>(0)

    public init(limit: Int) { self.limit = limit }

    /// No limit (internal reads, tests).
    public static let unlimited = AnswerBudget(limit: .max)

    /// Counts `bytes` of answer; throws `TOO_LARGE` past the limit.
    @inline(__always)
    public func charge(_ bytes: Int) throws(MnemoError) {
        guard limit != .max else { return }
        let total = spent.add(max(0, bytes), ordering: .relaxed).newValue
        if total > limit {
            throw MnemoError(.tooLarge, "the answer passed max_answer_bytes (\(limit) bytes); ask for fewer rows with limit")
        }
    }
}

extension Value {
    /// About the bytes this value takes in an answer line.
    public var answerBytes: Int {
        switch self {
        case .entity(_, let name): name.utf8.count + 8
        case .literal(.text(let text)): text.utf8.count + 8
        case .literal: 24
        case .list(let items): items.reduce(8) { $0 + $1.answerBytes }
        }
    }
}

extension Fact {
    /// About the bytes of this fact's answer line.
    public var answerBytes: Int {
        var bytes = 200 + predicate.utf8.count
        for name in roleNames { bytes += name.utf8.count }
        for value in roleValues { bytes += value.answerBytes }
        return bytes
    }
}

extension Episode {
    /// About the bytes of this episode's answer line.
    public var answerBytes: Int { 200 + text.utf8.count + (sceneTitle?.utf8.count ?? 0) + entities.reduce(0) { $0 + $1.utf8.count + 4 } }
}
