import Testing

@testable import MnemoRegex

/// Byte ranges and texts in multi-byte UTF-8, all matches, start positions.
@Suite struct MatchingTests {
    @Test func multiByteTextGivesExactSubstringsAndByteRanges() throws {
        let text = "naïve café ☕ 日本語!"
        // "naïve " is 7 bytes, "café" 5, " " 1, "☕" 3, " " 1, "日本語" 9.
        let cafe = try #require(try RegexPattern("caf(é)").firstMatch(in: text))
        #expect(cafe.text == "café")
        #expect(cafe.range == 7..<12)
        #expect(cafe[1] == "é")
        #expect(cafe.byteRange(at: 1) == 10..<12)

        let han = try #require(try RegexPattern(#"\p{Han}+"#).firstMatch(in: text))
        #expect(han.text == "日本語")
        #expect(han.range == 17..<26)
        #expect(
            Array(text.utf8[text.utf8.index(text.utf8.startIndex, offsetBy: 17)...].prefix(9))
                == Array("日本語".utf8))

        let cup = try #require(try RegexPattern("(.) (.)").firstMatch(in: "☕ 日"))
        #expect(cup[1] == "☕")
        #expect(cup[2] == "日")
        #expect(cup.range == 0..<7)
    }

    @Test func matchInsideAGraphemeClusterIsNotRounded() throws {
        // "e" + COMBINING ACUTE ACCENT is one Character but two scalars.
        let text = "cafe\u{301}"
        let m = try #require(try RegexPattern("e").firstMatch(in: text))
        #expect(m.range == 3..<4)
        #expect(m.text.unicodeScalars.map(\.value) == [0x65])
    }

    @Test func allMatches() throws {
        let found = try RegexPattern(#"\d+"#).matches(in: "a1b22c333")
        #expect(found.map(\.text) == ["1", "22", "333"])
        #expect(found.map(\.range) == [1..<2, 3..<5, 6..<9])
        #expect(try RegexPattern("z").matches(in: "abc").isEmpty)
        #expect(try RegexPattern("a").matches(in: "").isEmpty)
    }

    @Test func matchesAreNonOverlapping() throws {
        #expect(try RegexPattern("aa").matches(in: "aaaaa").map(\.range) == [0..<2, 2..<4])
    }

    @Test func emptyMatchesAdvanceAndFinish() throws {
        // As Perl: after an empty match, a non-empty one at the same place is
        // preferred, else the search moves on one character.
        let greedy = try RegexPattern("x*").matches(in: "axb")
        #expect(greedy.map(\.range) == [0..<0, 1..<2, 2..<2, 3..<3])

        let lazy = try RegexPattern("x*?").matches(in: "xx")
        #expect(lazy.map(\.text) == ["", "x", "", "x", ""])
        #expect(lazy.map(\.range) == [0..<0, 0..<1, 1..<1, 1..<2, 2..<2])

        #expect(try RegexPattern("").matches(in: "").map(\.range) == [0..<0])
    }

    @Test func emptyMatchesAdvanceByCharacterNotByte() throws {
        // "é" is 2 bytes and "日" 3: empty matches fall only on scalar boundaries.
        let found = try RegexPattern("").matches(in: "é日a")
        #expect(found.map(\.range) == [0..<0, 2..<2, 5..<5, 6..<6])
    }

    @Test func firstMatchFromAnIndex() throws {
        let text = "a1 b2 c3"
        let re = try RegexPattern(#"[a-z](\d)"#)
        let from = text.firstIndex(of: " ")!
        #expect(re.firstMatch(in: text, from: from)?.text == "b2")
        #expect(re.firstMatch(in: text, from: text.endIndex) == nil)
        // `from` does not cut the text: ^ still means the start of the string.
        #expect(try RegexPattern("^b").firstMatch(in: text, from: text.index(text.startIndex, offsetBy: 3)) == nil)
        // Byte ranges stay relative to the whole string.
        let multi = "日本 x1"
        #expect(re.firstMatch(in: multi, from: multi.index(after: multi.startIndex))?.range == 7..<9)
    }

    @Test func fromInsideAScalarMovesToTheNextScalar() throws {
        let text = "é1"
        let inside = text.utf8.index(after: text.utf8.startIndex) // second byte of "é"
        #expect(try RegexPattern(#"."#).firstMatch(in: text, from: inside)?.text == "1")
    }

    @Test func isMatch() throws {
        let re = try RegexPattern(#"\bcat\b"#)
        #expect(re.isMatch("the cat sat"))
        #expect(!re.isMatch("concatenate"))
        #expect(!re.isMatch(""))
    }

    @Test func subjectWithNUL() throws {
        let m = try #require(try RegexPattern("b").firstMatch(in: "a\u{0}b"))
        #expect(m.range == 2..<3)
    }

    @Test func matchLimitIsNoMatchOrAnError() throws {
        // Catastrophic backtracking under a tiny match limit set in the pattern.
        let re = try RegexPattern("(*LIMIT_MATCH=1000)(a+)+$")
        let text = String(repeating: "a", count: 30) + "b"
        #expect(re.firstMatch(in: text) == nil)
        #expect(re.matches(in: text).isEmpty)
        #expect(!re.isMatch(text))
        let error = #expect(throws: RegexError.self) { try re.firstMatchOrThrow(in: text) }
        #expect(error?.kind == .match)
        #expect(error?.message == "match limit exceeded")
        #expect(throws: RegexError.self) { try re.matchesOrThrow(in: text) }
        // Without hitting the limit the throwing forms just match.
        #expect(try re.firstMatchOrThrow(in: "aaa")?.text == "aaa")
        #expect(try re.firstMatchOrThrow(in: "b") == nil)
    }
}
