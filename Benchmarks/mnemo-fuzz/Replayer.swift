import BenchmarkSupport
import Foundation

/// Sends inputs one line at a time, each after the previous one was answered,
/// to find which line of a crash record kills the daemon (or answers
/// `ERR INTERNAL`, or never answers).
struct Replayer {
    let supervisor: DaemonSupervisor
    let answerTimeout: Double
    let verbose: Bool

    /// What one line did.
    enum Outcome: Equatable, CustomStringConvertible {
        /// Answered: `nil` for OK, else the error code.
        case answered(String?)
        case crashed, unanswered, dropped

        var description: String {
            switch self {
            case .answered(let code): code ?? "OK"
            case .crashed: "CRASHED"
            case .unanswered: "UNANSWERED"
            case .dropped: "DROPPED"
            }
        }
    }

    /// The lines of `bytes`, without their newlines (a last line without one included).
    static func lines(of bytes: [UInt8]) -> [[UInt8]] {
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    /// Replays `lines` in order; returns the lines (1-based) that misbehaved and how.
    func replay(_ lines: [[UInt8]]) throws -> [(line: Int, outcome: Outcome)] {
        var findings: [(Int, Outcome)] = []
        var (connection, generation) = try supervisor.connect()
        for (i, line) in lines.enumerated() {
            let outcome = send(line + [0x0A], on: connection, generation: generation)
            let text = String(decoding: line.prefix(300), as: UTF8.self).debugDescription
            if verbose { print("\(i + 1): \(outcome.description) \(text)") }
            switch outcome {
            case .answered(let code) where code != "INTERNAL": continue
            case .answered:
                print("line \(i + 1) answered ERR INTERNAL: \(text)")
            case .crashed:
                print("line \(i + 1) crashed the daemon: \(text)")
            case .unanswered:
                print("line \(i + 1) was not answered within \(Int(answerTimeout)) s: \(text)")
            case .dropped:
                print("line \(i + 1): the daemon closed the connection: \(text)")
            }
            findings.append((i + 1, outcome))
            if outcome != .answered("INTERNAL") { (connection, generation) = try supervisor.connect() }
        }
        return findings
    }

    private func send(_ bytes: [UInt8], on connection: FuzzConnection, generation: Int) -> Outcome {
        connection.enqueue(bytes)
        let started = monotonicSeconds()
        do {
            while monotonicSeconds() - started < answerTimeout {
                if let answer = try connection.pump(milliseconds: 200).first { return .answered(answer.code) }
            }
            return .unanswered
        } catch {
            return supervisor.connectionLost(generation: generation, inFlight: [bytes]) == .crashed ? .crashed : .dropped
        }
    }
}
