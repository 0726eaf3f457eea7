import Foundation
import MnemoClient
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The interactive `mnemo`, driven through a pseudo-terminal.
@Suite struct ReplTests {
    struct Session {
        let terminal: PseudoTerminal
        let process: Process
    }

    static func start(_ server: FakeServer, history: String) throws -> Session {
        guard let binary = MnemoBinary.path else {
            throw Subprocess.Failure(description: "the mnemo executable was not found (set MNEMO_BIN)")
        }
        let terminal = try PseudoTerminal()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--socket", server.path]
        process.environment = Subprocess.environment(["MNEMO_HISTORY": history, "TERM": "xterm"])
        let handle = FileHandle(fileDescriptor: terminal.slave, closeOnDealloc: false)
        process.standardInput = handle
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return Session(terminal: terminal, process: process)
    }

    /// Waits for `prompt` after `mark` and for line editing to be active.
    static func atPrompt(_ terminal: PseudoTerminal, _ prompt: String, after mark: Int) -> Bool {
        terminal.waitFor(prompt, after: mark) && terminal.waitForLineEditing()
    }

    @Test func promptAnswersContinuationSpaceAndHistory() throws {
        let server = try FakeServer()
        defer { server.stop() }
        let history = server.directory + "/history"
        let session = try Self.start(server, history: history)
        let terminal = session.terminal
        defer { if session.process.isRunning { session.process.terminate() } }

        #expect(Self.atPrompt(terminal, "mnemo default> ", after: 0), "no prompt; got \(terminal.transcript.debugDescription)")
        var mark = terminal.mark
        terminal.type("ping\r")
        #expect(terminal.waitFor("[pong]", after: mark), "\(terminal.transcript.debugDescription)")
        #expect(terminal.waitFor("(1 row)", after: mark))
        #expect(Self.atPrompt(terminal, "mnemo default> ", after: terminal.lastMatchEnd))

        mark = terminal.mark
        terminal.type("use \\\r")
        #expect(Self.atPrompt(terminal, "...> ", after: mark), "no continuation prompt: \(terminal.transcript.debugDescription)")
        mark = terminal.mark
        terminal.type("space \"agent-7\"\r")
        #expect(Self.atPrompt(terminal, "mnemo agent-7> ", after: mark), "prompt did not follow use: \(terminal.transcript.debugDescription)")

        mark = terminal.mark
        terminal.type("nonsense\r")
        #expect(terminal.waitFor("ERR SYNTAX 1:1 unknown statement 'nonsense'", after: mark))
        #expect(Self.atPrompt(terminal, "mnemo agent-7> ", after: terminal.lastMatchEnd), "the REPL did not go on after ERR")

        terminal.type("quit\r")
        #expect(Subprocess.waitForExit(session.process, timeout: 3))
        #expect(session.process.terminationStatus == 0)
        #expect(server.received == ["ping", "use space \"agent-7\"", "nonsense"])
        let saved = try String(contentsOfFile: history, encoding: .utf8)
        #expect(saved.contains("ping"))
        #expect(saved.contains("agent-7"))
        #expect(saved.contains("nonsense"))
    }

    @Test func tabCompletesKeywordsAndControlDLeaves() throws {
        let server = try FakeServer()
        defer { server.stop() }
        let session = try Self.start(server, history: "")
        let terminal = session.terminal
        defer { if session.process.isRunning { session.process.terminate() } }

        #expect(Self.atPrompt(terminal, "mnemo default> ", after: 0))
        let mark = terminal.mark
        terminal.type("PIN\t\r")
        #expect(terminal.waitFor("[pong]", after: mark), "completion did not give ping: \(terminal.transcript.debugDescription)")
        #expect(Self.atPrompt(terminal, "mnemo default> ", after: terminal.lastMatchEnd))
        terminal.type("\u{04}")
        #expect(Subprocess.waitForExit(session.process, timeout: 3), "Ctrl-D did not end the REPL: \(terminal.transcript.debugDescription)")
        #expect(session.process.terminationStatus == 0)
        #expect(server.received == ["ping"])
    }
}
