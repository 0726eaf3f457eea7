import Foundation

/// The REPL's own commands: a line that starts with a backslash (psql's
/// convention; no statement of the language does) is one of these and is
/// not sent to the daemon.
enum ReplCommand: Equatable {
    /// `\x` toggles expanded display, `\x on` / `\x off` set it.
    case expanded(Bool?)
    /// `\?`: the list below.
    case help
    /// `\q` (like `quit`, `exit` and Ctrl-D).
    case quit
    /// Any other backslash word, named in the error.
    case unknown(String)

    /// The command on `line`; nil when the line is a statement (or part of one).
    init?(_ line: String) {
        let words = line.split(whereSeparator: \.isWhitespace).map(String.init)
        guard let first = words.first, first.hasPrefix("\\") else { return nil }
        let argument = words.count > 1 ? words[1].lowercased() : nil
        switch (first, argument, words.count) {
        case ("\\x", nil, 1): self = .expanded(nil)
        case ("\\x", "on", 2): self = .expanded(true)
        case ("\\x", "off", 2): self = .expanded(false)
        case ("\\?", nil, 1): self = .help
        case ("\\q", nil, 1): self = .quit
        default: self = .unknown(line.trimmingCharacters(in: .whitespaces))
        }
    }

    /// What `\?` prints, and `help` after the statements.
    static let list = """
        REPL commands (alone on a line; not sent to the daemon):
          \\x [on|off]     expanded display: every field of each row as
                          name | value (no argument: switch)
          \\?              this list
          \\q, quit, exit  leave (or Ctrl-D)
        help [STATEMENT] lists the statements of the language. A line ending
        with \\ continues on the next; Tab completes keywords.

        """
}
