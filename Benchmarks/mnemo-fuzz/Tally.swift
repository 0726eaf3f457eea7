import Foundation

/// What a run counted: requests sent, lines the daemon had to answer, and
/// what became of each line.
struct Tally {
    /// Inputs written (a raw input may hold several lines).
    var inputs = 0
    /// Request lines written: each must get one answer.
    var lines = 0
    var answered = 0
    /// Answers by code: `OK`, `SYNTAX`, `NOT_FOUND`, ...
    var codes: [String: Int] = [:]
    /// Lines whose answer did not come within the answer timeout.
    var unanswered = 0
    /// Lines pipelined behind an unanswered one, given up with its connection.
    var abandoned = 0
    /// Lines in flight when the daemon died.
    var lostInCrash = 0
    /// Lines in flight when the daemon closed a connection without dying.
    var dropped = 0
    /// Lines that were neither `OK n` nor `ERR ...` (the connection is dropped after one).
    var violations = 0
    /// OK answers with a line that is not valid JSON.
    var invalidJSON = 0

    /// Answers by code for each kind of input (`remember`, `match`, `raw`...).
    var byKind: [String: [String: Int]] = [:]

    var internalErrors: Int { codes["INTERNAL", default: 0] }

    mutating func count(_ code: String?, kind: String) {
        answered += 1
        codes[code ?? "OK", default: 0] += 1
        byKind[kind, default: [:]][code ?? "OK", default: 0] += 1
    }

    mutating func merge(_ other: Tally) {
        inputs += other.inputs
        lines += other.lines
        answered += other.answered
        for (code, n) in other.codes { codes[code, default: 0] += n }
        for (kind, counts) in other.byKind {
            for (code, n) in counts { byKind[kind, default: [:]][code, default: 0] += n }
        }
        unanswered += other.unanswered
        abandoned += other.abandoned
        lostInCrash += other.lostInCrash
        dropped += other.dropped
        violations += other.violations
        invalidJSON += other.invalidJSON
    }

    /// The answers by code, most frequent first: `OK 512030, SYNTAX 301223, ...`.
    var codeSummary: String { Self.summary(codes) }

    /// One line per kind of input, the most frequent kind first.
    var kindSummary: String {
        byKind.sorted { ($0.value.values.reduce(0, +), $1.key) > ($1.value.values.reduce(0, +), $0.key) }
            .map { kind, counts in "  " + kind.padding(toLength: 15, withPad: " ", startingAt: 0) + Self.summary(counts) }
            .joined(separator: "\n")
    }

    private static func summary(_ counts: [String: Int]) -> String {
        counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }
}
