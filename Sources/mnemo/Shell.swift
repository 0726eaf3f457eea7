import ArgumentParser
import Foundation
import MnemoClient

/// The default command: the REPL on a terminal, batch from a file or from a
/// non-terminal standard input, or one-shot with `-c`.
struct Shell: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shell",
        abstract: "Run statements: interactively, from a file or standard input, or one with -c (the default).",
        discussion: """
            Interactive (no FILE, standard input a terminal): line editing, history in \
            ~/.mnemo_history ($MNEMO_HISTORY overrides; empty disables), keyword \
            completion with Tab; a line ending with \\ continues on the next; \\x \
            switches expanded display, \\? lists the REPL's commands; quit, exit, \\q \
            or Ctrl-D leaves.

            Answers are tables of the columns a person reads for each kind of row, \
            long texts wrapped in full, fitted to the terminal's width ($COLUMNS when \
            no terminal says, else 80); -x shows every field, --json the raw lines. \
            A statement that takes longer than half a second shows its running time \
            on standard error when that is a terminal.

            Batch (a FILE, or standard input not a terminal): one statement per line; \
            blank lines and -- comments are skipped, \\ continues a line. Answers are \
            printed in order; the batch stops at the first ERR unless --keep-going. \
            Read-only statements are pipelined; a statement that may change something \
            is sent only after every earlier answer arrived (all are pipelined with \
            --keep-going).

            Exit status: 0 if every answer was OK, 1 if one was ERR, 66 if FILE \
            cannot be read, 69 if the daemon cannot be reached or the connection is lost.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "Print the raw JSON lines of each answer instead of tables.")
    var json = false

    @Flag(
        name: [.customShort("x"), .long],
        help: "Show every field of each row as `name | value` instead of the columns a person reads (\\x in the REPL).")
    var expanded = false

    @Option(
        name: [.customShort("c"), .customLong("command")],
        help: ArgumentHelp("Run this statement and exit (0 if the answer is OK, 1 if ERR).", valueName: "statement"))
    var command: String?

    @Flag(help: "In batch mode, go on after an ERR answer (the exit status is still 1).")
    var keepGoing = false

    @Argument(help: ArgumentHelp("A file of statements to run (- for standard input).", valueName: "file"))
    var file: String?

    func validate() throws {
        if command != nil && file != nil {
            throw ValidationError("give either -c or a file, not both")
        }
    }

    func run() throws {
        if let command {
            let connection = try connection.connect()
            let statements = StatementAssembler.statements(in: command)
            let printer = AnswerPrinter(json: json, expanded: expanded, batchSource: nil)
            let runner = BatchRunner(connection: connection, printer: printer, keepGoing: keepGoing)
            try runner.run(statements)
            if runner.failures > 0 { throw ExitStatus.statementFailed }
            return
        }
        if file == nil && Terminal.inputIsTerminal {
            let repl = Repl(socketPath: connection.socketPath, connection: try connection.connect(), json: json, expanded: expanded)
            repl.run()
            return
        }

        let input: InputLines
        let sourceName: String
        if let file, file != "-" {
            guard let opened = InputLines(path: file) else {
                Terminal.error("mnemo: cannot read \(file): \(String(cString: strerror(errno)))")
                throw ExitStatus.noInput
            }
            input = opened
            sourceName = file
        } else {
            input = InputLines(fileDescriptor: STDIN_FILENO)
            sourceName = "stdin"
        }
        let connection = try connection.connect()
        let printer = AnswerPrinter(json: json, expanded: expanded, batchSource: sourceName)
        let runner = BatchRunner(connection: connection, printer: printer, keepGoing: keepGoing)
        try runner.run(input)
        if runner.failures > 0 { throw ExitStatus.statementFailed }
    }
}
