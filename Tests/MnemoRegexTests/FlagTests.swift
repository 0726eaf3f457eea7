import Testing

@testable import MnemoRegex

/// Each flag letter changes what matches; unknown letters are refused.
@Suite struct FlagTests {
    @Test func caseless() throws {
        #expect(try !RegexPattern("hello").isMatch("Say HELLO"))
        #expect(try RegexPattern("hello", flags: "i").isMatch("Say HELLO"))
        // With UTF, caseless matching folds non-ASCII letters too.
        #expect(try !RegexPattern("émile").isMatch("ÉMILE"))
        #expect(try RegexPattern("émile", flags: "i").isMatch("ÉMILE"))
    }

    @Test func multiline() throws {
        let text = "a\nb\nc"
        #expect(try !RegexPattern("^b$").isMatch(text))
        #expect(try RegexPattern("^b$", flags: "m").firstMatch(in: text)?.range == 2..<3)
    }

    @Test func dotall() throws {
        #expect(try !RegexPattern("a.b").isMatch("a\nb"))
        #expect(try RegexPattern("a.b", flags: "s").isMatch("a\nb"))
    }

    @Test func extended() throws {
        let pattern = "a b c  # letters"
        #expect(try !RegexPattern(pattern).isMatch("abc"))
        #expect(try RegexPattern(pattern).isMatch("a b c  # letters"))
        #expect(try RegexPattern(pattern, flags: "x").isMatch("abc"))
        #expect(try !RegexPattern(pattern, flags: "x").isMatch("a b c"))
    }

    @Test func unicodeProperties() throws {
        // Without UCP, \w \d \b know only ASCII even in UTF mode.
        #expect(try !RegexPattern(#"^\w+$"#).isMatch("café"))
        #expect(try RegexPattern(#"^\w+$"#, flags: "u").isMatch("café"))
        #expect(try !RegexPattern(#"^\d$"#).isMatch("٣")) // ARABIC-INDIC DIGIT THREE
        #expect(try RegexPattern(#"^\d$"#, flags: "u").isMatch("٣"))
        // \b: "é" is not a word character without u, so there is a boundary inside "né".
        #expect(try RegexPattern(#"n\b"#).isMatch("né"))
        #expect(try !RegexPattern(#"n\b"#, flags: "u").isMatch("né"))
    }

    @Test func flagsCombine() throws {
        let re = try RegexPattern("^ B . C $", flags: "imsx")
        #expect(re.isMatch("a\nb\nc"))
        #expect(re.flags == "imsx")
    }

    @Test func unknownFlagThrows() throws {
        let error = #expect(throws: RegexError.self) { try RegexPattern("a", flags: "iq") }
        #expect(error?.kind == .flag)
        #expect(error?.offset == 1)
        #expect(error?.message.contains("'q'") == true)
        #expect(error?.description.contains("unknown regex flag 'q'") == true)
        #expect(throws: RegexError.self) { try RegexPattern("a", flags: "g") }
        #expect(throws: RegexError.self) { try RegexPattern("a", flags: "I") }
    }
}
