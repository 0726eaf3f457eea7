import Foundation
import MCP
import MnemoTestSupport

/// `mnemo mcp` as an agent host runs it: a child process whose standard
/// input and output are pipes to this test, spoken to by the SDK's own
/// `Client` over the SDK's `StdioTransport` (recorded by a
/// `RecordingTransport`). Its standard error goes to a file.
final class MCPSession: @unchecked Sendable {
    let process: Process
    let client = Client(name: "mnemo-tests", version: "1.0")
    let transport: RecordingTransport
    let stderrPath: String
    let initialized: Initialize.Result
    private let toServer: Pipe

    /// The `mnemo` built beside `mnemod`.
    static var mnemoBinary: String { (MnemodBinary.forTests as NSString).deletingLastPathComponent + "/mnemo" }

    /// Starts `mnemo mcp --socket socket [--space space]` and initializes the session.
    init(socket: String, space: String? = nil, in directory: TemporaryDirectory) async throws {
        stderrPath = directory.file("mcp-\(UUID().uuidString.prefix(6)).log")
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        let fromServer: Pipe
        (process, toServer, fromServer) = try Self.start(
            ["mcp", "--socket", socket, "--log-level", "debug"] + (space.map { ["--space", $0] } ?? []),
            errors: FileHandle(forWritingAtPath: stderrPath))
        transport = RecordingTransport(
            StdioTransport(
                input: .init(rawValue: fromServer.fileHandleForReading.fileDescriptor),
                output: .init(rawValue: toServer.fileHandleForWriting.fileDescriptor)))
        initialized = try await client.connect(transport: transport)
    }

    /// Calls a tool and returns the whole result (structured content included).
    func call(_ tool: String, _ arguments: [String: Value] = [:]) async throws -> CallTool.Result {
        let request = try await client.send(CallTool.request(.init(name: tool, arguments: arguments)))
        return try await request.value
    }

    /// Ends the session as a host does, by closing the server's standard
    /// input; the server's exit status (nil if it did not exit within 10 s).
    func close() async -> Int32? {
        await client.disconnect()
        try? toServer.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(10)) }
        if process.isRunning {
            process.terminate()
            return nil
        }
        return process.terminationStatus
    }

    /// What the server wrote on standard error.
    var log: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Starts `mnemo` with these arguments, its standard input and output
    /// pipes to this process, its standard error to `errors`.
    static func start(_ arguments: [String], errors: Any?) throws -> (process: Process, input: Pipe, output: Pipe) {
        let input = Pipe()
        let output = Pipe()
        let process = try ChildProcess.run {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: mnemoBinary)
            process.arguments = arguments
            process.standardInput = input
            process.standardOutput = output
            process.standardError = errors
            return process
        }
        return (process, input, output)
    }
}

extension CallTool.Result {
    /// The text content, joined.
    var text: String {
        content.compactMap { item in
            if case .text(let text, _, _) = item { return text }
            return nil
        }.joined(separator: "\n")
    }

    /// The answer lines in the structured content.
    var results: [[String: Value]] {
        guard case .object(let object)? = structuredContent, case .array(let results)? = object["results"] else { return [] }
        return results.compactMap { $0.objectValue }
    }

    /// The statement the server sent for the call.
    var statement: String? { structuredContent?.objectValue?["statement"]?.stringValue }

    /// The error code of a tool error (`NOT_FOUND`, `ARGUMENTS`, `UNAVAILABLE`, …).
    var errorCode: String? { structuredContent?.objectValue?["error"]?.objectValue?["code"]?.stringValue }
}
