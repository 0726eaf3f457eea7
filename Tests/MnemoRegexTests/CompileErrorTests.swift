import Testing

@testable import MnemoRegex

/// Bad patterns throw PCRE2's own message and the byte offset of the problem.
@Suite struct CompileErrorTests {
    func compileError(_ pattern: String) -> RegexError? {
        #expect(throws: RegexError.self) { try RegexPattern(pattern) }
    }

    @Test func missingParenthesis() {
        let error = compileError("(abc")
        #expect(error?.kind == .compile)
        #expect(error?.message == "missing closing parenthesis")
        #expect(error?.offset == 4)
        #expect(error?.description == "missing closing parenthesis at offset 4")
        #expect(error?.code != nil)
    }

    @Test func quantifierOutOfOrder() {
        let error = compileError("a{2,1}")
        #expect(error?.kind == .compile)
        #expect(error?.message == "numbers out of order in {} quantifier")
        #expect(error?.offset == 5)
    }

    @Test func rangeOutOfOrder() {
        let error = compileError("[z-a]")
        #expect(error?.kind == .compile)
        #expect(error?.message == "range out of order in character class")
        #expect(error?.offset == 3)
    }

    @Test func offsetIsInUTF8Bytes() {
        // "é" is two bytes: PCRE2 stops after the range's "a", byte 7 (character 5),
        // where "[z-a]" alone gives 3.
        let error = compileError("éé[z-a]")
        #expect(error?.message == "range out of order in character class")
        #expect(error?.offset == 7)
    }

    @Test func goodPatternsCompile() throws {
        let re = try RegexPattern("")
        #expect(re.isMatch(""))
        #expect(re.captureCount == 0)
        #expect(re.names.isEmpty)
    }
}
