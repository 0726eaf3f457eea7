import Foundation

/// Renders the JSON lines of an answer as aligned text tables for people.
///
/// Rows are grouped by `"kind"` (groups in order of first appearance, each
/// headed by `[kind]`); the columns of a group are `id` first, then the other
/// keys in the order they were first seen. Strings are shown without quotes,
/// `null` as an empty cell, numbers and booleans as sent, arrays and objects
/// as compact JSON. Cells longer than `maxCellWidth` characters end with `…`.
/// A last line counts the rows: `(3 rows)`.
///
/// ```
/// [fact]
/// id    predicate  roles
/// ----  ---------  ---------------------------
/// f:42  works_at   {"_1":"alice","_2":"acme"}
/// (1 row)
/// ```
public enum TableFormatter {
    public static let defaultMaxCellWidth = 60

    public static func render(_ jsonLines: [String]) -> String {
        render(jsonLines, maxCellWidth: defaultMaxCellWidth)
    }

    public static func render(_ jsonLines: [String], maxCellWidth: Int) -> String {
        var groups: [Group] = []
        var groupIndex: [String: Int] = [:]
        for line in jsonLines {
            let (kind, members) = parse(line)
            let index: Int
            if let existing = groupIndex[kind] {
                index = existing
            } else {
                index = groups.count
                groupIndex[kind] = index
                groups.append(Group(kind: kind))
            }
            groups[index].add(members, width: max(maxCellWidth, 2))
        }

        var output = ""
        for (position, group) in groups.enumerated() {
            if position > 0 { output += "\n" }
            output += group.rendered()
        }
        let count = jsonLines.count
        output += count == 1 ? "(1 row)\n" : "(\(count) rows)\n"
        return output
    }

    /// The kind and the displayable members (without `kind`) of one line.
    private static func parse(_ line: String) -> (kind: String, members: [(String, String)]) {
        let valid = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        guard let valid else {
            return ("(not a JSON object)", [("line", line)])
        }
        let ordered: [(String, String)]
        if let members = JSONLine.members(line) {
            ordered = members.map { ($0.key, display($0.raw)) }
        } else {
            // Valid JSON our scanner did not follow: fall back to sorted keys.
            ordered = valid.keys.sorted().map { key in
                let value = valid[key] ?? NSNull()
                let data = try? JSONSerialization.data(
                    withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes])
                return (key, display(data.map { String(decoding: $0, as: UTF8.self) } ?? ""))
            }
        }
        let kind = (valid["kind"] as? String) ?? "(no kind)"
        return (kind, ordered.filter { $0.0 != "kind" })
    }

    /// A cell's text for a value's JSON text.
    private static func display(_ raw: String) -> String {
        if raw == "null" { return "" }
        if raw.hasPrefix("\""), let string = JSONLine.string(raw) { return string }
        return raw
    }

    private struct Group {
        let kind: String
        var columns: [String] = []
        var known: Set<String> = []
        var rows: [[String: String]] = []

        init(kind: String) {
            self.kind = kind
        }

        mutating func add(_ members: [(String, String)], width: Int) {
            var row: [String: String] = [:]
            for (key, value) in members {
                if known.insert(key).inserted {
                    if key == "id" { columns.insert(key, at: 0) } else { columns.append(key) }
                }
                row[key] = TableFormatter.cell(value, width: width)
            }
            rows.append(row)
        }

        func rendered() -> String {
            var text = "[\(kind)]\n"
            guard !columns.isEmpty else { return text }
            let widths = columns.map { column in
                rows.reduce(column.count) { max($0, $1[column]?.count ?? 0) }
            }
            func line(_ cells: [String]) -> String {
                var result = ""
                for (index, cell) in cells.enumerated() {
                    if index == cells.count - 1 {
                        result += cell
                    } else {
                        result += cell + String(repeating: " ", count: widths[index] - cell.count + 2)
                    }
                }
                while result.last == " " { result.removeLast() }
                return result + "\n"
            }
            text += line(columns)
            text += line(widths.map { String(repeating: "-", count: $0) })
            for row in rows {
                text += line(columns.map { row[$0] ?? "" })
            }
            return text
        }
    }

    /// One line, control characters made visible, at most `width` characters
    /// (a longer text keeps its first `width - 1` and ends with `…`).
    static func cell(_ value: String, width: Int) -> String {
        var text: [Character] = []
        for character in value {
            switch character {
            case "\n", "\r\n": text += ["\\", "n"]
            case "\r": text += ["\\", "r"]
            case "\t": text.append(" ")
            default:
                if character.unicodeScalars.count == 1, let scalar = character.unicodeScalars.first,
                    scalar.value < 0x20 || scalar.value == 0x7F
                {
                    text.append("?")
                } else {
                    text.append(character)
                }
            }
            if text.count > width {
                return String(text.prefix(width - 1)) + "…"
            }
        }
        return String(text)
    }
}
