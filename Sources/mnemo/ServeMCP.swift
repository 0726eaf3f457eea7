import ArgumentParser
import Dispatch
import Foundation
import Logging
import MnemoMCP

/// `mnemo mcp`: an MCP server on standard input and output for agent hosts
/// (docs/mcp.md), bridged to a running mnemod. Logs go to standard error:
/// standard output is the protocol's.
struct ServeMCP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve the memory to an agent host over the Model Context Protocol (stdio).",
        discussion: """
            Speaks MCP (JSON-RPC, one message per line) on standard input and output, \
            and offers the tools remember, recall, assert, match, persona, timeline, \
            forget and consolidate, each a statement sent to mnemod over one connection \
            (opened again after the daemon restarts). Start it from the host's \
            configuration, e.g. {"mcpServers": {"mnemo": {"command": "mnemo", \
            "args": ["mcp", "--socket", "/path/to/mnemo.sock"]}}}; docs/mcp.md has the \
            tools, their arguments and a session. Runs until standard input ends.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .long, help: "Keep the memory in this space (created if you may create spaces; default: the space `default`).")
    var space: String?

    @Option(
        name: .customLong("log-level"),
        help: "What to log on standard error: trace, debug (every statement), info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func run() throws {
        // A host that goes away closes our standard output: writing to it must fail, not kill us.
        signal(SIGPIPE, SIG_IGN)
        var logger = Logger(label: "mnemo.mcp", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let outcome = Outcome()
        let finished = DispatchSemaphore(value: 0)
        let socketPath = connection.socketPath
        let space = space
        let version = Mnemo.configuration.version
        Task {
            do {
                try await MemoryServer.serve(socketPath: socketPath, space: space, version: version, logger: logger)
            } catch {
                outcome.error = error
            }
            finished.signal()
        }
        finished.wait()
        if let error = outcome.error {
            Terminal.error("mnemo mcp: \(error)")
            throw ExitStatus.unavailable
        }
    }

    /// What the server's task ended with, read once the semaphore says it ended.
    private final class Outcome: @unchecked Sendable {
        var error: Error?
    }
}
