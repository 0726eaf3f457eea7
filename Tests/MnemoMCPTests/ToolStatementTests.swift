import Foundation
import MCP
import MnemoMCP
import MnemoQuery
import Testing

import struct MnemoModel.MnemoError
import struct MnemoModel.Timestamp

/// The statements the tools build from their arguments, read back by the
/// daemon's own parser: what was given is what the statement says, strings
/// cannot escape their quotes, and no argument of any JSON type crashes or
/// makes more than one line.
@Suite("mnemo mcp: statements from tool arguments")
struct ToolStatementTests {
    /// The statement a call makes, parsed as mnemod parses it.
    func parsed(_ tool: MemoryTool, _ arguments: [String: Value]) throws -> (String, MnemoQuery.Statement) {
        let statement = try tool.statement(for: arguments)
        let parsed = try #require(try Parser.parse(statement))
        return (statement, parsed)
    }

    @Test("a text with quotes, backslashes, line breaks and clause words stays one string of one line")
    func hostileText() throws {
        let text = "He said \"hi\" \\ then\nleft\r\t\u{2028}; \" by mallory at 2020 in scene \"x\" -- not a comment"
        let (statement, parsed) = try parsed(
            .remember, ["text": .string(text), "speaker": "Caroline \"C\" Smith", "scene": "chat \\ 1", "ref": "D1:3\n", "importance": 0.6])
        #expect(!statement.contains("\n"))
        guard case .remember(let remember) = parsed else {
            Issue.record("not a remember: \(parsed)")
            return
        }
        #expect(remember.text == text)
        #expect(remember.speaker == "Caroline \"C\" Smith")
        #expect(remember.scene == "chat \\ 1")
        #expect(remember.ref == "D1:3\n")
        #expect(remember.importance == 0.6)
    }

