import Foundation

/// A table of measures printed as Markdown with its columns padded, so that
/// it reads in a terminal and pastes into docs/benchmarks.md as it is.
struct Table {
    var header: [String]
    private(set) var rows: [[String]] = []

    init(_ header: String...) { self.header = header }

    mutating func add(_ cells: String...) { rows.append(cells) }

    func print() {
        let all = [header] + rows
        let columns = all.map(\.count).max() ?? 0
        let widths = (0..<columns).map { c in all.map { $0.count > c ? $0[c].count : 0 }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            "| "
                + (0..<columns).map { c in
                    let cell = c < cells.count ? cells[c] : ""
                    return cell + String(repeating: " ", count: widths[c] - cell.count)
                }.joined(separator: " | ") + " |"
        }
        Swift.print(line(header))
        Swift.print("|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|")
        for row in rows { Swift.print(line(row)) }
    }

    /// Seconds as milliseconds, three decimals.
    static func milliseconds(_ seconds: Double) -> String { String(format: "%.3f", seconds * 1000) }

    /// Seconds, two decimals.
    static func seconds(_ seconds: Double) -> String { String(format: "%.2f s", seconds) }

    /// The size of a space's log: `3,045 changes, 22.9 MB`.
    static func log(_ size: (changes: Int64, bytes: Int64)) -> String {
        "log of \(count(Double(size.changes))) changes, " + String(format: "%.1f MB", Double(size.bytes) / 1e6)
    }

    /// A whole number grouped by thousands (20,000).
    static func count(_ value: Double) -> String {
        guard value.isFinite, let whole = Int(exactly: value.rounded()) else { return "-" }
        return whole.formatted(.number.grouping(.automatic))
    }
}
