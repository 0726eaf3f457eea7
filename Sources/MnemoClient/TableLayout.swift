/// A table of rows of one kind fitted to a terminal width: aligned columns
/// two spaces apart, each cell word-wrapped within its column
/// (`TextWrapper`), continuation lines aligned under it.
///
/// Columns start at their natural width (the widest cell or header). While
/// the table is wider than the terminal, the widest column is narrowed (down
/// to the next widest, so long texts give way first and short columns such
/// as ids and times keep their width), not below its longest word (up to
/// `wordLimit`) if that can fit, else not below `narrowest` columns (or its
/// natural width, when that is less). When even that does not fit, `render`
/// answers nil and the caller shows the rows expanded.
///
/// ```
/// id   speaker   when              text                        score
/// ---  --------  ----------------  --------------------------  ------
/// e:3  caroline  2023-05-08 13:56  I went to a support group   0.9124
///                                  yesterday and it was so
///                                  powerful.
/// ```
struct TableLayout {
    static let gap = 2
    static let narrowest = 8
    static let wordLimit = 20

    var headers: [String]
    var rows: [[String]]

    /// The widths of the columns for a table at most `width` columns wide;
    /// nil when the narrowest columns do not fit. Columns are first kept as
    /// wide as their longest word (up to `wordLimit`), so that words are not
    /// cut; when that does not fit, down to `narrowest`.
    func widths(fitting width: Int) -> [Int]? {
        let natural = headers.indices.map { column in
            rows.reduce(TextWrapper.naturalWidth(headers[column])) { max($0, TextWrapper.naturalWidth($1[column])) }
        }
        let words = headers.indices.map { column in
            rows.reduce(TextWrapper.longestWord(headers[column])) { max($0, TextWrapper.longestWord($1[column])) }
        }
        let hard = natural.map { min($0, Self.narrowest) }
        let soft = natural.indices.map { min(natural[$0], max(hard[$0], min(words[$0], Self.wordLimit))) }
        return Self.narrowed(natural, floors: soft, to: width) ?? Self.narrowed(natural, floors: hard, to: width)
    }

    /// `widths` narrowed, widest first and never below `floors`, until they
    /// and the gaps fit `width`; nil when the floors do not.
    static func narrowed(_ widths: [Int], floors: [Int], to width: Int) -> [Int]? {
        var widths = widths
        let gaps = gap * max(widths.count - 1, 0)
        guard floors.reduce(gaps, +) <= width else { return nil }
        var total = widths.reduce(gaps, +)
        while total > width {
            // The widest column that can still give way, narrowed at most to the next widest.
            guard let column = widths.indices.filter({ widths[$0] > floors[$0] }).max(by: { widths[$0] < widths[$1] }) else { return nil }
            let next = widths.indices.filter { $0 != column }.map { widths[$0] }.max() ?? 0
            var target = max(floors[column], next, widths[column] - (total - width))
            if target >= widths[column] { target = widths[column] - 1 }
            total -= widths[column] - target
            widths[column] = target
        }
        return widths
    }

    /// The table's lines (header, rule, rows), each ending with a newline
    /// and no trailing spaces; nil when it cannot fit `width`.
    func render(width: Int) -> String? {
        guard !headers.isEmpty else { return "" }
        guard let widths = widths(fitting: width) else { return nil }
        var text = ""
        func emit(_ cells: [[String]]) {
            let height = cells.reduce(1) { max($0, $1.count) }
            for index in 0..<height {
                var line = ""
                var pending = 0
                for (column, lines) in cells.enumerated() {
                    let cell = index < lines.count ? lines[index] : ""
                    if !cell.isEmpty {
                        line += String(repeating: " ", count: pending) + cell
                        pending = 0
                    }
                    pending += widths[column] - DisplayWidth.of(cell) + Self.gap
                }
                text += line + "\n"
            }
        }
        emit(headers.indices.map { TextWrapper.lines(headers[$0], width: widths[$0]) })
        emit(widths.map { [String(repeating: "-", count: $0)] })
        for row in rows {
            emit(row.indices.map { TextWrapper.lines(row[$0], width: widths[$0]) })
        }
        return text
    }
}
