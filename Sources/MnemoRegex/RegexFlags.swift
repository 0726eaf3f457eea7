import CPCRE2

/// The flag letters a query writes after a regex (`/re/im`) and the PCRE2
/// compile options they stand for.
///
/// Kept as letters rather than an option set because that is how they arrive
/// from the query language and how the cache keys patterns.
enum RegexFlags {
    /// Every letter with its option, in the order the documentation lists them.
    static let letters: [(letter: Character, option: UInt32)] = [
        ("i", PCRE2_CASELESS), // case-insensitive
        ("m", PCRE2_MULTILINE), // ^ and $ at line boundaries
        ("s", PCRE2_DOTALL), // . matches a newline too
        ("x", PCRE2_EXTENDED), // white space and # comments in the pattern are ignored
        ("u", PCRE2_UCP), // \w \d \s \b and POSIX classes use Unicode properties
    ]

    /// The compile options for `flags`, always including `PCRE2_UTF` because
    /// Swift strings are UTF-8. Throws a `.flag` error naming the first
    /// unknown letter; repeated letters are harmless.
    static func compileOptions(_ flags: String) throws(RegexError) -> UInt32 {
        var options: UInt32 = PCRE2_UTF
        for (position, letter) in flags.enumerated() {
            guard let option = letters.first(where: { $0.letter == letter })?.option else {
                let known = letters.map { String($0.letter) }.joined(separator: ", ")
                throw RegexError(
                    kind: .flag,
                    message: "unknown regex flag '\(letter)' (known flags: \(known))",
                    offset: position)
            }
            options |= option
        }
        return options
    }
}
