/// The values the generator draws from: ordinary ones, so that statements
/// meet stored state, and hostile ones, each there because it sits on a
/// boundary a conversion, a calendar or a parser could trip over.
enum HostileValues {
    // MARK: Numbers, as written in a statement

    /// Past Int64 and Double, at their edges, not numbers at all, or almost numbers.
    static let numbers = [
        "0", "-0", "1", "-1", "0.5", "-0.5", "1.0", "1e0", "2", "10", "999", "1000", "9999", "10000", "65535", "65536",
        "2147483647", "2147483648", "-2147483649", "4294967296", "1e15", "1e16", "9007199254740993",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
        "18446744073709551616", "99999999999999999999", "123456789012345678901234567890123456789",
        "1e300", "-1e300", "1e308", "1.7976931348623157e308", "1.7976931348623159e308", "1e309", "-1e309", "1e400",
        "1e99999", "4.9e-324", "2.4e-324", "1e-400", "1e-99999", "0.1", "1.0000000000000002", "0000000000000000001",
        "00", "007", "1e", "1e+", "1e-", "1E5", "1e+5", "5e-1", "--1", "-", "1..2", "1...2", "0x10", "0b1", "1_000",
        "1,000", "NaN", "nan", "-nan", "inf", "-inf", "Infinity", "1.", ".5", "١٢٣", "½", "3.14159265358979323846264338327950288",
        String(repeating: "9", count: 400), "1" + String(repeating: "0", count: 310), "0." + String(repeating: "0", count: 400) + "1",
    ]

    // MARK: Times

    /// ISO 8601 at the ends of the calendar and past them, and near misses.
    static let times = [
        "now", "NOW", "2023", "2023-05", "2023-05-08", "2023-05-08T13:56", "2023-05-08T13:56:07", "2023-05-08T13:56:07.250Z",
        "2023-05-08T13:56+02:00", "2023-05-08T13:56-0500", "2023-05-08t13:56z", "2023-05-08T13:56:07,5",
        "0000-01-01", "0000-01-01T00:00+14:59", "0000-01-01T00:00:00.000001Z", "0001-01-01", "1000", "0999", "9999",
        "9999-12", "9999-12-31", "9999-12-31T23:59:59.999999Z", "9999-12-31T23:59-14:59", "9999-12-31T23:59:59.9999999999Z",
        "1969-12-31T23:59:59.999999Z", "1970-01-01", "1970-01-01T00:00Z", "2038-01-19T03:14:08Z", "2100-02-29", "2000-02-29",
        "2024-02-29", "2023-02-29", "2023-13-01", "2023-00-10", "2023-05-00", "2023-05-32", "2023-04-31", "2023-05-08T24:00",
        "2023-05-08T23:60", "2023-05-08T13:56:60", "2023-05-08T13:56:07.", "2023-05-08T13:56+15:00", "2023-05-08T13:56+14:60",
        "2023-05-08T13:56:07." + String(repeating: "9", count: 200) + "Z", "2023-05-08T13:56Z+02:00", "2023-05-08TZ",
        "2023-05-08T", "2023-05-08T1:5", "2023-5-8", "99999-01-01", "12345", "-2023-05-08", "2023-05-08-", "2023--05",
        "2023-05-08T13:56:07.250+02", "2023-05-08T13:56:07Zjunk", "２０２３-05-08",
    ]

    // MARK: Strings (the content between the quotes, escapes as written)

    /// Escapes that decode to odd scalars, escapes that must be refused, raw
    /// control characters, and text that is hard on Unicode handling.
    static let strings = [
        "", " ", "\\u0000", "a\\u0000b", "\\ud800", "\\udc00", "\\ud800\\u0041", "\\ud800\\udbff", "\\ud83d\\ude00", "\\uDBFF\\uDFFF",
        "\\uFFFF", "\\uFFFE", "\\uFEFF", "\\u00", "\\u12G4", "\\u", "\\x41", "\\0", "\\a", "\\", "\\\\", "\\\"", "\\n\\t\\r\\b\\f\\/",
        "tab\tinside", "cr\rinside", "\u{01}\u{02}\u{1F}\u{7F}", "nul\u{0}raw", "\u{FEFF}bom", "e\u{301}\u{301}\u{301}",
        "\u{202E}txet lanoitcerid", "\u{200B}\u{200C}\u{200D}", "👩‍👩‍👧‍👦", "🏳️‍🌈", "日本語のテキスト", "Σωκράτης", "عربى",
        "\u{10FFFF}", "\u{E000}", "İstanbul", "ß", "ǅ", "ﬁ", "Å", "Å", "--not a comment", "\\\" quoted \\\"", "/slashes/",
        "?x", "f:42", "e:1", "2023-05-08", "1e400", "[list]", "(paren", "a = b", "~ /regex/",
        String(repeating: "e\u{301}", count: 2000), String(repeating: "\\u0000", count: 500), String(repeating: "\\ud83d\\ude00", count: 500),
    ]

