import Foundation
import MCP
import MnemoClient
import MnemoTestSupport
import Testing

/// `mnemo mcp` end to end: the SDK's own `Client` over a real pipe to a real
/// `mnemo mcp` process, bridged to a real `mnemod`.
@Suite("mnemo mcp against a real daemon")
struct MCPServerTests {
    @Test("a session: every tool, results as structured content and text, daemon errors as tool errors")
    func session() async throws {
        let daemon = try MnemodProcess()
        let session = try await MCPSession(socket: daemon.socketPath, in: daemon.directory)
        #expect(session.initialized.serverInfo.name == "mnemo")
        #expect(session.initialized.capabilities.tools != nil)

        let (tools, _) = try await session.client.listTools()
        #expect(tools.map(\.name) == ["remember", "recall", "assert", "match", "persona", "timeline", "forget", "consolidate"])

        let first = try await session.call(
            "remember",
            [
                "text": "I went to a LGBTQ support group yesterday and it was so powerful.", "speaker": "Caroline",
                "at": "2023-05-08T13:56", "scene": "chat 1", "ref": "D1:3",
            ])
        #expect(first.isError == false)
        #expect(first.results.first?["kind"] == "episode")
        #expect(first.results.first?["times"]?.arrayValue?.first?.objectValue?["from"] == "2023-05-07")
        #expect(first.text.hasPrefix(#"e:1 2023-05-08T13:56:00Z Caroline: "I went to a LGBTQ support group yesterday"#))
        _ = try await session.call(
            "remember",
            ["text": "That's great, Caroline! We're off camping with the kids next month.", "speaker": "Melanie", "at": "2023-05-08T14:01", "scene": "chat 1"])
        _ = try await session.call(
            "remember",
            ["text": "I'm keen on studying counselling, to help people like me.", "speaker": "Caroline", "at": "2023-05-08T14:03", "scene": "chat 1"])

        let fact = try await session.call(
            "assert", ["predicate": "wants_to_study", "arguments": ["Caroline", ["text": "counselling"]], "from": "2023-05-08", "source": "chat 1"])
        #expect(fact.isError == false)
        #expect(fact.results.first?["id"] == "f:1")
        #expect(fact.text == "f:1 wants_to_study(Caroline, counselling) valid from 2023-05-08T00:00:00Z")

        let matched = try await session.call("match", ["pattern": "wants_to_study(?who, ?what)"])
        #expect(matched.results.first?["bindings"] == ["who": "Caroline", "what": "counselling"])
        #expect(matched.text == "?who = Caroline, ?what = counselling (f:1)")

        let recalled = try await session.call(
            "recall", ["query": "What would Caroline like to study?", "about": "Caroline", "kinds": ["episode", "fact"], "limit": 3])
        #expect(recalled.isError == false)
        #expect(recalled.statement == #"recall "What would Caroline like to study?" about "Caroline" kinds episode, fact limit 3"#)
        #expect(recalled.results.count <= 3 && !recalled.results.isEmpty)
        #expect(recalled.results.allSatisfy { $0["score"]?.doubleValue != nil })
        #expect(recalled.results.first?["id"] == "e:3")
        #expect(recalled.text.contains("score"))

        let during = try await session.call("recall", ["query": "support group", "during": "2023-05-07", "limit": 1])
        #expect(during.results.map { $0["id"] } == ["e:1"])

        let pinned = try await session.call("persona", ["name": "Caroline", "attribute": "occupation", "value": "student", "from": "2019-09"])
        #expect(pinned.results.first?["value"] == "student")

        let timeline = try await session.call("timeline", ["name": "Melanie", "during": "2023-05"])
        #expect(timeline.results.map { $0["id"] } == ["e:2"])

        let consolidated = try await session.call("consolidate")
        #expect(consolidated.isError == false)
        #expect(consolidated.results.first?["kind"] == "consolidation")
        #expect(consolidated.text.hasPrefix("consolidation run 1: "))

        let persona = try await session.call("persona", ["name": "Caroline"])
        #expect(persona.results.first?["attribute"] == "occupation")
        #expect(persona.results.first?["pinned"] == true)

        let forgotten = try await session.call("forget", ["id": "e:2"])
        #expect(forgotten.results.first?["deleted"]?.arrayValue?.first == "e:2")
        #expect(forgotten.text.hasPrefix("forgot e:2: deleted e:2"))

        let missing = try await session.call("forget", ["id": "n:99"])
        #expect(missing.isError == true)
        #expect(missing.errorCode == "NOT_FOUND")
        #expect(missing.text == "ERR NOT_FOUND n:99 does not exist")

        let syntax = try await session.call("match", ["pattern": "wants_to_study(?who ?what)"])
        #expect(syntax.isError == true)
        #expect(syntax.errorCode == "SYNTAX")
        #expect(syntax.text.hasPrefix("ERR SYNTAX 1:"))

        let badLimit = try await session.call("recall", ["query": "camping", "limit": 0])
        #expect(badLimit.isError == true)
        #expect(badLimit.errorCode == "ARGUMENTS")
        #expect(badLimit.text.contains("limit must be a whole number from 1 to 10000"))

        await #expect(throws: MCPError.self) { _ = try await session.call("frobnicate") }

        let transcript = await session.transport.transcript
        #expect(
            transcript.allSatisfy { line in
                // Standard output carried JSON-RPC messages and nothing else.
                line.hasPrefix("> ")
                    || ((try? JSONSerialization.jsonObject(with: Data(line.dropFirst(2).utf8)) as? [String: Any])?["jsonrpc"] as? String == "2.0")
            })
        if let path = ProcessInfo.processInfo.environment["MNEMO_MCP_TRANSCRIPT"], !path.isEmpty {
            try (transcript.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
        #expect(await session.close() == 0)
        #expect(session.log.contains("connected to \(daemon.socketPath)"))
    }

    @Test("hostile arguments never crash the server: each is refused or stored exactly as given")
    func hostileArguments() async throws {
        let daemon = try MnemodProcess()
        let session = try await MCPSession(socket: daemon.socketPath, in: daemon.directory)
        let texts = [
            "quote \" backslash \\ newline \n tab \t return \r", "\" by mallory at 2020 in scene \"x", "-- not a comment",
            "line separator \u{2028} and bell \u{7}", "emoji 🧠 and combining e\u{301}", "data:text/plain;base64,QQ==",
        ]
        for (index, text) in texts.enumerated() {
            let stored = try await session.call("remember", ["text": .string(text), "speaker": "tester", "ref": .string("r\(index)")])
            #expect(stored.isError == false, "\(stored.text)")
            #expect(stored.results.first?["speaker"] == "tester")
        }
        let timeline = try await session.call("timeline", ["name": "tester"])
        #expect(timeline.results.compactMap { $0["text"]?.stringValue ?? $0["text"]?.description } == texts)

        let refused: [(String, [String: Value])] = [
            ("recall", ["query": "x", "limit": "ten"]), ("recall", ["query": "x", "limit": 1e300]), ("recall", ["query": "x", "kinds": [["episode"]]]),
            ("remember", [:]), ("remember", ["text": ["a": ["b": [1, 2, nil]]]]), ("assert", ["predicate": "p", "arguments": [[[1]]]]),
            ("match", ["pattern": "p(?x)\nforget n:1"]), ("forget", ["id": "n:1 or n:2"]), ("timeline", ["name": 3]), ("persona", ["name": true]),
            ("consolidate", ["dry_run": 1]), ("recall", ["query": "x", "unknown": 1]),
        ]
        for (tool, arguments) in refused {
            let result = try await session.call(tool, arguments)
            #expect(result.isError == true && result.errorCode == "ARGUMENTS", "\(tool) \(arguments): \(result.text)")
        }
        #expect(session.process.isRunning)
        let answer = try await session.call("recall", ["query": "backslash newline", "limit": 1])
        #expect(answer.results.first?["ref"] == "r0")
        #expect(await session.close() == 0)
    }

    @Test("a daemon that stops: calls say it is unreachable; once it is back, the next call reconnects")
    func daemonRestart() async throws {
        let directory = TemporaryDirectory()
        var daemon = try MnemodProcess(directory: directory)
        let session = try await MCPSession(socket: daemon.socketPath, in: directory)
        #expect(try await session.call("remember", ["text": "before the restart", "speaker": "ann"]).isError == false)

        daemon.stop()
        let down = try await session.call("recall", ["query": "restart"])
        #expect(down.isError == true)
        #expect(down.errorCode == "UNAVAILABLE")
        #expect(down.text.contains(daemon.socketPath))
        let stillDown = try await session.call("recall", ["query": "restart"])
        #expect(stillDown.errorCode == "UNAVAILABLE")
        #expect(stillDown.text.contains("no daemon seems to be running") || stillDown.text.contains("stale socket"))

        daemon = try MnemodProcess(directory: directory)
        let back = try await session.call("recall", ["query": "before the restart", "limit": 1])
        #expect(back.isError == false, "\(back.text)")
        #expect(back.results.first?["text"] == "before the restart")
        #expect(await session.close() == 0)
        #expect(session.log.contains("connecting again") || session.log.contains("lost the connection"))
    }

    @Test("a connection the daemon closed as idle (ERR TIMEOUT first) is replaced, and that ERR is never taken for an answer")
    func idleConnection() async throws {
        let daemon = try MnemodProcess(config: "idle_timeout = 300ms\n")
        let session = try await MCPSession(socket: daemon.socketPath, in: daemon.directory)
        #expect(try await session.call("remember", ["text": "said before a pause", "speaker": "ann"]).isError == false)
        try await Task.sleep(for: .milliseconds(900))
        let after = try await session.call("recall", ["query": "pause", "limit": 1])
        #expect(after.isError == false, "\(after.text)")
        #expect(after.results.first?["text"] == "said before a pause")
        #expect(await session.close() == 0)
        #expect(session.log.contains("the daemon closed the connection"))
    }

    @Test("--space keeps the session's memory in that space")
    func space() async throws {
        let daemon = try MnemodProcess()
        let session = try await MCPSession(socket: daemon.socketPath, space: "agent-7", in: daemon.directory)
        #expect(try await session.call("remember", ["text": "kept in agent-7", "speaker": "bot"]).isError == false)
        #expect(await session.close() == 0)

        let client = try daemon.connect()
        #expect(try client.request(#"recall "kept" limit 5"#).lines.isEmpty)
        #expect(try client.request(#"use space "agent-7""#).isOK)
        #expect(try client.request(#"recall "kept" limit 5"#).objects.first?["text"] as? String == "kept in agent-7")

        let refused = try await MCPSession(socket: daemon.socketPath, space: "bad name!", in: daemon.directory)
        let answer = try await refused.call("recall", ["query": "kept"])
        #expect(answer.isError == true)
        #expect(answer.errorCode == "INVALID")
        #expect(answer.text.contains("cannot use the space given to mnemo mcp"))
        #expect(await refused.close() == 0)
    }
}

@Suite("mnemo mcp on a plain pipe")
struct MCPPipeTests {
    @Test("requests written at once, then end of input: every one is answered, tool calls in order, on standard output only; exit 0")
    func writeAllThenClose() throws {
        let daemon = try MnemodProcess()
        let errors = Pipe()
        let (process, input, output) = try MCPSession.start(["mcp", "--socket", daemon.socketPath], errors: errors)
        let requests = [
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"pipe","version":"0"}}}"#,
            #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
            #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#,
            #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"remember","arguments":{"text":"written and gone","speaker":"ann"}}}"#,
            #"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"recall","arguments":{"query":"x","limit":"all"}}}"#,
            #"{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"consolidate","arguments":{}}}"#,
            "this is not JSON",
            // An id JSON-RPC does not allow: answered (with an error) and never waited for, so the calls after it go on.
            #"{"jsonrpc":"2.0","id":1.5,"method":"tools/call","params":{"name":"recall","arguments":{"query":"x"}}}"#,
        ]
        // Each match is written right after an assert it must see: calls run in the order they came.
        let ordered = (0..<20).flatMap { index in
            [
                #"{"jsonrpc":"2.0","id":\#(100 + 2 * index),"method":"tools/call","params":{"name":"assert","arguments":{"predicate":"step","arguments":[\#(index)]}}}"#,
                #"{"jsonrpc":"2.0","id":\#(101 + 2 * index),"method":"tools/call","params":{"name":"match","arguments":{"pattern":"step(?n)"}}}"#,
            ]
        }
        try input.fileHandleForWriting.write(contentsOf: Data(((requests + ordered).joined(separator: "\n") + "\n").utf8))
        try input.fileHandleForWriting.close()
        let answered = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        _ = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let messages = answered.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(messages.count == answered.split(separator: "\n").count, "standard output holds only JSON: \(answered)")
        #expect(messages.allSatisfy { $0["jsonrpc"] as? String == "2.0" })
        let ids = Set(messages.compactMap { $0["id"] as? Int })
        #expect(ids == Set([1, 2, 3, 4, 5] + (100..<140)))
        for index in 0..<20 {
            let answer = messages.first { $0["id"] as? Int == 101 + 2 * index }
            let structured = (answer?["result"] as? [String: Any])?["structuredContent"] as? [String: Any]
            #expect((structured?["results"] as? [Any])?.count == index + 1, "match after assert number \(index)")
        }
        #expect(messages.contains { ($0["error"] as? [String: Any])?["code"] as? Int == -32700 })
        #expect(try daemon.connect().request(#"recall "written and gone" limit 1"#).objects.first?["text"] as? String == "written and gone")
    }
}
