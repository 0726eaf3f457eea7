import CEditLine
import Foundation
import MnemoClient

/// The interactive prompt: libedit line editing, history, keyword completion.
final class Repl {
    let socketPath: String
    private var printer: AnswerPrinter
    private var connection: MnemoConnection?
    private var space = "default"
    private let editor: LineEditor
    private let progress = ProgressLine.forStandardError()

    init(socketPath: String, connection: MnemoConnection, json: Bool, expanded: Bool) {
        self.socketPath = socketPath
        self.connection = connection
        self.printer = AnswerPrinter(json: json, expanded: expanded, batchSource: nil)
        self.editor = LineEditor(historyFile: Repl.historyFile())
    }

    /// `$MNEMO_HISTORY` (empty: no history file), else `~/.mnemo_history`.
    static func historyFile() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["MNEMO_HISTORY"] {
            return path.isEmpty ? nil : path
        }
        if let home = environment["HOME"], !home.isEmpty {
            return home + "/.mnemo_history"
        }
        if let entry = getpwuid(getuid()), let directory = entry.pointee.pw_dir {
            return String(cString: directory) + "/.mnemo_history"
        }
        return nil
    }

    func run() {
        Terminal.outWrapped(
            "mnemo: connected to \(socketPath). help lists the statements, \\? the REPL's commands "
                + "(\\x: every field); quit or Ctrl-D leaves.\n")
        var assembler = StatementAssembler()
        while true {
            let prompt = assembler.isContinuing ? "...> " : "mnemo \(space)> "
            Terminal.flush()
            guard let line = editor.readLine(prompt: prompt) else {
                Terminal.out("\n")
                break
            }
            if !assembler.isContinuing {
                let word = line.trimmingCharacters(in: .whitespaces).lowercased()
                if word == "quit" || word == "exit" { break }
                if let command = ReplCommand(line) {
                    editor.remember(line.trimmingCharacters(in: .whitespaces))
                    if !perform(command) { break }
                    continue
                }
            }
            guard let statement = assembler.feed(line) else { continue }
            editor.remember(statement.text)
            progress?.begin(ProgressLine.running(statement.text))
            let answer = execute(statement.text)
            progress?.end()
            guard let response = answer else { continue }
            printer.print(response, for: statement)
            let keyword = StatementInfo.keyword(of: statement.text)
            if response.isOK, keyword == "use", let name = StatementInfo.spaceName(in: response) {
                space = name
            }
            if response.isOK, keyword == "help", statement.text.trimmingCharacters(in: .whitespaces).lowercased() == "help" {
                Terminal.outWrapped("\n" + ReplCommand.list)
            }
        }
        editor.saveHistory()
        Terminal.flush()
    }

    /// Runs one of the REPL's own commands; false when it ends the REPL.
    private func perform(_ command: ReplCommand) -> Bool {
        switch command {
        case .expanded(let setting):
            printer.expanded = setting ?? !printer.expanded
            Terminal.outWrapped("Expanded display is \(printer.expanded ? "on" : "off").\n")
        case .help:
            Terminal.outWrapped(ReplCommand.list)
        case .quit:
            return false
        case .unknown(let text):
            Terminal.error("mnemo: unknown command \(text); \\? lists the REPL's commands")
        }
        return true
    }

    /// Sends one statement; on a lost connection says so and reconnects on
    /// the next statement (back into the same space).
    private func execute(_ text: String) -> Response? {
        guard let connection = connection ?? reconnect() else { return nil }
        do {
            return try connection.request(text)
        } catch {
            Terminal.error("mnemo: \(error); the statement may or may not have run; reconnecting with the next statement")
            connection.close()
            self.connection = nil
            return nil
        }
    }

    private func reconnect() -> MnemoConnection? {
        let fresh: MnemoConnection
        do {
            fresh = try MnemoConnection(socketPath: socketPath)
        } catch {
            Terminal.error("mnemo: \(error)")
            return nil
        }
        if space != "default" {
            let restore = "use space \(StatementInfo.quoted(space))"
            switch try? fresh.request(restore) {
            case .ok?:
                break
            case .error(let code, let message)?:
                Terminal.error("mnemo: reconnected, but could not return to space \(space) (ERR \(code) \(message)); now in default")
                space = "default"
            case nil:
                Terminal.error("mnemo: the connection was lost again")
                return nil
            }
        }
        Terminal.error("mnemo: reconnected to \(socketPath)")
        connection = fresh
        return fresh
    }
}

/// libedit through its readline-compatible interface.
final class LineEditor {
    private let historyFile: String?
    private var lastEntry: String?

    init(historyFile: String?) {
        self.historyFile = historyFile
        using_history()
        stifle_history(2000)
        if let historyFile { _ = read_history(historyFile) }
        mnemo_rl_set_attempted_completion(mnemoCompletion)
    }

    /// One line without its newline; nil at end of input (Ctrl-D).
    func readLine(prompt: String) -> String? {
        guard let line = readline(prompt) else { return nil }
        defer { free(line) }
        return String(cString: line)
    }

    /// Adds a statement to the history (not twice in a row) and saves it, so
    /// that even a REPL ended by a signal keeps what was typed.
    func remember(_ statement: String) {
        guard statement != lastEntry else { return }
        lastEntry = statement
        _ = add_history(statement)
        saveHistory()
    }

    func saveHistory() {
        if let historyFile { _ = write_history(historyFile) }
    }
}

// MARK: Completion

/// The statement keywords of the query language (SPEC §2).
let completionKeywords: [String] = [
    "remember", "recall", "assert", "declare", "retract", "forget", "scene", "persona", "alias",
    "match", "history", "timeline", "scenes", "conflicts", "insights", "explain", "use", "space",
    "consolidate", "consolidations", "undo", "consolidation", "stats", "backup", "ping", "help",
    "about", "during", "as", "of", "known", "where", "limit", "depth", "include", "archived",
    "by", "at", "in", "ref", "importance", "from", "confidence", "source", "functional", "set",
    "with", "place", "open", "close", "dry", "run", "to", "export", "import", "derived", "activation",
].sorted()

/// The keywords completing `prefix` (case-insensitive), in order.
func completions(of prefix: String) -> [String] {
    let lowered = prefix.lowercased()
    return completionKeywords.filter { $0.hasPrefix(lowered) }
}

/// libedit calls the generator from this one thread only; the state lives
/// between its calls for one completion (state 0 starts a new one).
nonisolated(unsafe) private var pendingCompletions: [String] = []

private func completionGenerator(_ text: UnsafePointer<CChar>?, _ state: Int32) -> UnsafeMutablePointer<CChar>? {
    if state == 0 {
        pendingCompletions = completions(of: text.map { String(cString: $0) } ?? "")
    }
    guard !pendingCompletions.isEmpty else { return nil }
    return strdup(pendingCompletions.removeFirst())
}

private func mnemoCompletion(
    _ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32
) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    // Keywords only: no fallback to file names.
    mnemo_rl_set_attempted_completion_over(1)
    return rl_completion_matches(text, completionGenerator)
}
