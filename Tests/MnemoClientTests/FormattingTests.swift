import Foundation
import MnemoModel
import Testing

@testable import MnemoClient

@Suite struct TableFormatterTests {
    static let caroline =
        "I went to a LGBTQ support group yesterday and it was so powerful. The transgender stories were so inspiring! "
        + "I was so happy and thankful for all the support. It made me think about counseling and mental health jobs, "
        + "so that I could help people who went through what I did."

    /// The lines of a rendering, without their newlines.
    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    @Test func eachKindShowsTheColumnsAPersonReads() {
        let lines = [
            #"{"kind":"fact","id":"f:42","predicate":"works_at","roles":{"_1":"alice","_2":"acme"},"valid_from":"2021-03-01T00:00:00Z","valid_to":null,"recorded_at":"2024-01-02T10:11:12.345678Z","retracted_at":null,"confidence":0.9,"sources":[]}"#,
            #"{"kind":"episode","id":"e:7","ref":"D1:3","text":"I went to a support group yesterday","speaker":"caroline","at":"2023-05-08T13:56:00Z","scene":"s:1","scene_title":"chat 1","importance":0.6,"entities":["caroline"],"times":[]}"#,
            #"{"kind":"fact","id":"f:43","predicate":"lives_in","roles":{"person":"alice","city":"paris"},"valid_from":"2020-01-01T00:00:00Z","valid_to":"2022-05-01T12:30:00Z","recorded_at":"2024-01-02T10:11:12Z","retracted_at":"2024-02-01T09:00:00Z","confidence":1,"sources":["e:7"],"superseded_by":"f:44"}"#,
        ]
        let expected = """
            [fact]
            id    fact                                                                   valid
            ----  ---------------------------------------------------------------------  ------------------------------
            f:42  works_at(alice, acme)                                                  2021-03-01 ..
            f:43  lives_in(person: alice, city: paris) (superseded by f:44) (retracted)  2020-01-01 .. 2022-05-01 12:30

            [episode]
            id   speaker   when              text
            ---  --------  ----------------  -----------------------------------
            e:7  caroline  2023-05-08 13:56  I went to a support group yesterday
            (3 rows)

            """
        #expect(TableFormatter.render(lines, width: 200) == expected)
    }

    @Test func longTextIsWrappedInFullWithinTheWidth() throws {
        let line = #"{"kind":"episode","id":"e:12","ref":"D1:5","text":"\#(Self.caroline)","speaker":"caroline","at":"2023-05-08T13:56:00Z","score":0.8123}"#
        for width in [200, 80, 60] {
            let rendered = TableFormatter.render([line], width: width)
            let rows = Self.lines(rendered)
            #expect(rows.allSatisfy { DisplayWidth.of($0) <= width }, "width \(width):\n\(rendered)")
            #expect(!rendered.contains("…"))
            // The text column, read back from its place under its header, is the whole text.
            let header = try #require(rows.firstIndex { $0.hasPrefix("id") })
            let start = try #require(rows[header].range(of: "text")).lowerBound.utf16Offset(in: rows[header])
            let rule = rows[header + 1]
            let end = rule.utf16.count > start ? (rule.dropFirst(start).firstIndex(of: " ")?.utf16Offset(in: rule) ?? rule.utf16.count) : start
            let column = rows[(header + 2)..<(rows.count - 1)].map { row -> String in
                let characters = Array(row)
                guard characters.count > start else { return "" }
                return String(characters[start..<min(end, characters.count)]).trimmingCharacters(in: .whitespaces)
            }
            #expect(column.filter { !$0.isEmpty }.joined(separator: " ") == Self.caroline, "width \(width):\n\(rendered)")
            #expect(rows.last == "(1 row)")
        }
        // 200 columns: two lines for the text; 80: more, the short columns on the first only.
        #expect(Self.lines(TableFormatter.render([line], width: 200)).count == 6)
        let narrow = Self.lines(TableFormatter.render([line], width: 80))
        #expect(narrow.count > 6)
        #expect(narrow[3].hasPrefix("e:12  caroline  2023-05-08 13:56  I went"))
        #expect(narrow[4].hasPrefix(String(repeating: " ", count: 34)))
        #expect(narrow[3].hasSuffix("0.8123"))
    }

