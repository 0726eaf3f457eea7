/// A SQL script cut into its statements, for a server that runs one
/// statement per request (PostgreSQL's extended protocol, which PostgresNIO
/// speaks).
///
/// A semicolon ends a statement unless it is inside a string (`'…'`, with
/// `''` for a quote; `E'…'` with backslash escapes too), a quoted name
/// (`"…"`), a dollar-quoted body (`$$…$$`, `$tag$…$tag$`), or a comment
/// (`-- …` to the end of the line, `/* … */`, which nest). Comments are kept
/// with the statement they precede; statements with nothing but white space
/// and comments are dropped. A SQL-standard function body (`BEGIN ATOMIC …
/// END`) is not recognised: the migrations write bodies dollar-quoted.
enum SQLScript {
    static func statements(_ script: String) -> [String] {
        let text = Array(script.unicodeScalars)
        var statements: [String] = []
        var start = 0
        var i = 0
        var hasCode = false

        func finish(_ end: Int) {
            if hasCode {
                var statement = String.UnicodeScalarView()
                statement.append(contentsOf: text[start..<end])
                statements.append(String(statement).trimmingWhiteSpace())
            }
            start = end + 1
            hasCode = false
        }

        while i < text.count {
            let c = text[i]
            let next: Unicode.Scalar? = i + 1 < text.count ? text[i + 1] : nil
            switch c {
            case "-" where next == "-":
                while i < text.count && text[i] != "\n" { i += 1 }
            case "/" where next == "*":
                var depth = 1
                i += 2
                while i < text.count && depth > 0 {
                    if text[i] == "/" && i + 1 < text.count && text[i + 1] == "*" {
                        depth += 1
                        i += 2
                    } else if text[i] == "*" && i + 1 < text.count && text[i + 1] == "/" {
                        depth -= 1
                        i += 2
                    } else {
                        i += 1
                    }
                }
                i -= 1
            case "'", "\"":
                hasCode = true
                // E'…': a backslash escapes the character after it.
                let escapes = c == "'" && i > 0 && (text[i - 1] == "E" || text[i - 1] == "e") && !(i > 1 && isWordCharacter(text[i - 2]))
                i += 1
                while i < text.count {
                    if escapes && text[i] == "\\" {
                        i += 2
                        continue
                    }
                    if text[i] == c {
                        // A doubled quote stands for one.
                        if i + 1 < text.count && text[i + 1] == c {
                            i += 1
                        } else {
                            break
                        }
                    }
                    i += 1
                }
            case "$":
                hasCode = true
                // $tag$ where tag is letters, digits and underscores (not starting with a digit), or empty.
                var j = i + 1
                while j < text.count && (text[j].properties.isAlphabetic || text[j] == "_" || (j > i + 1 && ("0"..."9").contains(text[j]))) {
                    j += 1
                }
                // `a1$x$` is an identifier going on, not a quote.
                if j < text.count && text[j] == "$" && !(i > 0 && isWordCharacter(text[i - 1])) {
                    let tag = Array(text[i...j])
                    var k = j + 1
                    while k + tag.count <= text.count && Array(text[k..<(k + tag.count)]) != tag { k += 1 }
                    i = min(text.count, k + tag.count) - 1
                }
            case ";":
                finish(i)
            default:
                if !c.properties.isWhitespace { hasCode = true }
            }
            i += 1
        }
        finish(text.count)
        return statements
    }
}

/// A character that may go on an identifier: a letter, a digit, `_` or `$`.
private func isWordCharacter(_ c: Unicode.Scalar) -> Bool {
    c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" || c == "$"
}

extension String {
    fileprivate func trimmingWhiteSpace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
