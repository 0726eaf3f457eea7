/// Rows shown one field per line, as psql's expanded display (`\x`): a
/// heading naming the row's kind and its place in the answer, then
/// `name | value` for every field in the order sent, values as sent
/// (`ValueText.plain`) and word-wrapped within the terminal's width,
/// continuation lines aligned after the bar.
///
/// ```
/// -[ episode 1 ]------------------------------
/// id          | e:3
/// text        | I went to a support group
///             | yesterday
/// speaker     | caroline
/// ```
enum ExpandedLayout {
    /// One row: `position` counts from 1 in the whole answer.
    static func render(_ row: AnswerRow, position: Int, width: Int) -> String {
        let fields = row.members.map { (name: $0.key, value: ValueText.plain($0.raw)) }
        let nameWidth = min(fields.reduce(0) { max($0, DisplayWidth.of($1.name)) }, max(width / 3, 4))
        let valueWidth = max(width - nameWidth - 3, 2)
        var body = ""
        var widest = 0
        for field in fields {
            let names = TextWrapper.lines(field.name, width: nameWidth)
            let values = TextWrapper.lines(field.value, width: valueWidth)
            for index in 0..<max(names.count, values.count) {
                let name = index < names.count ? names[index] : ""
                let value = index < values.count ? values[index] : ""
                var line = name + String(repeating: " ", count: max(0, nameWidth - DisplayWidth.of(name))) + " |"
                if !value.isEmpty { line += " " + value }
                widest = max(widest, DisplayWidth.of(line))
                body += line + "\n"
            }
        }
        let title = "-[ \(row.kind) \(position) ]"
        let rule = max(min(widest, width) - DisplayWidth.of(title), 0)
        return title + String(repeating: "-", count: rule) + "\n" + body
    }
}