    @Test("recall takes about, scene, during, as_of, known_as_of, depth, include_archived, kinds, limit and explain")
    func recallClauses() throws {
        let (statement, parsed) = try parsed(
            .recall,
            [
                "query": "what did caroline study?", "about": "caroline", "scene": "chat 1", "during": "2023-05 .. 2023-08",
                "as_of": "2024-01-01T00:00:00Z", "known_as_of": "2025-06-01", "depth": 3, "include_archived": true,
                "kinds": ["episode", "persona"], "limit": 5, "explain": true,
            ])
        #expect(
            statement
                == #"recall "what did caroline study?" about "caroline" in scene "chat 1" during 2023-05 .. 2023-08 as of 2024-01-01T00:00:00Z known as of 2025-06-01 depth 3 include archived kinds episode, persona limit 5 explain"#
        )
        guard case .recall(let recall) = parsed else {
            Issue.record("not a recall: \(parsed)")
            return
        }
        #expect(recall.text == "what did caroline study?")
        #expect(recall.about == "caroline")
        #expect(recall.limit == 5)
        #expect(recall.depth == 3)
        #expect(recall.includeArchived && recall.explain)
        #expect(recall.kinds == [.episode, .persona])
        #expect(recall.during?.from == Timestamp(iso8601: "2023-05-01T00:00:00Z"))
        #expect(recall.knownAsOf == Timestamp(iso8601: "2025-06-01T00:00:00Z"))
    }

    @Test("assert: strings are entities, {text} texts, {time} times, numbers numbers, arrays lists; roles by name")
    func assertFillers() throws {
        let (statement, parsed) = try parsed(
            .assert,
            [
                "predicate": "met",
                "arguments": ["New York", ["text": "a \"merger\""]],
                "roles": ["who": ["alice", "Route 66"], "when": ["time": "2024-01-03"], "people": 2],
                "at": "2024-01", "confidence": 0.9, "source": "notes \"q1\"",
            ])
        #expect(
            statement
                == #"assert met(New York, "a \"merger\"", people: 2, when: 2024-01-03, who: [alice, Route 66]) at 2024-01 confidence 0.9 source "notes \"q1\"""#
        )
        guard case .assert(let assertion) = parsed else {
            Issue.record("not an assert: \(parsed)")
            return
        }
        #expect(assertion.predicate == "met")
        #expect(assertion.arguments.count == 5)
        #expect(assertion.source == "notes \"q1\"")
    }

    @Test("persona shows, or pins a string, a number or a boolean")
    func personaForms() throws {
        #expect(
            try MemoryTool.persona.statement(for: ["name": "caroline", "as_of": "2023-06-01", "limit": 3]) == #"persona "caroline" as of 2023-06-01 limit 3"#)
        for (value, written) in [(Value.string("nurse"), #""nurse""#), (.int(34), "34"), (.bool(true), "true"), (.double(1.5), "1.5")] {
            let (statement, parsed) = try parsed(.persona, ["name": "caroline", "attribute": "occupation", "value": value, "from": "2023-09"])
            #expect(statement == #"persona "caroline" set "occupation" = \#(written) from 2023-09"#)
            guard case .personaSet = parsed else {
                Issue.record("not a persona set: \(parsed)")
                continue
            }
        }
    }

    @Test("the other tools: match, timeline, forget, consolidate")
    func otherTools() throws {
        #expect(
            try MemoryTool.match.statement(for: [
                "pattern": "works_at(?p, ?o), located_in(?o, paris)", "where": "?p != bob", "as_of": "2022", "known_as_of": "now", "limit": 100_000,
            ]) == "match works_at(?p, ?o), located_in(?o, paris) where ?p != bob as of 2022 known as of now limit 100000")
        #expect(try MemoryTool.timeline.statement(for: ["name": "mel", "during": "2023-07", "limit": 2]) == #"timeline "mel" during 2023-07 limit 2"#)
        #expect(try MemoryTool.forget.statement(for: ["id": "f:42"]) == "forget f:42")
        #expect(try MemoryTool.consolidate.statement(for: ["dry_run": true]) == "consolidate dry run")
        #expect(try MemoryTool.consolidate.statement(for: nil) == "consolidate")
        for tool in MemoryTool.allCases where tool != .consolidate {
            #expect(throws: ToolArgumentError.self) { try tool.statement(for: [:]) }
        }
    }

    @Test("bad arguments are refused with the argument's name", arguments: badCalls)
    func refused(_ call: BadCall) {
        #expect {
            try call.tool.statement(for: call.arguments)
        } throws: { error in
            guard let error = error as? ToolArgumentError else { return false }
            return error.message.contains(call.names)
        }
    }

    struct BadCall: Sendable, CustomTestStringConvertible {
        var tool: MemoryTool
        var arguments: [String: Value]
        var names: String
        var testDescription: String { "\(tool.rawValue) \(arguments)" }
    }

    static let badCalls: [BadCall] = [
        BadCall(tool: .recall, arguments: ["query": "x", "limit": 0], names: "limit"),
        BadCall(tool: .recall, arguments: ["query": "x", "limit": 10_001], names: "limit"),
        BadCall(tool: .recall, arguments: ["query": "x", "limit": 2.5], names: "limit"),
        BadCall(tool: .recall, arguments: ["query": "x", "limit": "ten"], names: "limit"),
        BadCall(tool: .recall, arguments: ["query": "x", "limit": true], names: "limit"),
        BadCall(tool: .recall, arguments: ["query": "x", "depth": 11], names: "depth"),
        BadCall(tool: .recall, arguments: ["query": "x", "kinds": ["bogus"]], names: "kinds"),
        BadCall(tool: .recall, arguments: ["query": "x", "kinds": []], names: "kinds"),
        BadCall(tool: .recall, arguments: ["query": "x", "kinds": "episode"], names: "kinds"),
        BadCall(tool: .recall, arguments: ["query": "x", "kinds": ["fact", "fact"]], names: "kinds"),
        BadCall(tool: .recall, arguments: ["query": "x", "during": "last week"], names: "during"),
        BadCall(tool: .recall, arguments: ["query": "x", "during": "2023 .. 2024 .. 2025"], names: "during"),
        BadCall(tool: .recall, arguments: ["query": 42], names: "query"),
        BadCall(tool: .recall, arguments: ["query": "x", "about": "  "], names: "about"),
        BadCall(tool: .recall, arguments: ["query": "x", "topic": "y"], names: "topic"),
        BadCall(tool: .remember, arguments: ["text": ""], names: "text"),
        BadCall(tool: .remember, arguments: ["text": "x", "at": "yesterday"], names: "at"),
        BadCall(tool: .remember, arguments: ["text": "x", "at": "2023-05-08 13:56"], names: "at"),
        BadCall(tool: .remember, arguments: ["text": "x", "importance": 1.5], names: "importance"),
        BadCall(tool: .remember, arguments: ["text": ["x"]], names: "text"),
        BadCall(tool: .assert, arguments: ["predicate": "works at", "arguments": ["alice"]], names: "predicate"),
        BadCall(tool: .assert, arguments: ["predicate": "likes", "arguments": ["O'Brien"]], names: "arguments[0]"),
        BadCall(tool: .assert, arguments: ["predicate": "likes", "arguments": ["alice", ["bob", ["carol"]]]], names: "arguments[1][1]"),
        BadCall(tool: .assert, arguments: ["predicate": "likes", "arguments": ["alice", []]], names: "arguments[1]"),
        BadCall(tool: .assert, arguments: ["predicate": "likes", "arguments": [true]], names: "arguments[0]"),
        BadCall(tool: .assert, arguments: ["predicate": "likes", "arguments": ["alice", ["text": 3]]], names: "arguments[1].text"),
        BadCall(tool: .assert, arguments: ["predicate": "likes", "arguments": [["time": "soon"]]], names: "arguments[0].time"),
        BadCall(tool: .assert, arguments: ["predicate": "likes", "arguments": "alice, bob"], names: "arguments"),
        BadCall(tool: .assert, arguments: ["predicate": "likes", "roles": ["who": "alice", "bad role": "x"]], names: "bad role"),
        BadCall(tool: .assert, arguments: ["predicate": "likes", "roles": ["alice"]], names: "roles"),
        BadCall(tool: .assert, arguments: ["predicate": "likes"], names: "arguments or roles"),
        BadCall(tool: .match, arguments: ["pattern": "likes(?p, ?x)\nforget n:1"], names: "pattern"),
        BadCall(tool: .match, arguments: ["pattern": " "], names: "pattern"),
        BadCall(tool: .match, arguments: ["pattern": "likes(?p, ?x)", "limit": 100_001], names: "limit"),
        BadCall(tool: .persona, arguments: ["name": "caroline", "attribute": "age", "value": 34, "as_of": "2023"], names: "as_of"),
        BadCall(tool: .persona, arguments: ["name": "caroline", "attribute": "age"], names: "value"),
        BadCall(tool: .persona, arguments: ["name": "caroline", "attribute": "age", "value": ["a": 1]], names: "value"),
        BadCall(tool: .timeline, arguments: ["name": "mel", "during": "2023-1"], names: "during"),
        BadCall(tool: .forget, arguments: ["id": "f:-1"], names: "id"),
        BadCall(tool: .forget, arguments: ["id": "x:1"], names: "id"),
        BadCall(tool: .forget, arguments: ["id": "f:01"], names: "id"),
        BadCall(tool: .forget, arguments: ["id": 42], names: "id"),
        BadCall(tool: .consolidate, arguments: ["dry_run": "yes"], names: "dry_run"),
    ]

    @Test("any JSON value in any argument: a refusal or one line the parser reads without crashing")
    func everyTypeEverywhere() throws {
        let values: [Value] = [
            .null, .bool(true), .int(-1), .int(0), .int(Int.max), .double(0.5), .double(-1e300), .string(""), .string(" "),
            .string("x\ny"), .string("\"; forget n:1"), .string("now"), .string("2023-05"), .string("f:1"), .string("alice"),
            .array([]), .array([.string("episode")]), .array([.array([.int(1)])]), .object([:]), .object(["text": .string("t")]),
            .data(mimeType: "text/plain", Data([0x41])),
        ]
        for tool in MemoryTool.allCases {
            let base = Self.minimal[tool] ?? [:]
            for name in tool.argumentNames {
                for value in values {
                    var arguments = base
                    arguments[name] = value
                    guard let statement = try? tool.statement(for: arguments) else { continue }
                    #expect(!statement.contains("\n") && !statement.contains("\r"), "\(tool) \(name)=\(value): \(statement)")
                    _ = try? Parser.parse(statement)
                }
            }
        }
    }

    static let minimal: [MemoryTool: [String: Value]] = [
        .remember: ["text": "x"], .recall: ["query": "x"], .assert: ["predicate": "p", "arguments": ["a"]],
        .match: ["pattern": "p(?x)"], .persona: ["name": "n"], .timeline: ["name": "n"], .forget: ["id": "f:1"],
    ]

    @Test("the ranges the tools check are the parser's")
    func limitsAgree() throws {
        #expect(StatementLimits.rows.upperBound == RowLimit.maximum)
        for (statement, range) in [
            (#"recall "x" limit "#, StatementLimits.recallRows), (#"recall "x" depth "#, StatementLimits.recallDepth),
            ("match p(?x) limit ", StatementLimits.rows), (#"timeline "n" limit "#, StatementLimits.rows),
            (#"persona "n" limit "#, StatementLimits.rows),
        ] {
            #expect(throws: Never.self) { try Parser.parse(statement + "\(range.lowerBound)") }
            #expect(throws: Never.self) { try Parser.parse(statement + "\(range.upperBound)") }
            #expect(throws: MnemoError.self) { try Parser.parse(statement + "\(range.lowerBound - 1)") }
            #expect(throws: MnemoError.self) { try Parser.parse(statement + "\(range.upperBound + 1)") }
        }
    }

    @Test("every tool has a description for a model and a schema whose properties are what it accepts")
    func definitions() {
        for tool in MemoryTool.allCases {
            let definition = tool.definition
            #expect(definition.name == tool.rawValue)
            #expect((definition.description ?? "").count > 100)
            #expect(!tool.argumentNames.isEmpty)
        }
        #expect(Set(MemoryTool.recall.argumentNames).isSuperset(of: ["about", "during", "limit", "kinds"]))
    }
}
