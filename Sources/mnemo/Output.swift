import Foundation
import MnemoClient

/// Writing to the terminal: answers to standard output, errors to standard
/// error (after flushing standard output, so that both keep their order when
/// they go to the same place).
enum Terminal {
    /// Buffered (C stdio, like `print`).
    static func out(_ text: String) {
        print(text, terminator: "")
    }

    /// Text for people, each line word-wrapped to the terminal's width.
    static func outWrapped(_ text: String) {
        let width = TerminalSize.columns(environment: ProcessInfo.processInfo.environment)
        out(TextWrapper.lines(text, width: width).joined(separator: "\n"))
    }

    static func flush() {
        fflush(nil)
    }

    static func error(_ text: String) {
        flush()
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    static var inputIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }
}

/// Prints answers: tables (TableFormatter) fitted to the terminal's width
/// (`TerminalSize`, asked for each answer), compact or expanded, or, with
/// --json, the raw JSON lines.
struct AnswerPrinter {
    var json: Bool
    /// Every field of each row as `name | value` (`\x`, `--expanded`).
    var expanded = false
    /// Batch: a blank line after each table, and the input line of each error.
    var batchSource: String?

    func print(_ response: Response, for statement: Statement) {
        switch response {
        case .ok(let lines):
            if json {
                var text = ""
                for line in lines {
                    text += line
                    text += "\n"
                }
                Terminal.out(text)
            } else {
                let width = TerminalSize.columns(environment: ProcessInfo.processInfo.environment)
                Terminal.out(TableFormatter.render(lines, width: width, expanded: expanded) + (batchSource == nil ? "" : "\n"))
            }
        case .error:
            var message = response.headerLine
            if let batchSource {
                let shown = statement.text.count > 80 ? String(statement.text.prefix(79)) + "…" : statement.text
                message += "\n  at \(batchSource):\(statement.line): \(shown)"
            }
            Terminal.error(message)
        }
    }
}
