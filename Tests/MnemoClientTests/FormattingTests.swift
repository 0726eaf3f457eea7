import MnemoModel
import Testing

@testable import MnemoClient

@Suite struct TableFormatterTests {
    @Test func groupsByKindWithIdFirstAndKeysInFirstSeenOrder() {
        let lines = [
            #"{"kind":"fact","predicate":"works_at","id":"f:42","roles":{"_1":"alice","_2":"acme"},"valid_from":"2021-03-01","valid_to":null,"confidence":0.9}"#,
            #"{"kind":"episode","id":"e:7","text":"I went to a support group yesterday","speaker":"caroline"}"#,
            #"{"kind":"fact","id":"f:43","predicate":"located_in","roles":{"_1":"acme", "_2": "paris"},"retracted":true}"#,
        ]
        let expected = """
            [fact]
            id    predicate   roles                       valid_from  valid_to  confidence  retracted
            ----  ----------  --------------------------  ----------  --------  ----------  ---------
            f:42  works_at    {"_1":"alice","_2":"acme"}  2021-03-01            0.9
            f:43  located_in  {"_1":"acme","_2":"paris"}                                    true

            [episode]
            id   text                                 speaker
            ---  -----------------------------------  --------
            e:7  I went to a support group yesterday  caroline
            (3 rows)

            """
        #expect(TableFormatter.render(lines) == expected)
    }

    @Test func longTextIsTruncatedAndControlCharactersShown() {
        let text = String(repeating: "abcdefghij", count: 8) // 80 characters
        let lines = [
            #"{"kind":"episode","id":"e:1","text":"\#(text)"}"#,
            #"{"kind":"episode","id":"e:2","text":"line one\nline \"two\"\ttab \u00e9"}"#,
        ]
        let rendered = TableFormatter.render(lines)
        let truncated = String(text.prefix(59)) + "…"
        #expect(rendered.contains("e:1  \(truncated)\n"))
        #expect(!rendered.contains(text))
        #expect(rendered.contains(#"e:2  line one\nline "two" tab é"#))
        #expect(rendered.hasSuffix("(2 rows)\n"))
        #expect(TableFormatter.cell("0123456789", width: 10) == "0123456789")
        #expect(TableFormatter.cell("0123456789A", width: 10) == "012345678…")
        #expect(TableFormatter.render([String(repeating: "x", count: 5)], maxCellWidth: 3).contains("xx…"))
    }

    @Test func rowsWithoutColumnsAndEmptyAnswers() {
        #expect(TableFormatter.render([#"{"kind":"pong"}"#]) == "[pong]\n(1 row)\n")
        #expect(TableFormatter.render([]) == "(0 rows)\n")
        let odd = TableFormatter.render(["not json", #"{"name":"x"}"#])
        #expect(odd.contains("[(not a JSON object)]"))
        #expect(odd.contains("not json"))
        #expect(odd.contains("[(no kind)]"))
        #expect(odd.hasSuffix("(2 rows)\n"))
    }

    @Test func statRowsAlign() {
        let lines = [
            #"{"kind":"stat","name":"uptime_s","value":12}"#,
            #"{"kind":"stat","name":"connections","value":1}"#,
        ]
        #expect(
            TableFormatter.render(lines) == """
                [stat]
                name         value
                -----------  -----
                uptime_s     12
                connections  1
                (2 rows)

                """)
    }

    @Test func orderedMembersKeepRawValues() throws {
        let members = try #require(JSONLine.members(#" { "b" : [1, 2, {"x": "a b"}], "a\u0041": -1.5e3 , "c":"\"q\"" } "#))
        #expect(members.map(\.key) == ["b", "aA", "c"])
        #expect(members.map(\.raw) == [#"[1,2,{"x":"a b"}]"#, "-1.5e3", #""\"q\"""#])
        #expect(JSONLine.string(members[2].raw) == "\"q\"")
        #expect(JSONLine.members("{}")?.isEmpty == true)
        #expect(JSONLine.members(#"{"a":1"#) == nil)
        #expect(JSONLine.members(#"{"a":1} x"#) == nil)
        #expect(JSONLine.members("[1]") == nil)
    }
}

@Suite struct StatementAssemblerTests {
    @Test func skipsBlankAndCommentLinesAndJoinsContinuations() {
        let script = """
            -- a tour
            ping

              remember "a" \\
                by caroline \\
                at 2023-05-08   
            -- the end
            stats\r
            use \\
            -- a comment inside a continuation is skipped
            space "x"
            recall "y" \\

            help
            match \\
            """
        let statements = StatementAssembler.statements(in: script)
        #expect(
            statements == [
                Statement(text: "ping", line: 2),
                Statement(text: "remember \"a\" by caroline at 2023-05-08", line: 4),
                Statement(text: "stats", line: 8),
                Statement(text: "use space \"x\"", line: 9),
                Statement(text: "recall \"y\"", line: 12), // ended by the blank line
                Statement(text: "help", line: 14),
                Statement(text: "match", line: 15), // open at the end of input
            ])
    }

    @Test func reportsContinuation() {
        var assembler = StatementAssembler()
        #expect(assembler.feed("use \\") == nil)
        #expect(assembler.isContinuing)
        #expect(assembler.feed("space x") == Statement(text: "use space x", line: 1))
        #expect(!assembler.isContinuing)
        #expect(assembler.feed("-- only a comment") == nil)
        #expect(!assembler.isContinuing)
        #expect(assembler.feed("a \\") == nil)
        assembler.reset()
        #expect(!assembler.isContinuing && assembler.finish() == nil)
    }

    @Test func statementInfo() {
        #expect(StatementInfo.keyword(of: "  RECALL \"x\"") == "recall")
        #expect(StatementInfo.keyword(of: "") == nil)
        #expect(StatementInfo.isReadOnly("match works_at(?p, acme)"))
        #expect(StatementInfo.isReadOnly("Ping"))
        #expect(!StatementInfo.isReadOnly("remember \"x\""))
        #expect(!StatementInfo.isReadOnly("use space x"))
        #expect(!StatementInfo.isReadOnly("persona caroline set a = \"b\""))
        #expect(!StatementInfo.isReadOnly("remembr typo"))
        #expect(StatementInfo.quoted("a \"b\"\\\n\u{1}") == #""a \"b\"\\\n\u0001""#)
        #expect(StatementInfo.spaceName(in: .ok([#"{"kind":"space","name":"agent-7","created":true}"#])) == "agent-7")
        // The client writes string literals exactly as the daemon writes JSON strings.
        for text in ["plain", "a \"b\"\\", "tab\tline\nfeed\r", "\u{0}\u{1}\u{1F}\u{7F}", "line\u{2028}para\u{2029}", "’ é 日本 🐝", ""] {
            #expect(StatementInfo.quoted(text) == JSONString.quoted(text), "\(text.debugDescription)")
        }
        #expect(StatementInfo.spaceName(in: .ok([#"{"kind":"pong"}"#])) == nil)
        #expect(StatementInfo.spaceName(in: .error(code: "DENIED", message: "no")) == nil)
    }
}
