import Foundation
import MnemoClient
import Synchronization

/// Keeps a `ProgressLine` saying how far an export or import has come:
/// lines so far, of how many, the rate and the time left
/// (`import: 412,000 of 1,500,001 lines (27%), 95,000 lines/s, 12 s left`).
///
/// The daemon does the work while `mnemo` waits for its one answer; this
/// polls `stats` twice a second on a second connection for the space's
/// `transfer_lines` and `transfer_lines_total`.
final class TransferPoller: Sendable {
    private let stop = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)

    /// The line, touched by the polling thread only through its own lock.
    private struct Line: @unchecked Sendable { let line: ProgressLine }

    /// Starts polling for `operation` (`export` or `import`) in `space`
    /// (nil: the default space). Without a second connection the line only
    /// says that the work runs, and the work goes on.
    static func start(_ operation: String, socket: String, space: String?, line: ProgressLine) -> TransferPoller {
        let poller = TransferPoller()
        let shared = Line(line: line)
        Thread.detachNewThread {
            defer { poller.done.signal() }
            guard let connection = try? MnemoConnection(socketPath: socket) else { return }
            defer { connection.close() }
            if let space, (try? connection.request("use space \(StatementInfo.quoted(space))"))?.isOK != true { return }
            poller.poll(operation, connection, shared.line)
        }
        return poller
    }

    /// Stops polling.
    func finish() {
        stop.store(true, ordering: .relaxed)
        done.wait()
    }

    private func poll(_ operation: String, _ connection: MnemoConnection, _ line: ProgressLine) {
        let started = Date()
        while !stop.load(ordering: .relaxed) {
            usleep(500_000)
            guard !stop.load(ordering: .relaxed), let answer = try? connection.request("stats"), answer.isOK else { continue }
            var figures: [String: Any] = [:]
            for line in answer.lines {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let name = object["name"] as? String
                else { continue }
                figures[name] = object["value"]
            }
            guard figures["transfer"] as? String == operation, let lines = figures["transfer_lines"] as? Int else { continue }
            line.update(
                Self.describe(operation, lines: lines, total: figures["transfer_lines_total"] as? Int, seconds: Date().timeIntervalSince(started)))
        }
    }

    /// `export: 412,000 of 1,500,001 lines (27%), 95,000 lines/s, 11 s left`.
    static func describe(_ operation: String, lines: Int, total: Int?, seconds: Double) -> String {
        let rate = seconds > 0 ? Double(lines) / seconds : 0
        var text = "\(operation): \(grouped(lines))"
        if let total, total > 0 {
            text += " of \(grouped(total)) lines (\(min(100, lines * 100 / total))%)"
        } else {
            text += " lines"
        }
        text += ", \(grouped(Int(rate))) lines/s"
        if let total, rate > 0, total > lines {
            text += ", \(Int((Double(total - lines) / rate).rounded(.up))) s left"
        }
        return text
    }

    private static func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return out
    }
}
