import Foundation
import MCP
import MnemoClient

/// How an answer of the daemon becomes the result of a tool call.
///
/// An `OK` answer: `structuredContent` is `{"statement": …, "results": [the
/// answer lines as objects]}`, and the text content a short rendering of the
/// lines, one per result (`AnswerLineText`), for hosts that show a model only
/// text. An `ERR` answer is a tool error (`isError`), its text `ERR CODE
/// message` as the daemon said it and its structured content
/// `{"statement": …, "error": {"code": …, "message": …}}`; so are arguments
/// that cannot make a statement (code `ARGUMENTS`) and a daemon that cannot
/// be reached (code `UNAVAILABLE`).
public enum ToolResult {
    public static func answer(_ answer: DaemonLink.Answer, statement: String) -> CallTool.Result {
        switch answer {
        case .response(.ok(let lines)):
            let results = lines.map(decode)
            let text = lines.isEmpty ? "No results." : lines.map(AnswerLineText.line).joined(separator: "\n")
            return CallTool.Result(
                content: [.text(text: text, annotations: nil, _meta: nil)],
                structuredContent: ["statement": .string(statement), "results": .array(results)],
                isError: false)
        case .response(.error(let code, let message)):
            return error(code: code, message: message, statement: statement)
        case .spaceRefused(let response):
            guard case .error(let code, let message) = response else {
                return error(code: "INTERNAL", message: "use space answered \(response.headerLine)", statement: statement)
            }
            return error(code: code, message: "cannot use the space given to mnemo mcp: \(message)", statement: statement)
        case .unavailable(let reason):
            return error(code: "UNAVAILABLE", message: reason, statement: statement)
        case .notSent(let reason):
            return error(code: "ARGUMENTS", message: reason, statement: statement)
        }
    }

    /// Arguments that could not make a statement.
    public static func badArguments(_ problem: ToolArgumentError, tool: MemoryTool) -> CallTool.Result {
        error(code: "ARGUMENTS", message: "\(problem.message) (nothing was sent; see the \(tool.rawValue) tool's input schema)", statement: nil)
    }

    static func error(code: String, message: String, statement: String?) -> CallTool.Result {
        var structured: [String: Value] = ["error": ["code": .string(code), "message": .string(message)]]
        if let statement { structured["statement"] = .string(statement) }
        let text = message.isEmpty ? "ERR \(code)" : "ERR \(code) \(message)"
        return CallTool.Result(
            content: [.text(text: text, annotations: nil, _meta: nil)], structuredContent: .object(structured), isError: true)
    }

    /// An answer line as a JSON value (a line that is not JSON, which the
    /// daemon never sends, is kept as a string).
    static func decode(_ line: String) -> Value {
        (try? JSONDecoder().decode(Value.self, from: Data(line.utf8))) ?? .string(line)
    }
}
