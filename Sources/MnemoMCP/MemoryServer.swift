import Logging
import MCP

/// `mnemo mcp`: an MCP server on standard input and output whose tools
/// (`MemoryTool`) are statements sent to a running `mnemod`.
///
/// Standard output carries the protocol and nothing else; the logger given
/// writes to standard error. The server runs until standard input ends
/// (the host closed the session) and the requests read have been answered;
/// tool calls run one at a time, in the order they arrived
/// (`OrderedStdioTransport`). Every tool call is answered with a
/// result, an error result when the arguments are wrong or the daemon says
/// `ERR` or cannot be reached (`ToolResult`); only a tool name that does not
/// exist is a protocol error (`invalidParams`), as the MCP specification asks.
public enum MemoryServer {
    /// What the server tells the model about itself when the session starts.
    static let instructions = """
        Mnemo is a long-term memory: a temporal knowledge graph of episodes (what was said or happened), facts \
        (relations with when they were true), scenes and the personas of the people involved. Use `remember` for \
        anything worth knowing later, in the words it was said, with the speaker and the time; `recall` before \
        answering anything that depends on the past; `assert` and `match` for structured facts; `persona` and \
        `timeline` for what is known about a person. Ids such as e:12 (episode), f:3 (fact), s:2 (scene), \
        p:4 (persona attribute) and n:7 (entity) name what was stored; `forget` deletes by id, only when asked to.
        """

    /// Serves one MCP session on standard input and output, bridged to the
    /// daemon at `socketPath` (in `space`, or the default space).
    public static func serve(socketPath: String, space: String?, version: String, logger: Logger) async throws {
        let link = DaemonLink(socketPath: socketPath, space: space, logger: logger)
        switch await link.run("ping") {
        case .response: logger.info("serving on standard input and output; mnemod answers on \(socketPath)")
        case let other:
            let reason = ToolResult.answer(other, statement: "ping").content.map { "\($0)" }.joined()
            logger.warning("serving, but mnemod is not usable yet (tool calls will say why): \(reason)")
        }
        let server = Server(
            name: "mnemo", version: version, title: "Mnemo memory", instructions: instructions,
            capabilities: Server.Capabilities(tools: .init(listChanged: false)))
        await server.withMethodHandler(ListTools.self) { _ in
            ListTools.Result(tools: MemoryTool.allCases.map(\.definition))
        }
        await server.withMethodHandler(CallTool.self) { parameters in
            guard let tool = MemoryTool(rawValue: parameters.name) else {
                throw MCPError.invalidParams(
                    "no tool \(parameters.name.debugDescription); the tools are "
                        + MemoryTool.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return await call(tool, parameters.arguments, link: link, logger: logger)
        }
        try await server.start(transport: OrderedStdioTransport(StdioTransport(logger: logger)))
        await server.waitUntilCompleted()
        await server.stop()
        logger.info("standard input ended; session over")
    }

    /// One tool call: the statement its arguments make, sent, and the answer as a result.
    static func call(_ tool: MemoryTool, _ arguments: [String: Value]?, link: DaemonLink, logger: Logger) async -> CallTool.Result {
        let statement: String
        do {
            statement = try tool.statement(for: arguments)
        } catch {
            logger.debug("\(tool.rawValue): \(error.message)")
            return ToolResult.badArguments(error, tool: tool)
        }
        return ToolResult.answer(await link.run(statement), statement: statement)
    }
}
