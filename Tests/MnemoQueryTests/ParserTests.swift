import Foundation
import MnemoModel
import MnemoQuery
import Testing

func t(_ iso: String) -> Timestamp { Timestamp(iso8601: iso)! }

func parse(_ text: String) throws -> Statement? { try Parser.parse(text, now: t("2024-06-01T12:00:00Z")) }

func syntaxError(_ text: String) -> String? {
    do {
        _ = try parse(text)
        return nil
    } catch let error as MnemoError {
        return error.code == .syntax ? error.message : "\(error.code): \(error.message)"
    } catch {
        return "\(error)"
    }
}

@Suite("parsing every statement")
struct ParserTests {
    @Test("remember with every clause, in any order, keywords in any case")
    func remember() throws {
        let s = try parse(#"REMEMBER "I went to a support group yesterday" importance 0.6 by caroline In Scene "chat 1" at 2023-05-08T13:56 ref "D1:3""#)
        #expect(
            s
                == .remember(
                    Remember(
                        text: "I went to a support group yesterday", speaker: "caroline", at: t("2023-05-08T13:56"),
                        scene: "chat 1", ref: "D1:3", importance: 0.6)))
    }

    @Test("assert: positional and named roles, every filler type, lists, clauses")
    func assertion() throws {
        let s = try parse(#"assert met(who: [alice, "Bob Smith"], place: paris, topic: "merger", hours: 2.5, on: 2024-01-03) at 2024-01-03 in scene offsite"#)
        guard case .assert(let a) = s else {
            Issue.record("not an assert: \(String(describing: s))")
            return
        }
        #expect(a.predicate == "met")
        #expect(
            a.arguments == [
                Argument(.list([.entity("alice"), .literal(.text("Bob Smith"))]), role: "who"),
                Argument(.entity("paris"), role: "place"),
                Argument(.literal(.text("merger")), role: "topic"),
                Argument(.literal(.number(2.5)), role: "hours"),
                Argument(.literal(.time(t("2024-01-03"))), role: "on"),
            ])
        #expect(a.validFrom == t("2024-01-03") && a.validTo == t("2024-01-04"))
        #expect(a.scene == "offsite")
        let b = try parse(#"assert works_at(alice, acme) from 2021-03-01 to 2023 confidence 0.9 source "hr sync""#)
        #expect(
            b
                == .assert(
                    Assertion(
                        predicate: "works_at", arguments: [Argument(.entity("alice")), Argument(.entity("acme"))],
                        validFrom: t("2021-03-01"), validTo: t("2023-01-01"), confidence: 0.9, source: "hr sync")))
    }

