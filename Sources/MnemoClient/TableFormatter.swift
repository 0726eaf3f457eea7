/// Renders the JSON lines of an answer for people, fitted to a terminal
/// `width` (no line of the output is wider, down to about 30 columns).
///
/// Compact (the default): rows are grouped by `"kind"` (groups in order of
/// first appearance, each headed by `[kind]`), each group a table of the
/// columns a person reads for that kind (`ReadableColumns`), a column left
/// out when it is empty in every row, long values word-wrapped in full
/// within their column (`TableLayout`). A group whose columns cannot be
/// narrowed enough is shown expanded. Expanded (`expanded: true`, `\x` in the
/// REPL): every row in the order sent, every field as `name | value`
/// (`ExpandedLayout`). A last line counts the rows: `(3 rows)`.
///
/// ```
/// [fact]
/// id    fact                 valid
/// ----  -------------------  ------------
/// f:42  works_at(ann, acme)  2021-03-01 ..
/// (1 row)
/// ```
public enum TableFormatter {
    public static func render(_ jsonLines: [String], width: Int = 80, expanded: Bool = false) -> String {
        let rows = jsonLines.map(AnswerRow.init(line:))
        var output = ""
        if expanded {
            for (index, row) in rows.enumerated() {
                output += ExpandedLayout.render(row, position: index + 1, width: width)
            }
        } else {
            var groups: [(kind: String, rows: [(position: Int, row: AnswerRow)])] = []
            var groupIndex: [String: Int] = [:]
            for (position, row) in rows.enumerated() {
                if let existing = groupIndex[row.kind] {
                    groups[existing].rows.append((position + 1, row))
                } else {
                    groupIndex[row.kind] = groups.count
                    groups.append((row.kind, [(position + 1, row)]))
                }
            }
            for (index, group) in groups.enumerated() {
                if index > 0 { output += "\n" }
                output += "[\(group.kind)]\n"
                if let table = compact(group.rows.map(\.row)).render(width: width) {
                    output += table
                } else {
                    for (position, row) in group.rows {
                        output += ExpandedLayout.render(row, position: position, width: width)
                    }
                }
            }
        }
        output += rows.count == 1 ? "(1 row)\n" : "(\(rows.count) rows)\n"
        return output
    }

    /// The compact table of rows of one kind: their readable columns in
    /// order of first appearance, without the columns empty in every row.
    static func compact(_ rows: [AnswerRow]) -> TableLayout {
        var headers: [String] = []
        var known: [String: Int] = [:]
        var cells: [[String: String]] = []
        for row in rows {
            var line: [String: String] = [:]
            for (header, text) in ReadableColumns.cells(row) {
                if known[header] == nil {
                    known[header] = headers.count
                    headers.append(header)
                }
                line[header] = text
            }
            cells.append(line)
        }
        let shown = headers.filter { header in cells.contains { !($0[header] ?? "").isEmpty } }
        return TableLayout(headers: shown, rows: cells.map { line in shown.map { line[$0] ?? "" } })
    }
}
