import MnemoModel
import MnemoRegex

/// The reference an expression is resolved against: the episode's own time,
/// reduced to its UTC calendar day.
struct TemporalContext: Sendable {
    /// Day number (days since 1970-01-01) of the reference.
    let day: Int
    let year: Int
    let month: Int
    /// 0 = Monday ... 6 = Sunday.
    let weekday: Int

    init(_ reference: Timestamp) {
        day = reference.dayNumber
        (year, month, _) = Timestamp.civilFromDays(day)
        weekday = TemporalCalendar.weekday(day)
    }
}

/// One kind of temporal expression: a PCRE2 pattern (compiled once, caseless,
/// extended syntax) and how a match of it becomes an interval. A resolver
/// returning `nil` rejects the match (an impossible date, a number that makes
/// no sense), which leaves room for shorter matches of other rules.
///
/// The mention's text is the named group `span` when the pattern has one (so a
/// preposition that does not change the meaning, such as the "in" of "in June"
/// or the "on" of "on Friday", stays out of it), the whole match otherwise.
struct TemporalRule: Sendable {
    let name: String
    let pattern: RegexPattern
    let resolve: @Sendable (RegexMatch, TemporalContext) -> TimeRange?

    init(_ name: String, _ pattern: String, _ resolve: @escaping @Sendable (RegexMatch, TemporalContext) -> TimeRange?) {
        self.name = name
        do {
            self.pattern = try RegexPattern(pattern, flags: "ix")
        } catch {
            fatalError("temporal rule \(name) does not compile: \(error)")
        }
        self.resolve = resolve
    }
}

/// The pattern fragments and the rule table. Rules are listed in order of
/// preference for the rare tie between two equally long, overlapping matches.
enum TemporalPatterns {
    typealias Cal = TemporalCalendar

    // MARK: Fragments

    /// A count: digits, a number word up to twenty (and thirty, forty, fifty),
    /// "a"/"an" (1), "a couple (of)" (2), "a few"/"few"/"several" (3).
    static let number =
        #"(?<n>[0-9]{1,3}|a\s+couple(?:\s+of)?|couple(?:\s+of)?|a\s+few|few|several|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|an?)"#
    static let weekday = #"(?<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"#
    /// Full month names only: abbreviations ("Mar", "Jan", "Dec") are words
    /// or names too often to stand without a day number or a year.
    static let monthFull = #"(?<mon>january|february|march|april|may|june|july|august|september|october|november|december)\b"#
    static let monthAny =
        #"(?<mon>(?:january|february|march|april|may|june|july|august|september|october|november|december)\b|(?:jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\b\.?)"#
    /// After a bare "May": not the modal verb ("this may be", "in May I" stays
    /// a month, but "this may seem odd" is not one).
    static let mayGuard =
        #"(?!(?<=may)\s+(?:i|you|we|they|he|she|it|be|have|not|also|still|just|well|never|even|only|or|seem|sound|help|take|need|want|come|go|get|make|work|look|feel|mean|cause|lead|happen|change|require|affect)\b)"#
    static let third = #"(?<third>early|mid|late|the\s+(?:beginning|start|middle|end)\s+of)"#
    static let partOfDay = #"(?:\s+(?<part>morning|afternoon|evening|night)\b(?!\s+live\b))?"#
    static let dayOfMonth = #"(?<d>[0-9]{1,2})(?:st|nd|rd|th)?\b"#
    static let yearSep = #"(?:\s*,\s*|\s+)"#
    static let year = #"(?<y>[0-9]{4})(?![0-9])"#
    static let yearValue = #"(?:19[0-9]{2}|20[0-9]{2}|2100)"#
    static let season = #"(?<season>spring|summer|autumn|fall|winter)"#
    static let unit = #"(?<unit>days?|weeks?|months?|years?)"#
    /// Characters that make a four-digit number part of something else: an
    /// amount, an identifier, a longer number, a date written with separators.
    static let notAfter = #"(?<![0-9$£€.,:/\x23'’-])"#
    /// Words after a four-digit number that make it a quantity, not a year.
    static let quantityWords =
        #"km|mi|miles|feet|ft|meters|metres|m|kg|lbs?|pounds|calories|kcal|cal|dollars|bucks|euros|usd|people|persons|words|pages|points|steps|followers|views|likes|times|hours|minutes|seconds|years?|days?|items|pieces|units|members|subscribers|copies|sq"#