    @Test func expandedShowsEveryFieldWrapped() {
        let line =
            #"{"kind":"episode","id":"e:12","ref":"D1:5","text":"\#(Self.caroline)","speaker":"caroline","at":"2023-05-08T13:56:00Z","entities":["caroline"],"times":[{"text":"yesterday","from":"2023-05-07","to":"2023-05-08"}],"score":0.8123}"#
        let rendered = TableFormatter.render([line, #"{"kind":"pong"}"#], width: 60, expanded: true)
        let rows = Self.lines(rendered)
        #expect(rows.allSatisfy { DisplayWidth.of($0) <= 60 }, "\(rendered)")
        // The heading's rule reaches as far as the widest line of the record.
        let widest = rows[1..<(rows.count - 2)].map { DisplayWidth.of($0) }.max() ?? 0
        #expect(rows[0] == "-[ episode 1 ]" + String(repeating: "-", count: widest - 14))
        #expect(rows[1] == "id       | e:12")
        #expect(rows[2] == "ref      | D1:5")
        #expect(rows[3] == "text     | I went to a LGBTQ support group yesterday and it")
        #expect(rows[4] == "         | was so powerful. The transgender stories were so")
        #expect(rows[8] == "         | people who went through what I did.")
        #expect(rows.contains("at       | 2023-05-08T13:56:00Z"))
        #expect(rows.contains(#"entities | ["caroline"]"#))
        #expect(rows.contains(#"times    | [{"text":"yesterday","from":"2023-05-07","#))
        #expect(rows.contains(#"         | "to":"2023-05-08"}]"#))
        #expect(rows.contains("score    | 0.8123"))
        #expect(rows.suffix(2) == ["-[ pong 2 ]", "(2 rows)"])
    }

    @Test func aNarrowTerminalGetsExpandedRowsRatherThanWiderLines() {
        let line = #"{"kind":"episode","id":"e:12","text":"\#(Self.caroline)","speaker":"caroline","at":"2023-05-08T13:56:00Z","score":0.8123}"#
        let rendered = TableFormatter.render([line], width: 30)
        #expect(Self.lines(rendered).allSatisfy { DisplayWidth.of($0) <= 30 }, "\(rendered)")
        #expect(rendered.hasPrefix("[episode]\n-[ episode 1 ]"))
    }

    @Test func bindingsRecallAndExplain() {
        let lines = [
            #"{"kind":"binding","bindings":{"city":"paris","when":"2023-06-15T00:00:00Z"},"facts":["f:2","f:9"]}"#,
            #"{"kind":"scene","id":"s:1","title":"offsite","from":"2024-02-01T09:00:00Z","to":null,"participants":["alice","bob"],"summary":null,"score":0.5,"seeds":[{"seed":"text","node":"e:3","words":["pottery","class"],"share":0.9143},{"seed":"entity","node":"n:1","name":"Mel","share":0.0857}]}"#,
        ]
        let rendered = TableFormatter.render(lines, width: 100)
        #expect(rendered.contains("?city  ?when       facts\n"))
        #expect(rendered.contains("paris  2023-06-15  f:2, f:9\n"))
        #expect(rendered.contains("id   title    when                 with        score  why\n"))
        #expect(rendered.contains(#"s:1  offsite  2024-02-01 09:00 ..  alice, bob  0.5    "pottery class" 91%, Mel 9%"#))
    }

    @Test func journalRunsReadAsASentence() {
        let line =
            #"{"kind":"journal","run":1,"status":"done","dry_run":false,"started_at":"2026-12-04T16:46:52.043022Z","finished_at":"2026-12-04T16:46:52.443894Z","summary":{"changes":1590,"duration_ms":400.1,"failure":null,"passes":[{"changes":2,"counts":{"linked":2},"duration_ms":2.8,"pass":"entities"},{"changes":21,"counts":{},"duration_ms":182.8,"pass":"scenes"}]}}"#
        #expect(
            TableFormatter.render([line], width: 120) == """
                [journal]
                run  status  started              finished             summary
                ---  ------  -------------------  -------------------  -----------------------------------------------
                1    done    2026-12-04 16:46:52  2026-12-04 16:46:52  1590 changes in 400.1 ms: entities 2, scenes 21
                (1 row)

                """)
        #expect(ReadableColumns.runSummary(#"{"changes":0,"duration_ms":1,"failure":"disk full","passes":[]}"#) == "0 changes in 1 ms; failed: disk full")
    }

    @Test func valuesReadShorter() {
        #expect(ValueText.time("2023-05-08T13:56:00Z") == "2023-05-08 13:56")
        #expect(ValueText.time("2023-05-08T00:00:00Z") == "2023-05-08")
        #expect(ValueText.time("2023-05-08T13:56:07Z") == "2023-05-08 13:56:07")
        #expect(ValueText.time("2023-05-08T13:56:07.250000Z") == "2023-05-08 13:56:07")
        #expect(ValueText.time("2023-05-08T13:56:00.000000Z") == "2023-05-08 13:56")
        #expect(ValueText.time("2023-05-08") == nil)
        #expect(ValueText.time("2023-05-08T13:56:00+02:00") == nil)
        #expect(ValueText.time("2023-05-08T13:56:00.Z") == nil)
        #expect(ValueText.readable(#"["a","b",3]"#) == "a, b, 3")
        #expect(ValueText.readable(#"{"merged":3,"archived":0}"#) == "merged: 3, archived: 0")
        #expect(ValueText.readable(#"[{"a":1}]"#) == #"[{"a":1}]"#)
        #expect(ValueText.readable("null") == "")
        #expect(ValueText.interval(#""2021-03-01T00:00:00Z""#, "null") == "2021-03-01 ..")
        #expect(ValueText.interval("null", #""2021-03-01T00:00:00Z""#) == ".. 2021-03-01")
        #expect(ValueText.interval("null", "null") == "")
        #expect(JSONLine.items(#" [1, "a b", [2], {"x": [3]}] "#) == ["1", #""a b""#, "[2]", #"{"x":[3]}"#])
        #expect(JSONLine.items("[]") == [])
        #expect(JSONLine.items("[1") == nil)
        #expect(JSONLine.items("{}") == nil)
    }

    @Test func widthIsCountedInTerminalColumnsPerGrapheme() {
        #expect(DisplayWidth.of("abc") == 3)
        #expect(DisplayWidth.of("日本語") == 6)
        #expect(DisplayWidth.of("e\u{301}te\u{301}") == 3) // é written with a combining accent
        #expect(DisplayWidth.of("🐝") == 2)
        #expect(DisplayWidth.of("❤️") == 2) // U+2764 + VS16
        #expect(DisplayWidth.of("👩‍👩‍👧") == 2) // one grapheme joined by ZWJ
        #expect(DisplayWidth.of("\u{301}") == 0)
        #expect(DisplayWidth.of("ｈｉ") == 4) // fullwidth forms
        // Wrapping never splits a grapheme and counts wide ones as two columns.
        let wrapped = TextWrapper.lines("日本語のテキストと🐝とe\u{301}", width: 5)
        #expect(wrapped.allSatisfy { DisplayWidth.of($0) <= 5 }, "\(wrapped)")
        #expect(wrapped.joined() == "日本語のテキストと🐝とe\u{301}")
        #expect(wrapped.first == "日本")
    }

    @Test func wrappingKeepsLineBreaksIndentationAndCutsOnlyLongWords() {
        #expect(TextWrapper.lines("I went to a support group yesterday", width: 12) == ["I went to a", "support", "group", "yesterday"])
        #expect(TextWrapper.lines("one\n  two three\r\nfour", width: 20) == ["one", "  two three", "four"])
        #expect(TextWrapper.lines("supercalifragilistic is long", width: 8) == ["supercal", "ifragili", "stic is", "long"])
        #expect(TextWrapper.lines(#"[{"a":1},{"b":22},{"c":3}]"#, width: 12) == [#"[{"a":1},"#, #"{"b":22},"#, #"{"c":3}]"#])
        #expect(TextWrapper.lines("tab\there\u{1}bell", width: 40) == ["tab here?bell"])
        #expect(TextWrapper.lines("", width: 10) == [""])
        #expect(TextWrapper.naturalWidth("ab\nabcd\nabc") == 4)
        #expect(TextWrapper.longestWord("a bcd\nefghij k") == 6)
    }

    @Test func rowsWithoutColumnsAndEmptyAnswers() {
        #expect(TableFormatter.render([#"{"kind":"pong"}"#]) == "[pong]\n(1 row)\n")
        #expect(TableFormatter.render([#"{"kind":"pong"}"#], expanded: true) == "-[ pong 1 ]\n(1 row)\n")
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