    /// Sentences for `remember`, full of temporal expressions: ingestion
    /// resolves them against the episode's time, which may be year 0 or 9999.
    static let sentences = [
        "Alice met Bob in Paris last Saturday", "I haven't seen her in 999 years", "999 days ago we moved to Berlin",
        "in 999 years the sun will still rise", "999 weekends ago", "999 months ago", "999 weeks from now",
        "the 1900s were loud", "the 2100s", "2100-2019", "between 2019 and 2100", "from 1900 to 2100",
        "12/31/99 was a Friday", "05/08/2023", "2023/13/45", "99/99/9999", "February 29 at noon", "31 June 2023",
        "May 8, 0000", "May 8th 9999", "Monday, May 8, 2023", "the 31st of February", "early June 2022", "the end of May",
        "last summer", "this coming winter", "the summer of 0000", "winter 9999", "yesterday morning", "tonight",
        "the day before yesterday", "the week after next", "a while ago", "the other day", "recently", "lately",
        "the past 999 years", "the last few days", "the next 999 months", "earlier this month", "later this year",
        "next Friday evening", "this past Monday night", "in a couple of weeks", "a few years ago", "2019", "in 2019",
        "$2019", "2019%", "2019 calories", "the 1990s", "Dana said, Bob", "Hey Carol!", "My sister's friend Eve",
        "Ünïcödé Ñame met Zoë", "I live at Route 66 since 1999", "ACME hired Dana on 2023-05-08",
    ]

    // MARK: Names, predicates, spaces, roles

    /// Entity names: a small pool, so that writes and reads meet.
    static let names = [
        "alice", "bob", "carol", "dana", "eve", "frank", "grace", "heidi", "ivan", "judy", "mallory", "oscar", "peggy",
        "trent", "victor", "walter", "acme", "paris", "berlin", "tokyo", "Zoë", "Ñandú", "Σωκράτης", "日本", "Łódź",
        "remember", "match", "as", "of", "limit", "and", "now", "true", "false", "null", "scene", "with", "during",
    ]

    static let predicates = [
        "works_at", "lives_in", "likes", "knows", "met", "age", "born", "married_to", "owns", "visited", "said",
        "p", "q", "r", "relation", "naïve", "a.b", "a-b", "_x", "x_", "F", "functional", "match", "remember",
    ]

    static let roles = ["who", "what", "where", "when", "subject", "object", "_1", "_2", "_3", "_17", "x", "Ünï", "as"]

    static let attributes = ["age", "job", "city", "mood", "likes", "_", "a.b", "Attribute", "ñ"]

    /// Valid space names (a small pool: each is a file kept open) and invalid ones.
    static let spaces = ["default", "DEFAULT", "fuzz-a", "fuzz-b", "Fuzz.A_1", "0", String(repeating: "z", count: 64)]
    static let badSpaces = [
        "", " ", "-x", ".x", "_x", "a/b", "../etc", "..", ".", "a b", String(repeating: "z", count: 65), "ñ", "İ", "a\\u0000b",
        "spaces/../x", "/etc/passwd", "con", "a:b", "😀", "a\\nb",
    ]

    static let sceneTitles = ["standup", "dinner", "trip", "session 1", "session 2", "Zoë's party", "a", "S", "ß"]

    static let helpTopics = [
        "remember", "assert", "match", "recall", "scene", "scene open", "undo consolidation",
        "persona set", "nonsense", "help", "limit", "use",
    ]

    // MARK: Regular expressions

    /// Patterns PCRE2 refuses, patterns that backtrack for ever on the right
    /// subject, and patterns at its nesting and size limits.
    static let regexes = [
        "^a", "ali", "(?i)BOB", ".*", "", "a|b", "^$", "\\d+", "\\p{Lu}", "[[:alpha:]]+", "(a+)+$", "(a|a)*b", "((a*)*)*c",
        "(x+x+)+y", "(.*a){20}", "(?:a*)*b", "^(a?){30}a{30}$", "(\\w+\\s?)*$", "(?R)?", "(a(?1)?b)", "\\1", "(a)\\2",
        "(?<=a+)b", "(?<!x{1,100})y", "a{65536}", "a{99999999999}", "a{1,99999}", "[z-a]", "(", ")", "[", "\\", "*",
        "+?+", "(?", "(?<n>", "(?P<n>a)(?P=n)", "\\p{Unknown}", "\\k<missing>", "(*ACCEPT)", "(*FAIL)", "(*LIMIT_MATCH=1)a+",
        "(*UTF)x", "(*CR)a", "\\K", "(?=\\K)", "\\C", "\\X+", "\\N{U+1F600}", "\\x{10FFFF}", "\\x{110000}", "\\o{777777777}",
        "\\u0000", "\u{0}", "ñ+", "😀", "(?x) a # comment", "(?#comment)", "\\Q(\\E", "[\\d-z]",
        String(repeating: "(", count: 300) + "a" + String(repeating: ")", count: 300),
        String(repeating: "(", count: 5000) + "a" + String(repeating: ")", count: 5000),
        String(repeating: "(?:a|b)", count: 3000), String(repeating: "a?", count: 200) + String(repeating: "a", count: 200),
    ]

    static let regexFlags = ["", "i", "m", "s", "x", "u", "imsxu", "ii", "z", "I", "ixz", "uuuu"]
}
