import Testing

@testable import MnemoRegex

/// Numbered and named groups, and what a group that did not take part gives.
@Suite struct CaptureTests {
    @Test func numberedCaptures() throws {
        let re = try RegexPattern(#"(\d{4})-(\d{2})-(\d{2})"#)
        let m = try #require(re.firstMatch(in: "on 2023-05-08, late"))
        #expect(re.captureCount == 3)
        #expect(m.captureCount == 3)
        #expect(m.text == "2023-05-08")
        #expect(m[0] == "2023-05-08")
        #expect(m[1] == "2023")
        #expect(m[2] == "05")
        #expect(m[3] == "08")
        #expect(m.range == 3..<13)
        #expect(m.byteRange(at: 2) == 8..<10)
        // No such group: nil, not a crash.
        #expect(m[4] == nil)
        #expect(m[-1] == nil)
    }

    @Test func namedCaptures() throws {
        let re = try RegexPattern(#"(?<s>\w+) works at (?<o>[A-Z]\w+)"#)
        let m = try #require(re.firstMatch(in: "alice works at Acme"))
        #expect(m["s"] == "alice")
        #expect(m["o"] == "Acme")
        #expect(m[1] == "alice")
        #expect(m[2] == "Acme")
        #expect(m["nope"] == nil)
        #expect(m.names == ["s", "o"])
        #expect(re.names == ["s", "o"])
        #expect(m.byteRange(named: "o") == 15..<19)
    }

    @Test func namesAreInGroupOrderNotAlphabetical() throws {
        // PCRE2's name table is sorted by name; `names` follows group numbers.
        let re = try RegexPattern("(?<zeta>a)(b)(?<alpha>c)")
        #expect(re.names == ["zeta", "alpha"])
        let m = try #require(re.firstMatch(in: "abc"))
        #expect(m["zeta"] == "a")
        #expect(m["alpha"] == "c")
        #expect(m[2] == "b")
    }

    @Test func duplicateNamesGiveTheGroupThatTookPart() throws {
        let re = try RegexPattern("(?J)(?<n>a+)|(?<n>b+)")
        #expect(re.names == ["n"])
        #expect(re.firstMatch(in: "bb")?["n"] == "bb")
        #expect(re.firstMatch(in: "aa")?["n"] == "aa")
    }

    @Test func nonParticipatingGroupIsNil() throws {
        let optional = try RegexPattern("(x)?y")
        let m = try #require(optional.firstMatch(in: "y"))
        #expect(m[0] == "y")
        #expect(m[1] == nil)
        #expect(m.byteRange(at: 1) == nil)

        let alternation = try RegexPattern("(?<a>a)|(?<b>b)")
        let n = try #require(alternation.firstMatch(in: "b"))
        #expect(n[1] == nil)
        #expect(n["a"] == nil)
        #expect(n[2] == "b")
        #expect(n["b"] == "b")
    }

    @Test func emptyGroupIsNotNil() throws {
        // A group that took part but matched nothing is "", unlike one that did not take part.
        let m = try #require(try RegexPattern("a(x*)b").firstMatch(in: "ab"))
        #expect(m[1] == "")
        #expect(m.byteRange(at: 1) == 1..<1)
    }
}
