import Foundation
import MnemoClient
import MnemoTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `mnemo` as a person uses it: on a pseudo-terminal of a set size, against
/// a real `mnemod`. What the terminal received is read back as lines (escape
/// sequences dropped, each carriage return starting the line again) and held
/// to the window's width.
@Suite("The REPL on a terminal, against a real daemon", .serialized)
struct ReplTerminalTests {
    /// A turn long enough to wrap even at 200 columns, and the best answer to the question below.
    static let longTurn =
        "Thinking about my education lately: the fields I would pursue are counseling and mental health, "
        + "maybe social work too. I went to a support group yesterday and the stories were so powerful that "
        + "I want to help people who went through what I did. Psychology courses at the community college "
        + "start in September, and I would like to pursue a master's degree in counseling after that, "
        + "working with trans youth and their families."
    static let question = #"recall "What fields would Caroline pursue in her education?" limit 5"#

    /// A conversation of 1,201 turns in four sessions; the long turn is in the first.
    static func conversation() -> String {
        var sessions: [String] = []
        for session in 0..<4 {
            var turns: [String] = []
            if session == 0 {
                turns.append(#"{"speaker": "caroline", "text": "\#(longTurn)", "ref": "long"}"#)
            }
            for turn in 0..<300 {
                let speaker = turn % 2 == 0 ? "melanie" : "caroline"
                let text = "Note \(turn) of session \(session): the garden, the kids, painting and the weather at the lake."
                turns.append(#"{"speaker": "\#(speaker)", "text": "\#(text)", "ref": "S\#(session):\#(turn)"}"#)
            }
            sessions.append(
                #"{"scene": "session \#(session)", "at": "2023-0\#(session + 5)-08T13:00:00Z", "turns": [\#(turns.joined(separator: ","))]}"#)
        }
        return #"{"sessions": [\#(sessions.joined(separator: ","))]}"#
    }

    /// Runs `mnemo` with `arguments` on a new pseudo-terminal `columns` wide.
    static func start(_ arguments: [String], columns: Int) throws -> (terminal: PseudoTerminal, process: Process) {
        guard let binary = MnemoBinary.path else {
            throw Subprocess.Failure(description: "the mnemo executable was not found (set MNEMO_BIN)")
        }
        let terminal = try PseudoTerminal(columns: columns, rows: 50)
        let handle = FileHandle(fileDescriptor: terminal.slave, closeOnDealloc: false)
        let process = try ChildProcess.run {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
            process.environment = Subprocess.environment(["TERM": "xterm", "COLUMNS": "999"])
            process.standardInput = handle
            process.standardOutput = handle
            process.standardError = handle
            return process
        }
        return (terminal, process)
    }

    /// The lines the terminal shows for the bytes from `mark` on: escape
    /// sequences dropped, split at newlines and at carriage returns (each
    /// piece is drawn from the first column).
    static func screenLines(_ terminal: PseudoTerminal, from mark: Int, to end: Int? = nil) -> [String] {
        let bytes = Array(terminal.transcript.utf8)
        var visible: [UInt8] = []
        var index = mark
        let stop = min(end ?? bytes.count, bytes.count)
        while index < stop {
            let byte = bytes[index]
            if byte == 0x1B {
                index += 1
                if index < stop, bytes[index] == UInt8(ascii: "[") {
                    index += 1
                    while index < stop, !(0x40...0x7E).contains(bytes[index]) { index += 1 }
                }
                index += 1
                continue
            }
            if byte == 0x07 || byte == 0x08 {
                index += 1
                continue
            }
            visible.append(byte)
            index += 1
        }
        // "\r\n" is one Character in Swift: a line break; a lone "\r" returns to the first column.
        return String(decoding: visible, as: UTF8.self)
            .split(omittingEmptySubsequences: false) { $0 == "\r\n" || $0 == "\n" || $0 == "\r" }
            .map(String.init)
    }

    /// The text of the compact table's `text` column in the row whose text
    /// starts with `opening`, its continuation lines joined.
    static func textColumn(_ lines: [String], startingWith opening: String) -> String? {
        guard let header = lines.lastIndex(where: { $0.hasPrefix("id ") && $0.contains(" text ") }),
            let start = lines[header].range(of: " text ").map({ lines[header].distance(from: lines[header].startIndex, to: $0.lowerBound) + 1 }),
            header + 1 < lines.count
        else { return nil }
        let rule = Array(lines[header + 1])
        var end = start
        while end < rule.count && rule[end] == "-" { end += 1 }
        func cell(_ line: String) -> String {
            let characters = Array(line)
            guard characters.count > start else { return "" }
            return String(characters[start..<min(end, characters.count)]).trimmingCharacters(in: .whitespaces)
        }
        guard let first = lines.indices.first(where: { $0 > header + 1 && cell(lines[$0]).hasPrefix(opening) }) else { return nil }
        var parts = [cell(lines[first])]
        var next = first + 1
        while next < lines.count, lines[next].hasPrefix(String(repeating: " ", count: start)), !cell(lines[next]).isEmpty {
            parts.append(cell(lines[next]))
            next += 1
        }
        return parts.joined(separator: " ")
    }

    /// The value of field `name` of an expanded record whose value starts with `opening`, continuation lines joined.
    static func expandedValue(_ lines: [String], field name: String, startingWith opening: String) -> String? {
        guard let first = lines.firstIndex(where: { $0.hasPrefix(name + " ") && $0.contains("| " + opening) }),
            let bar = lines[first].range(of: "| ")
        else { return nil }
        let offset = lines[first].distance(from: lines[first].startIndex, to: bar.upperBound)
        var parts = [String(lines[first].dropFirst(offset))]
        var next = first + 1
        while next < lines.count, lines[next].hasPrefix(String(repeating: " ", count: offset - 2) + "| ") {
            parts.append(String(lines[next].dropFirst(offset)))
            next += 1
        }
        return parts.joined(separator: " ")
    }

    /// Types `line` at the prompt, waits for `answer` and then for `prompt`
    /// again; the mark from which the answer was read. Records an issue when
    /// either does not come.
    @discardableResult
    static func send(_ terminal: PseudoTerminal, _ line: String, expecting answer: String, prompt: String, timeout: Double = 10) -> Int {
        let mark = terminal.mark
        terminal.type(line + "\r")
        #expect(terminal.waitFor(answer, after: mark, timeout: timeout), "no \(answer) after \(line): \(terminal.transcript.debugDescription)")
        #expect(ReplTests.atPrompt(terminal, prompt, after: terminal.lastMatchEnd), "no prompt after \(line)")
        return mark
    }

    static func overlong(_ lines: [String], width: Int) -> [String] {
        lines.filter { $0.count > width }
    }

    @Test("the width is the terminal's (TIOCGWINSZ), asked again after a resize; nil for what is not a terminal")
    func terminalSize() throws {
        let terminal = try PseudoTerminal(columns: 132)
        #expect(TerminalSize.columns(of: terminal.slave) == 132)
        terminal.resize(columns: 57)
        #expect(TerminalSize.columns(of: terminal.slave) == 57)
        terminal.resize(columns: 0)
        #expect(TerminalSize.columns(of: terminal.slave) == nil)
        let pipe = Pipe()
        #expect(TerminalSize.columns(of: pipe.fileHandleForReading.fileDescriptor) == nil)
    }

    @Test("import-chat shows its progress, then erases it; recall's answers fit 200 and 80 columns with the long text in full; \\x expands")
    func answersFitTheTerminal() throws {
        let daemon = try MnemodProcess()
        defer { daemon.stop() }
        let file = daemon.directory.file("chat.json")
        try Self.conversation().write(toFile: file, atomically: true, encoding: .utf8)

        // import-chat on an 80-column terminal: a progress line, erased before the summary.
        let importing = try Self.start(["import-chat", file, "--space", "chat", "-v", "--batch", "50", "--socket", daemon.socketPath], columns: 80)
        #expect(importing.terminal.waitFor("imported 1201 of 1201 turns", timeout: 60), "\(importing.terminal.transcript.debugDescription)")
        #expect(Subprocess.waitForExit(importing.process, timeout: 10))
        #expect(importing.process.terminationStatus == 0)
        let transcript = importing.terminal.transcript
        let progress = try #require(transcript.range(of: "importing chat.json: ", options: .backwards), "no progress line: \(transcript.debugDescription)")
        let summary = try #require(transcript.range(of: "imported 1201 of 1201"))
        #expect(transcript[progress.upperBound..<summary.lowerBound].contains("\r\u{1B}[K"), "the progress line was not erased: \(transcript.debugDescription)")
        #expect(transcript.contains(" of 1201 turns ("))
        #expect(Self.overlong(Self.screenLines(importing.terminal, from: 0), width: 80).isEmpty)

        // The REPL on a 200-column terminal.
        let (terminal, process) = try Self.start(["--socket", daemon.socketPath], columns: 200)
        defer { if process.isRunning { process.terminate() } }
        #expect(ReplTests.atPrompt(terminal, "mnemo default> ", after: 0), "no prompt: \(terminal.transcript.debugDescription)")
        Self.send(terminal, "use space \"chat\"", expecting: "[space]", prompt: "mnemo chat> ")

        let opening = String(Self.longTurn.prefix(30))
        for width in [200, 80] {
            terminal.resize(columns: width, rows: 50)
            let mark = Self.send(terminal, Self.question, expecting: "(5 rows)", prompt: "mnemo chat> ")
            let lines = Self.screenLines(terminal, from: mark)
            #expect(Self.overlong(lines, width: width).isEmpty, "wider than \(width): \(Self.overlong(lines, width: width))")
            #expect(lines.contains { $0.hasPrefix("id ") && $0.contains(" speaker ") && $0.contains(" when ") && $0.hasSuffix(" score") })
            #expect(!lines.contains { $0.contains("scene_title") || $0.contains("importance") })
            #expect(Self.textColumn(lines, startingWith: opening) == Self.longTurn, "width \(width):\n\(lines.joined(separator: "\n"))")
            #expect(!lines.joined().contains("…"))
        }

        // \x: every field, as name | value, still within 80 columns.
        Self.send(terminal, "\\x", expecting: "Expanded display is on.", prompt: "mnemo chat> ")
        var lines = Self.screenLines(terminal, from: Self.send(terminal, Self.question, expecting: "(5 rows)", prompt: "mnemo chat> "))
        #expect(Self.overlong(lines, width: 80).isEmpty, "\(Self.overlong(lines, width: 80))")
        #expect(lines.contains { $0.hasPrefix("-[ episode 1 ]--") })
        for field in ["id", "ref", "text", "speaker", "at", "scene", "scene_title", "importance", "entities", "times", "score"] {
            #expect(lines.contains { $0.hasPrefix(field + " ") && $0.contains("|") }, "no field \(field)")
        }
        #expect(Self.expandedValue(lines, field: "text", startingWith: opening) == Self.longTurn, "\(lines.joined(separator: "\n"))")

        Self.send(terminal, "\\x", expecting: "Expanded display is off.", prompt: "mnemo chat> ")
        lines = Self.screenLines(terminal, from: Self.send(terminal, #"recall "garden" limit 3"#, expecting: "(3 rows)", prompt: "mnemo chat> "))
        #expect(!lines.contains { $0.hasPrefix("-[ ") })
        terminal.type("\\q\r")
        #expect(Subprocess.waitForExit(process, timeout: 5))
        #expect(process.terminationStatus == 0)
    }

    @Test("mnemo import on a terminal shows lines so far, of how many, the rate and the time left, erased before its summary")
    func transferProgress() throws {
        let daemon = try MnemodProcess()
        defer { daemon.stop() }
        let client = try daemon.connect()
        #expect(try client.request(#"use space "big""#).isOK)
        // Enough facts that an import outlasts the poller's first look (half a second).
        let facts = 20_000
        try client.pipeline((0..<facts).map { "assert reading(i: \($0), tag: t\($0 % 10))" }) { _, _ in }
        let file = daemon.directory.file("big.jsonl")
        let exporting = try Self.start(["export", file, "--space", "big", "--socket", daemon.socketPath], columns: 100)
        #expect(Subprocess.waitForExit(exporting.process, timeout: 120))
        #expect(exporting.process.terminationStatus == 0, "\(exporting.terminal.transcript.debugDescription)")

        let importing = try Self.start(["import", file, "--space", "copy", "-v", "--socket", daemon.socketPath], columns: 100)
        #expect(importing.terminal.waitFor("imported from ", timeout: 120), "\(importing.terminal.transcript.debugDescription)")
        #expect(Subprocess.waitForExit(importing.process, timeout: 10))
        #expect(importing.process.terminationStatus == 0)
        let transcript = importing.terminal.transcript
        let progress = try #require(transcript.range(of: "import: ", options: .backwards), "no progress line: \(transcript.debugDescription)")
        let summary = try #require(transcript.range(of: "imported from "))
        let line = String(transcript[progress.lowerBound..<summary.lowerBound])
        #expect(line.contains(" lines/s"), "\(line.debugDescription)")
        #expect(transcript.contains(" of 20,0"), "the total never shown: \(transcript.debugDescription)")
        #expect(line.contains("\r\u{1B}[K"), "the progress line was not erased: \(line.debugDescription)")
        #expect(transcript[summary.upperBound...].contains("\(facts) fact"), "\(transcript.debugDescription)")
    }

    @Test("a long consolidate shows its running time on the terminal, erased before the answer; \\? and help list the REPL's commands")
    func progressAndCommands() throws {
        let directory = MnemoTestSupport.TemporaryDirectory()
        let reflector = directory.file("reflector.sh")
        // A reflector that takes its time makes the run last at least 1.5 s.
        try "#!/bin/sh\ncat >/dev/null\nsleep 1.5\necho '{}'\n".write(toFile: reflector, atomically: true, encoding: .utf8)
        chmod(reflector, 0o755)
        let daemon = try MnemodProcess(config: "reflector = \(reflector)\n", directory: directory)
        defer { daemon.stop() }
        let client = try daemon.connect()
        for (i, day) in ["2023-05-08", "2023-06-08"].enumerated() {
            _ = try client.request(#"remember "Hey Mel, I went hiking with my sister." by caroline at \#(day)T10:00 in scene "chat \#(i)""#)
            _ = try client.request(#"remember "Sounds lovely, Caroline." by melanie at \#(day)T10:01 in scene "chat \#(i)""#)
        }

        let (terminal, process) = try Self.start(["--socket", daemon.socketPath], columns: 80)
        defer { if process.isRunning { process.terminate() } }
        #expect(ReplTests.atPrompt(terminal, "mnemo default> ", after: 0))
        // The greeting too fits 80 columns.
        #expect(Self.overlong(Self.screenLines(terminal, from: 0), width: 80).isEmpty, "\(Self.screenLines(terminal, from: 0))")
        let mark = terminal.mark
        terminal.type("consolidate\r")
        #expect(terminal.waitFor("consolidate running ", after: mark, timeout: 10), "no progress: \(terminal.transcript.debugDescription)")
        let spinner = terminal.lastMatchEnd
        #expect(terminal.waitFor("[consolidation]", after: spinner, timeout: 30))
        #expect(ReplTests.atPrompt(terminal, "mnemo default> ", after: terminal.lastMatchEnd))
        let transcript = terminal.transcript
        let answer = try #require(transcript.range(of: "[consolidation]"))
        let lastSpinner = try #require(transcript[..<answer.lowerBound].range(of: "consolidate running ", options: .backwards))
        #expect(transcript[lastSpinner.upperBound..<answer.lowerBound].contains("\r\u{1B}[K"), "not erased: \(transcript.debugDescription)")
        #expect(transcript[lastSpinner.upperBound..<answer.lowerBound].contains(" s"))
        #expect(Self.overlong(Self.screenLines(terminal, from: mark), width: 80).isEmpty)

        Self.send(terminal, "\\?", expecting: "\\x [on|off]", prompt: "mnemo default> ")
        let help = Self.screenLines(terminal, from: Self.send(terminal, "help", expecting: "REPL commands", prompt: "mnemo default> "))
        #expect(help.contains("[help]"))
        #expect(Self.overlong(help, width: 80).isEmpty, "\(Self.overlong(help, width: 80))")
        #expect(help.contains { $0.hasPrefix("recall ") })

        Self.send(terminal, "\\bogus", expecting: "unknown command \\bogus", prompt: "mnemo default> ")
        terminal.type("quit\r")
        #expect(Subprocess.waitForExit(process, timeout: 5))
        #expect(process.terminationStatus == 0)
    }
}