    // MARK: Reading the groups

    static let numberWords: [String: Int] = [
        "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
        "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
        "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
        "thirty": 30, "forty": 40, "fifty": 50, "few": 3, "several": 3, "couple": 2,
    ]

    /// The count in group `n`, or `nil` if the group did not take part.
    static func count(_ m: RegexMatch) -> Int? {
        guard let text = m["n"]?.lowercased() else { return nil }
        if let value = Int(text) { return value }
        let words = text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        if words.contains("couple") { return 2 }
        if words.contains("few") { return 3 }
        return words.last.flatMap { numberWords[$0] }
    }

    static func month(_ m: RegexMatch) -> Int? {
        guard let word = m["mon"]?.lowercased() else { return nil }
        let names = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        return names.firstIndex(of: String(word.prefix(3))).map { $0 + 1 }
    }

    static func weekday(_ m: RegexMatch) -> Int? {
        guard let word = m["wd"]?.lowercased() else { return nil }
        let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        return names.firstIndex(of: String(word.prefix(3)))
    }

    static func int(_ m: RegexMatch, _ group: String) -> Int? { m[group].flatMap { Int($0) } }

    /// The lowercased group with its white space runs collapsed to one space.
    static func word(_ m: RegexMatch, _ group: String) -> String? {
        m[group].map { $0.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") }
    }

    /// 0, 1, 2 for early, mid, late (and "the beginning/middle/end of").
    static func thirdIndex(_ m: RegexMatch) -> Int? {
        guard let word = word(m, "third") else { return nil }
        if word == "early" || word.hasSuffix("beginning of") || word.hasSuffix("start of") { return 0 }
        if word == "mid" || word.hasSuffix("middle of") { return 1 }
        return 2
    }

    /// A part of a day in group `part` narrows a whole day to its hours.
    static func withPart(_ m: RegexMatch, day: Int) -> TimeRange {
        m["part"].flatMap { Cal.part($0, of: day) } ?? Cal.day(day)
    }

    /// Whether the clause before the match (back to a punctuation mark or a
    /// "but", at most 80 bytes) denies or counts ("haven't seen her in two
    /// years", "the first time in five years"): then "in N years" is a
    /// duration, not a future time.
    static func negatedBefore(_ m: RegexMatch) -> Bool {
        let bytes = Array(m.subject.utf8[..<m.subject.utf8.index(m.subject.utf8.startIndex, offsetBy: m.range.lowerBound)].suffix(80))
        var clause = String(decoding: bytes, as: UTF8.self)
        if let stop = clause.lastIndex(where: { ".!?;,".contains($0) }) { clause = String(clause[clause.index(after: stop)...]) }
        let words = clause.split(whereSeparator: { $0.isWhitespace })
        if let but = words.lastIndex(where: { $0.lowercased() == "but" }) { clause = words[(but + 1)...].joined(separator: " ") }
        return negation.isMatch(clause)
    }

    static let negation = try! RegexPattern(#"n['’]t\b|\b(?:not|never|first\s+time|longest)\b"#, flags: "i")

    // MARK: Resolution helpers

    /// A date without a year: the latest such date not after the reference
    /// day (29 February: the latest leap day, up to eight years back).
    static func yearless(month: Int, day: Int, _ c: TemporalContext) -> Int? {
        for y in stride(from: c.year, through: c.year - 8, by: -1) {
            if let d = Cal.date(year: y, month: month, day: day), d <= c.day { return d }
        }
        return nil
    }

    /// A date without a year but with its weekday: of the reference year and
    /// the years either side, the one where it falls on that weekday, the
    /// nearest to the reference day (`nil` if none does).
    static func yearless(month: Int, day: Int, on weekday: Int, _ c: TemporalContext) -> Int? {
        (c.year - 1...c.year + 1)
            .compactMap { Cal.date(year: $0, month: month, day: day) }
            .filter { Cal.weekday($0) == weekday }
            .min { abs($0 - c.day) < abs($1 - c.day) }
    }

    /// A date from the groups `d`, `mon` or `m`, and optionally `y`. A day
    /// number the month does not have ("31 June 2023", "February 29, 2023")
    /// falls back to the whole month; a month or day number no month has
    /// ("13/2/2023", "May 45") is no date.
    static func date(_ m: RegexMatch, _ c: TemporalContext, twoDigitYears: Bool = false) -> TimeRange? {
        guard let month = month(m) ?? int(m, "m"), let d = int(m, "d"), (1...12).contains(month), (1...31).contains(d) else { return nil }
        if var y = int(m, "y") {
            if twoDigitYears && (m["y"]?.count ?? 0) == 2 { y += y < 70 ? 2000 : 1900 }
            return Cal.date(year: y, month: month, day: d).map(Cal.day) ?? Cal.month(year: y, month: month)
        }
        if let weekday = weekday(m), let day = yearless(month: month, day: d, on: weekday, c) { return Cal.day(day) }
        return yearless(month: month, day: d, c).map(Cal.day)
            ?? Cal.month(year: yearOf(month: month, modifier: nil, c), month: month)
    }

    /// The year of a month named without one, by its modifier:
    /// none: the latest such month at or before the reference month;
    /// "last": the one in the previous calendar year;
    /// "this": the one in the reference year;
    /// "next", "coming", "this coming": the first one after the reference month;
    /// "past", "this past": the latest one before the reference month.
    static func yearOf(month: Int, modifier: String?, _ c: TemporalContext) -> Int {
        switch modifier {
        case "last": return c.year - 1
        case "this": return c.year
        case "next", "coming", "this coming": return month > c.month ? c.year : c.year + 1
        case "past", "this past": return month < c.month ? c.year : c.year - 1
        default: return month <= c.month ? c.year : c.year - 1
        }
    }

    static func monthRange(_ m: RegexMatch, year: Int) -> TimeRange? {
        guard let month = month(m) else { return nil }
        if let third = thirdIndex(m) { return Cal.monthThird(year: year, month: month, third: third) }
        return Cal.month(year: year, month: month)
    }

    /// The start year of a season by its modifier: none (or "the"): the latest
    /// one begun by the reference day, possibly still running; "last", "past",
    /// "this past": the latest one over before the reference day; "this": the
    /// one running on the reference day, else the one starting in the
    /// reference year; "next", "coming", "this coming": the first one to begin
    /// after the reference day.
    static func seasonYear(_ season: Cal.Season, modifier: String?, _ c: TemporalContext) -> Int {
        switch modifier {
        case "last", "past", "this past": return Cal.seasonYear(season, endedBefore: c.day)
        case "this": return Cal.seasonYear(season, containing: c.day) ?? c.year
        case "next", "coming", "this coming": return Cal.seasonYear(season, startingAfter: c.day)
        default: return Cal.seasonYear(season, startedBy: c.day)
        }
    }

    /// A weekday by its modifier: none: the latest such day at or before the
    /// reference day (today if it is that day); "last", "past", "this past":
    /// the latest one strictly before the reference day; "next", "coming",
    /// "this coming": the first one strictly after it; "this": the one in the
    /// reference day's ISO week.
    static func weekdayDay(_ weekday: Int, modifier: String?, _ c: TemporalContext) -> Int {
        switch modifier {
        case "last", "past", "this past":
            let back = (c.weekday - weekday + 7) % 7
            return c.day - (back == 0 ? 7 : back)
        case "next", "coming", "this coming":
            let ahead = (weekday - c.weekday + 7) % 7
            return c.day + (ahead == 0 ? 7 : ahead)
        case "this":
            return Cal.weekStart(c.day) + weekday
        default:
            return c.day - (c.weekday - weekday + 7) % 7
        }
    }

    /// A weekend by its modifier: "last": the previous ISO week's; "this": the
    /// current ISO week's; "next": the next ISO week's; "coming", "this
    /// coming": the first one not yet begun; "the", "past", "the past", "this
    /// past": the latest one begun (the current one on a Saturday or Sunday).
    static func weekend(modifier: String, _ c: TemporalContext) -> TimeRange {
        let weeks: Int
        switch modifier {
        case "last": weeks = -1
        case "this": weeks = 0
        case "next": weeks = 1
        case "coming", "this coming": weeks = c.weekday < 5 ? 0 : 1
        default: weeks = c.weekday >= 5 ? 0 : -1
        }
        return Cal.weekend(ofWeekContaining: c.day + 7 * weeks)
    }
}
