import Foundation

/// The figures of one size of `big-answers`, printed as two markdown tables
/// ready for docs/benchmarks.md: the statements of many rows, then the
/// one-row ones.
struct BigAnswerTable {
    enum Row {
        /// Medians of the runs: seconds to the first byte and to the last
        /// answer line over the socket, and SQLite's seconds for the same rows.
        case many(String, rows: Int, firstByte: Double, lastLine: Double, sqlite: Double)
        /// The daemon refused it: its `ERR` line.
        case refused(String, String)
        /// Seconds to the last answer line, by percentile.
        case one(String, rows: Int, p50: Double, p99: Double)
    }

    let runs: Int
    let oneRowRuns: Int
    private var rows: [Row] = []

    init(runs: Int, oneRowRuns: Int) {
        self.runs = runs
        self.oneRowRuns = oneRowRuns
    }

    mutating func add(_ row: Row) { rows.append(row) }

    func print() {
        Swift.print("| statement (median of \(runs)) | rows | first byte | last line | rows/s | SQLite rows/s | ours/SQLite |")
        Swift.print("|---|--:|--:|--:|--:|--:|--:|")
        for row in rows {
            switch row {
            case .many(let text, let rows, let firstByte, let lastLine, let sqlite):
                Swift.print(
                    "| `\(text)` | \(rows.grouped) | \(Self.milliseconds(firstByte)) | \(Self.milliseconds(lastLine)) | \(Self.rate(rows, lastLine)) | \(Self.rate(rows, sqlite)) | \(String(format: "%.1f×", lastLine / max(sqlite, 1e-9))) |"
                )
            case .refused(let text, let line):
                Swift.print("| `\(text)` | \(line) | | | | | |")
            case .one:
                continue
            }
        }
        Swift.print("")
        Swift.print("| one row (\(oneRowRuns.grouped) runs) | rows | p50 | p99 |")
        Swift.print("|---|--:|--:|--:|")
        for case .one(let text, let rows, let p50, let p99) in rows {
            Swift.print("| `\(text)` | \(rows) | \(Self.milliseconds(p50)) | \(Self.milliseconds(p99)) |")
        }
        Swift.print("")
        Swift.print(
            "rows: answer lines. first byte, last line: from writing the request to the first byte of the reply and to the newline of its last line. "
                + "SQLite rows/s: the same rows read by SQLite alone from the same file, on a read-only connection of the benchmark's (match and history of a whole predicate with the daemon's own statements, FactRowSQL; the others RowSQL). "
                + "ours/SQLite: time to the last line over SQLite's time.")
    }

    /// `1,234 ms`, `12.3 ms` or `0.123 ms`.
    static func milliseconds(_ seconds: Double) -> String {
        let ms = seconds * 1000
        if ms >= 1000, let whole = Int(exactly: ms.rounded()) { return "\(whole.grouped) ms" }
        return String(format: ms >= 10 ? "%.1f ms" : "%.3f ms", ms)
    }

    /// Rows per second, grouped; blank when there is nothing to divide.
    static func rate(_ rows: Int, _ seconds: Double) -> String {
        guard rows > 1, seconds > 0 else { return "" }
        let perSecond = Double(rows) / seconds
        guard let whole = Int(exactly: perSecond.rounded()) else { return "" }
        return whole.grouped
    }
}