    @Test("the other writing statements")
    func writing() throws {
        #expect(
            try parse("declare works_at(person, organisation) functional")
                == .declare(PredicateDeclaration(name: "works_at", roles: ["person", "organisation"], functional: true)))
        #expect(try parse("retract f:42 at 2024-02-01") == .retract(NodeID(.fact, 42), at: t("2024-02-01")))
        #expect(try parse("forget e:17") == .forget(NodeID(.episode, 17)))
        #expect(
            try parse(#"scene open "offsite" at 2024-02-01 with alice, bob place paris"#)
                == .sceneOpen(title: "offsite", at: t("2024-02-01"), with: ["alice", "bob"], place: "paris"))
        #expect(try parse(#"scene close "offsite" at 2024-02-03"#) == .sceneClose(title: "offsite", at: t("2024-02-03")))
        #expect(
            try parse(#"persona caroline set occupation = "counsellor" from 2023-09-01"#)
                == .personaSet(entity: "caroline", attribute: "occupation", value: .string("counsellor"), from: t("2023-09-01")))
        #expect(try parse("alias mel = melanie") == .alias(alias: "mel", target: "melanie"))
        #expect(try parse("use space \"agent-7\"") == .use(space: "agent-7"))
        #expect(try parse("backup to \"/tmp/x.db\"") == .backup(path: "/tmp/x.db"))
        #expect(try parse(#"export to "/tmp/x.jsonl""#) == .export(path: "/tmp/x.jsonl", contents: ExportContents()))
        #expect(
            try parse(#"EXPORT to "/tmp/x.jsonl" with activation, derived"#)
                == .export(path: "/tmp/x.jsonl", contents: ExportContents(derived: true, activation: true)))
        #expect(try parse(#"export to "/x" with derived"#) == .export(path: "/x", contents: ExportContents(derived: true)))
        #expect(try parse(#"import from "/tmp/x.jsonl""#) == .importFrom(path: "/tmp/x.jsonl"))
        #expect(syntaxError(#"export to "/x" with derived, derived"#)?.contains("given twice") == true)
        #expect(syntaxError(#"export to "/x" with everything"#)?.contains("expected derived or activation") == true)
        #expect(syntaxError(#"export "/x""#)?.contains("expected 'to'") == true)
        #expect(syntaxError(#"import to "/x""#)?.contains("expected 'from'") == true)
    }

    @Test("the reading statements of SPEC §2")
    func reading() throws {
        guard case .recall(let r) = try parse(#"recall "camping trips" about melanie during 2023-06-01 .. 2023-09-01 limit 10 explain"#) else {
            Issue.record("not a recall")
            return
        }
        #expect(r.about == "melanie" && r.limit == 10 && r.explain)
        #expect(r.during == TimeRange(from: t("2023-06-01"), to: t("2023-09-02")))
        guard case .recall(let r2) = try parse(#"recall "adoption" as of 2023-07-01 depth 3 include archived"#) else { return }
        #expect(r2.asOf == t("2023-07-01") && r2.depth == 3 && r2.includeArchived)
        guard case .recall(let r3) = try parse(#"explain recall "x""#) else { return }
        #expect(r3.explain && r3.knownAsOf == nil)
        guard case .recall(let r4) = try parse(#"recall "moves" known as of 2024-01-15 as of 2021-06-01 limit 5"#) else { return }
        #expect(r4.knownAsOf == t("2024-01-15") && r4.asOf == t("2021-06-01") && r4.limit == 5)
        #expect(syntaxError(#"recall "x" known of 2024-01-15"#)?.contains("expected 'as'") == true)
        #expect(syntaxError(#"recall "x" known as of 2024 known as of 2025"#)?.contains("'known' given twice") == true)

        guard case .match(let m) = try parse("match works_at(?p, ?org), located_in(?org, paris) as of 2022-01-01") else { return }
        #expect(m.atoms.count == 2 && m.asOf == t("2022-01-01"))
        guard case .match(let m2) = try parse("match likes(caroline, ?x) where ?x ~ /paint(ing)?/i") else { return }
        #expect(m2.conditions == [.regex(variable: "x", pattern: "paint(ing)?", flags: "i")])
        guard case .match(let m3) = try parse("match works_at(alice, ?org) known as of 2024-01-15 limit 5") else { return }
        #expect(m3.knownAsOf == t("2024-01-15") && m3.limit == 5)
        guard case .match(let m4) = try parse("match age(?p, ?n), age(?q, ?m) where ?n > 30 and ?n < ?m and ?p != bob") else { return }
        #expect(m4.conditions.count == 3)

        guard case .history(let h, nil) = try parse("history works_at(alice, ?)") else { return }
        #expect(h.arguments.map(\.term) == [.entity("alice"), .anything])
        #expect(
            try parse("timeline caroline during 2023-05 .. 2023-08")
                == .timeline(entity: "caroline", during: TimeRange(from: t("2023-05-01"), to: t("2023-09-01"))))
        #expect(try parse("persona caroline") == .persona(entity: "caroline", asOf: nil))
        #expect(try parse(#"scene "chat 1""#) == .scene(.title("chat 1")))
        #expect(try parse("scene s:3") == .scene(.id(3)))
        #expect(
            try parse("scenes with melanie during 2023-07 .. 2023-08")
                == .scenes(with: "melanie", during: TimeRange(from: t("2023-07-01"), to: t("2023-09-01"))))
        #expect(try parse("conflicts") == .conflicts(about: nil))
        #expect(try parse("insights about caroline") == .insights(about: "caroline"))
        #expect(try parse("consolidate dry run") == .consolidate(dryRun: true))
        #expect(try parse("consolidations") == .consolidations())
        #expect(try parse("undo consolidation 12") == .undoConsolidation(12))
        #expect(try parse("stats") == .stats)
        #expect(try parse("help match") == .help(topic: "match"))
        #expect(try parse("ping -- are you there?") == .ping)
        #expect(try parse("   -- only a comment") == nil)
    }

    @Test("strings take JSON escapes, including surrogate pairs")
    func strings() throws {
        #expect(try parse(#"remember "a \"quote\", a \\ and\na line \u00e9 \ud83d\ude00""#) == .remember(Remember(text: "a \"quote\", a \\ and\na line é 😀")))
        #expect(syntaxError(#"remember "bad \q escape""#)?.contains("unknown escape '\\q'") == true)
        #expect(syntaxError(#"remember "unterminated"#)?.contains("unterminated string") == true)
        // A NUL, escaped or raw, would be cut off where SQLite reads the text back.
        #expect(syntaxError(#"remember "a \u0000 b""#)?.contains("U+0000") == true)
        #expect(syntaxError("remember \"a \u{0} b\"")?.contains("U+0000") == true)
    }

    @Test("times: ISO forms, years, now, intervals")
    func times() throws {
        #expect(try parse("retract f:1 at now") == .retract(NodeID(.fact, 1), at: t("2024-06-01T12:00:00Z")))
        #expect(try parse("retract f:1 at 2023-05-08T13:56:00+02:00") == .retract(NodeID(.fact, 1), at: t("2023-05-08T11:56:00Z")))
        #expect(try parse("timeline x during 2020 .. 2021") == .timeline(entity: "x", during: TimeRange(from: t("2020-01-01"), to: t("2022-01-01"))))
        #expect(syntaxError("timeline x during 2023-05-40")?.contains("invalid time '2023-05-40'") == true)
        #expect(syntaxError("timeline x during 2023 .. 2020")?.contains("ends before it starts") == true)
    }

    @Test("errors name line:column, what was expected after what, and what was found")
    func errorMessages() {
        #expect(syntaxError("match works_at(dana ?e)") == "1:21 expected ',' or ')' after 'dana', found '?e'")
        #expect(syntaxError("frobnicate") == "1:1 unknown statement 'frobnicate'; try 'help'")
        #expect(syntaxError("assert works_at(alice, ?x)") == "1:24 variables such as ?x belong in match, not here")
        #expect(syntaxError("assert works_at()") == "1:17 expected an argument after '(', found ')'")
        #expect(syntaxError("retract e:5") == "1:9 expected a fact id such as f:42 after 'retract', found 'e:5'")
        #expect(syntaxError("remember \"x\" by a by b") == "1:19 'by' given twice in remember")
        #expect(syntaxError("remember \"x\" importance 2") == "1:25 importance must be from 0 to 1")
        #expect(syntaxError("match likes(?a, ?b) where ?c = 1") == "1:27 ?c does not appear in the patterns")
        #expect(syntaxError("match likes(?a, ?b) limit 0")?.hasPrefix("1:27 limit must be a whole number") == true)
        #expect(syntaxError("ping pong") == "1:6 expected end of statement after 'ping', found 'pong'")
        #expect(syntaxError("remember \"x\" at yesterday")?.hasPrefix("1:17 expected a time") == true)
        #expect(syntaxError("assert a(b) # c") == "1:13 unexpected character '#'")
    }

    @Test("statements that answer rows take limit, in any clause order, within 1...100000")
    func rowLimits() throws {
        guard case .history(_, 50) = try parse("history works_at(alice, ?) limit 50") else {
            Issue.record("history did not take its limit")
            return
        }
        #expect(
            try parse("timeline caroline limit 5 during 2023")
                == .timeline(entity: "caroline", during: TimeRange(from: t("2023-01-01"), to: t("2024-01-01")), limit: 5))
        #expect(try parse("persona caroline limit 3 as of 2023") == .persona(entity: "caroline", asOf: t("2023-01-01"), limit: 3))
        #expect(try parse("scene s:3 limit 7") == .scene(.id(3), limit: 7))
        #expect(try parse(#"scene "chat 1" limit 7"#) == .scene(.title("chat 1"), limit: 7))
        #expect(try parse("scenes limit 2 with melanie") == .scenes(with: "melanie", during: nil, limit: 2))
        #expect(try parse("conflicts limit 4 about bob") == .conflicts(about: "bob", limit: 4))
        #expect(try parse("insights limit 4") == .insights(about: nil, limit: 4))
        #expect(try parse("consolidations limit 100000") == .consolidations(limit: 100_000))
        for statement in ["history a(?)", "timeline x", "persona x", "scene s:1", "scenes", "conflicts", "insights", "consolidations"] {
            #expect(syntaxError("\(statement) limit 100001")?.contains("limit must be a whole number from 1 to 100000") == true, "\(statement)")
            #expect(syntaxError("\(statement) limit 0")?.contains("limit must be a whole number from 1 to 100000") == true, "\(statement)")
            #expect(syntaxError("\(statement) limit 5 limit 6")?.contains("'limit' given twice") == true, "\(statement)")
        }
    }

    @Test("a match joins at most 16 atoms")
    func atomCap() throws {
        let sixteen = (0..<16).map { "p\($0)(?x)" }.joined(separator: ", ")
        guard case .match(let m) = try parse("match " + sixteen) else {
            Issue.record("not a match")
            return
        }
        #expect(m.atoms.count == 16)
        #expect(syntaxError("match \(sixteen), p16(?x)")?.contains("a match joins at most 16 atoms") == true)
        let thousands = (0..<5000).map { "p(?x\($0))" }.joined(separator: ", ")
        #expect(syntaxError("match " + thousands)?.contains("at most 16 atoms") == true)
    }

    @Test("whole numbers past Int64, infinities and fractions are syntax errors, not traps")
    func numbersOutOfRange() throws {
        for run in ["99999999999999999999", "1e300", "9223372036854775808", "-1", "0", "1.5"] {
            #expect(syntaxError("undo consolidation \(run)")?.contains("expected a consolidation run number") == true, "\(run)")
        }
        #expect(try parse("undo consolidation 9007199254740992") == .undoConsolidation(1 << 53))
        for limit in ["9223372036854775808", "1e300", "1.7976931348623157e308", "-1e300", "100001", "2.5"] {
            #expect(syntaxError("match a(?x) limit \(limit)")?.contains("limit must be a whole number from 1 to 100000") == true, "\(limit)")
            #expect(syntaxError("recall \"x\" limit \(limit)")?.contains("limit must be a whole number") == true, "\(limit)")
        }
    }

    @Test("a missing or wordy number says what it needs, and a time error that a year from 1000 to 9999 is one")
    func missingNumbers() throws {
        #expect(syntaxError(#"recall "x" limit"#)?.contains("limit must be a whole number from 1 to 10000, found end of line") == true)
        #expect(syntaxError(#"recall "x" limit ten"#)?.contains("limit must be a whole number from 1 to 10000, found") == true)
        #expect(syntaxError(#"recall "x" depth"#)?.contains("depth must be a whole number from 0 to 10") == true)
        #expect(syntaxError(#"recall "x" as of 999"#)?.contains("a year from 1000 to 9999") == true)
    }

    @Test("a number literal past Double's range is a syntax error wherever it stands, not an infinity")
    func numbersPastDouble() throws {
        let statements = [
            "assert p(alice, %)", "persona alice set age = %", "match p(?x) where ?x > %", "undo consolidation %",
            "match p(?x) limit %", "remember \"x\" importance %", "history p(%)",
        ]
        for number in ["1e400", "-1e400", "1e99999", "1" + String(repeating: "0", count: 310)] {
            for statement in statements {
                let text = statement.replacingOccurrences(of: "%", with: number)
                let message = syntaxError(text)
                #expect(message?.contains("number '\(number)' is out of range") == true, "\(text): \(message ?? "parsed")")
            }
        }
        // The largest finite values and the smallest ones (which round to 0 or a subnormal) still parse.
        #expect(try parse("persona alice set age = 1.7976931348623157e308") != nil)
        #expect(try parse("persona alice set age = 1e-400") == .personaSet(entity: "alice", attribute: "age", value: .double(0), from: nil))
    }
}
