import MnemoModel
import MnemoRegex

/// Finds the temporal expressions of a text and resolves each to an absolute,
/// half-open interval `[from, to)` against a reference time: the episode's own
/// time, in UTC (SPEC §4). No model is involved: PCRE2 patterns find the
/// expressions and integer calendar arithmetic resolves them.
///
/// Matching is case-insensitive. When expressions overlap the longest wins
/// ("the day before yesterday" over "yesterday", "8 May 2023" over "2023"),
/// and the mentions come back in order of appearance. A mention's text is the
/// expression as written, without a leading preposition that does not change
/// its meaning ("on Friday" → "Friday", "in June" → "June", "since 2019" →
/// "2019"); the "in" of "in 3 days" carries meaning and is kept.
///
/// Granularity: day-granular expressions resolve to whole days, midnight to
/// midnight UTC; weeks are ISO weeks (Monday to Monday); a weekend is Saturday
/// 00:00 to Monday 00:00; months and years are calendar ones.
///
/// The rules, with `D` the reference day:
///
/// - **Relative days**: today = `D`; yesterday = `D-1`; tomorrow = `D+1`; the
///   day before yesterday = `D-2`; the day after tomorrow = `D+2`; "N days ago"
///   = `D-N`; "in N days", "N days from now" = `D+N`. "N days later" is left
///   alone: it counts from a time in the story, not from the reference.
/// - **Counts**: digits, number words up to twenty (and thirty, forty,
///   fifty), "a"/"an" = 1, "a couple (of)" = 2, "a few"/"several" = 3.
/// - **Parts of a day**: morning 06–12, afternoon 12–18, evening 18–24; a
///   night is taken as the evening of its date (18–24), so it never straddles
///   two dates. "this morning/afternoon/evening" and "tonight" are parts of
///   `D`; "last night" and "last evening" are `D-1` 18–24; a part after a day
///   ("yesterday morning", "tomorrow afternoon", "Friday night", "last
///   Saturday evening") narrows that day.
/// - **Calendar units**: "last/this/next week|month|year" (also "coming", "the
///   coming", "this coming" = next) are the previous, current and next ISO
///   week, calendar month or year. "N weeks|months|years ago" and "in N ..." /
///   "N ... from now" are the whole unit holding the day N units away ("two
///   weeks ago" = the ISO week holding `D-14`). "the week|month|year before
///   last" is two back, "... after next" two ahead. "earlier this week|month|
///   year" runs from the unit's start to the end of `D`; "later this ..." from
///   `D+1` to the unit's end (just `D` when `D` is the unit's last day).
/// - **Rolling windows**: "the past/last N days|weeks|months|years", "the
///   past week", "past few days", "last two weeks" reach back N units from `D`
///   and include `D`: `[D - N units, D+1)`; "the last few days" = `[D-3, D+1)`.
///   A bare "last week" is the calendar week, but "the last week" is the
///   rolling one. "the next/coming N days..." = `[D+1, D+1 + N units)`.
/// - **Weekdays**: "Friday", "on Friday": the latest Friday at or before `D`
///   (today if it is Friday) — conversations mostly report the past; "last
///   Friday", "this past Friday": the latest Friday strictly before `D` (a week
///   ago on a Friday); "next Friday", "this coming Friday": the first Friday
///   strictly after `D`; "this Friday": the Friday of `D`'s ISO week. Not
///   taken: plurals ("on Fridays"), "every/each Friday", holidays ("Good
///   Friday", "Black Friday", "Easter Sunday"...), "Sunday school", "Sunday
///   best", "Saturday Night Live", and abbreviations ("Sat", "Sun", "Wed" are
///   words).
/// - **Weekends**: "this weekend": the one of `D`'s ISO week; "last weekend":
///   the previous ISO week's; "next weekend": the next ISO week's; "this coming
///   weekend": the first one not begun yet; "the weekend", "over the weekend",
///   "the past weekend": the latest one begun (the current one on a Saturday or
///   Sunday, else the previous week's); "N weekends ago": the weekend of the
///   ISO week N weeks back (so "one weekend ago" = "last weekend").
/// - **Named months** need company, because "May", "March" and "August" are
///   also words and "June" a name: a day number, a year, a preposition ("in,
///   of, since, during, until, by, from, through, before, after, around,
///   between"), a modifier, or early/mid/late (also "the beginning/middle/end
///   of": thirds of the month, days 1–10, 11–20, 21–end). Without a year:
///   "June" = the latest June at or before the reference month; "last June" =
///   June of the previous calendar year (a bare "June" already names the
///   latest one); "this June" = the reference year's; "next June" = the first
///   June after the reference month; "this past June" = the latest June before
///   the reference month. "June 2022", "June of 2022" are that month.
/// - **Seasons** (northern meteorological: spring Mar–May, summer Jun–Aug,
///   autumn/fall Sep–Nov, winter Dec–Feb; a winter belongs to the year of its
///   December): "summer 2022", "the summer of 2022" are that one; "the summer",
///   "in (the) summer" = the latest begun by `D` (possibly running); "last
///   summer" = the latest one over before `D`; "this summer" = the one running
///   on `D`, else the one starting in the reference year; "next summer" = the
///   first to begin after `D`. "the fall of Rome" and "the spring" without a
///   preposition are not seasons. (Past-leaning like weekdays: "plans for the
///   summer" said in May resolves to the previous summer.)
/// - **Dates**: "8 May 2023", "8 May, 2023", "the 8th of May 2023", "May 8,
///   2023", "May 8th", "Monday, May 8, 2023", "2023-05-08", "2023/5/8" and US
///   "05/08/2023" or "5/8/23" (month first; two-digit years: 00–69 → 20xx,
///   70–99 → 19xx). Short "8/5" is ambiguous and not taken. A date without a
///   year is the latest such date not after `D`, unless a weekday comes with
///   it ("Friday, June 2nd"): then the year before, of or after the
///   reference's where the date falls on that weekday, the nearest to `D`. A day the month does not
///   have ("31 June 2023", "February 29, 2023") falls back to the whole month.
///   "May 2023" is the month.
/// - **Years**: a four-digit number 1900–2100 standing alone ("2019", "in
///   2019", "since 2019": the whole year) unless it is part of a longer number,
///   a date, an amount ("$2019", "2019 calories", "2019%") or a decade; "the
///   1990s" is 1990–1999 ("the 1900s" the century, "the 2000s" the decade);
///   "2019-2021", "from 2019 to 2021", "between 2019 and 2021" run from the
///   first year's start to the last one's end; "2023-05" is the month.
/// - **Vague**: "recently", "lately", "not long ago", "a little while ago" =
///   the 30 days before `D` and `D` itself, `[D-30, D+1)`; "the other day" =
///   2 to 7 days ago, `[D-7, D-1)`; "a while ago/back", "some time ago" =
///   about a week to six months ago, `[D-182, D-7)`.
///
/// "in N years" after a denial in the same clause ("I haven't seen her in two
/// years", "the first time in ten years") is a duration and is not taken.
public struct TemporalResolver: Sendable {
    public init() {}

    /// Every temporal expression in `text`, in order of appearance, with no two
    /// overlapping, each resolved against `reference`.
    public func resolve(_ text: String, at reference: Timestamp) -> [TimeMention] {
        let context = TemporalContext(reference)
        var candidates: [Candidate] = []
        for (order, rule) in Self.rules.enumerated() {
            for match in rule.pattern.matches(in: text) {
                guard let range = rule.resolve(match, context), let from = range.from, let to = range.to, from < to else { continue }
                let span = match.byteRange(named: "span") ?? match.range
                let spanText = match["span"] ?? String(match.text)
                candidates.append(Candidate(span: span, order: order, mention: TimeMention(text: spanText, range: range)))
            }
        }
        // Longest first; then the earlier one; then the rule listed first.
        candidates.sort {
            ($0.span.count, -$0.span.lowerBound, -$0.order) > ($1.span.count, -$1.span.lowerBound, -$1.order)
        }
        // The bytes a chosen mention covers: a candidate overlaps one of them
        // when it covers one of those bytes (a look-up per byte of its span,
        // where comparing it with every chosen mention made a long text of
        // short mentions quadratic).
        var chosen: [Candidate] = []
        var taken = [Bool](repeating: false, count: candidates.map(\.span.upperBound).max() ?? 0)
        for candidate in candidates where !candidate.span.contains(where: { taken[$0] }) {
            chosen.append(candidate)
            for byte in candidate.span { taken[byte] = true }
        }
        return chosen.sorted { $0.span.lowerBound < $1.span.lowerBound }.map(\.mention)
    }

    struct Candidate {
        var span: Range<Int>
        var order: Int
        var mention: TimeMention
    }
}

extension TemporalResolver {
    typealias P = TemporalPatterns
    typealias Cal = TemporalCalendar

    /// Every rule, compiled once.
    static let rules: [TemporalRule] = dateRules + monthRules + weekRules + dayRules + unitRules + yearRules

    // MARK: Dates

    static let dateRules: [TemporalRule] = [
        // 8 May 2023 · 8 May, 2023 · the 8th of May · Monday, 8 May
        TemporalRule("day month year", #"\b(?:\#(P.weekday),?\s+)?(?:the\s+)?\#(P.dayOfMonth)(?:\s+of)?\s+\#(P.monthAny)(?:\#(P.yearSep)\#(P.year))?"#) {
            m, c in
            P.date(m, c)
        },
        // May 8, 2023 · May 8th · Monday, May 8, 2023 (not "May 8:30", "May 8.5")
        TemporalRule("month day year", #"\b(?:\#(P.weekday),?\s+)?\#(P.monthAny)\s+(?:the\s+)?\#(P.dayOfMonth)(?![:.][0-9])(?:\#(P.yearSep)\#(P.year))?"#) {
            m, c in
            P.date(m, c)
        },
        // 2023-05-08 · 2023/5/8 · 2023.05.08
        TemporalRule("iso date", #"(?<![0-9./-])(?<y>[0-9]{4})(?<sep>[-/.])(?<m>[0-9]{1,2})\k<sep>(?<d>[0-9]{1,2})(?![0-9])"#) { m, c in
            P.date(m, c)
        },
        // 2023-05 (ISO month)
        TemporalRule("iso month", #"(?<![0-9./-])(?<y>[0-9]{4})-(?<m>[0-9]{2})(?![0-9]|-[0-9])"#) { m, _ in
            guard let y = P.int(m, "y"), let month = P.int(m, "m"), (1...12).contains(month) else { return nil }
            return Cal.month(year: y, month: month)
        },
        // 05/08/2023 · 5/8/23 (US order)
        TemporalRule("us date", #"(?<![0-9./-])(?<m>[0-9]{1,2})/(?<d>[0-9]{1,2})/(?<y>[0-9]{4}|[0-9]{2})(?![0-9/])"#) { m, c in
            P.date(m, c, twoDigitYears: true)
        },
    ]

    // MARK: Months and seasons

    static let monthRules: [TemporalRule] = [
        // May 2023 · June of 2022 · early June 2022 · the end of June, 2022
        TemporalRule("month year", #"\b(?:\#(P.third)(?:\s+|-))?\#(P.monthAny)(?:\s+of)?\#(P.yearSep)\#(P.year)"#) { m, _ in
            P.int(m, "y").flatMap { P.monthRange(m, year: $0) }
        },
        // in June · since May · by the end of March
        TemporalRule(
            "month after preposition",
            #"\b(?:in|of|since|during|until|till|by|from|through|throughout|before|after|around|between)\s+(?<span>(?:\#(P.third)(?:\s+|-))?\#(P.monthFull)\#(P.mayGuard))"#
        ) { m, c in
            P.month(m).flatMap { P.monthRange(m, year: P.yearOf(month: $0, modifier: nil, c)) }
        },
        // last June · next March · early June · mid-July · late last August
        TemporalRule(
            "month with modifier",
            #"\b(?=(?:early|mid|late|the|last|next|this|coming|past)\b)(?<span>(?:\#(P.third)(?:\s+|-))?(?:(?<mod>this\s+coming|this\s+past|last|next|this|coming|past)\s+)?\#(P.monthFull)\#(P.mayGuard))"#
        ) { m, c in
            P.month(m).flatMap { P.monthRange(m, year: P.yearOf(month: $0, modifier: P.word(m, "mod"), c)) }
        },
        // summer 2022 · the summer of 2022 · winter, 2021
        TemporalRule("season year", #"\b(?:the\s+)?\#(P.season)(?:\s+of)?\#(P.yearSep)\#(P.year)"#) { m, _ in
            guard let s = m["season"].flatMap(Cal.Season.init(word:)), let y = P.int(m, "y") else { return nil }
            return Cal.season(s, startingIn: y)
        },
        // last summer · this winter · next spring · this past fall
        TemporalRule("season with modifier", #"\b(?<span>(?<mod>this\s+coming|this\s+past|last|next|this|coming|past)\s+\#(P.season))\b"#) { m, c in
            guard let s = m["season"].flatMap(Cal.Season.init(word:)) else { return nil }
            return Cal.season(s, startingIn: P.seasonYear(s, modifier: P.word(m, "mod"), c))
        },
        // in the summer · during winter · over the fall (not "the fall of Rome")
        TemporalRule(
            "season after preposition",
            #"\b(?:in|during|over|through|throughout|since|until|till|by|before|after)\s+(?<span>(?:the\s+)?\#(P.season))\b(?!\s+of\s+(?![0-9]))"#
        ) { m, c in
            guard let s = m["season"].flatMap(Cal.Season.init(word:)) else { return nil }
            return Cal.season(s, startingIn: P.seasonYear(s, modifier: nil, c))
        },
        // the summer (not "the spring", "the fall", "the summer camp")
        TemporalRule(
            "the season",
            #"\b(?<span>the\s+(?<season>summer|winter|autumn))\b(?!\s+of\s+(?![0-9]))(?!\s+(?:camp|job|house|home|olympics|solstice|collection|sale|menu)\b)"#
        ) { m, c in
            guard let s = m["season"].flatMap(Cal.Season.init(word:)) else { return nil }
            return Cal.season(s, startingIn: P.seasonYear(s, modifier: nil, c))
        },
    ]

    // MARK: Weekdays and weekends

    static let weekRules: [TemporalRule] = [
        // last Friday · next Saturday morning · this Sunday · this past Monday night
        TemporalRule("weekday with modifier", #"\b(?<span>(?<mod>this\s+coming|this\s+past|last|next|this|coming|past)\s+\#(P.weekday)\#(P.partOfDay))"#) {
            m, c in
            P.weekday(m).map { P.withPart(m, day: P.weekdayDay($0, modifier: P.word(m, "mod"), c)) }
        },
        // Friday · on Saturday · Friday night
        TemporalRule(
            "weekday",
            #"(?<!good\s)(?<!black\s)(?<!cyber\s)(?<!ash\s)(?<!palm\s)(?<!easter\s)(?<!holy\s)(?<!super\s)(?<!every\s)(?<!each\s)\b\#(P.weekday)(?!\s+(?:school|best|roast|league|paper|papers|service|services|funday|mass|night\s+live)\b)\#(P.partOfDay)"#
        ) { m, c in
            P.weekday(m).map { P.withPart(m, day: P.weekdayDay($0, modifier: nil, c)) }
        },
        // this weekend · last weekend · over the weekend · this coming weekend
        TemporalRule("weekend", #"\b(?<span>(?<mod>this\s+coming|this\s+past|the\s+past|last|next|this|coming|past|the)\s+weekend)\b"#) { m, c in
            P.word(m, "mod").map { P.weekend(modifier: $0, c) }
        },
        // two weekends ago · a weekend ago
        TemporalRule("weekends ago", #"\b\#(P.number)\s+weekends?\s+ago\b"#) { m, c in
            P.count(m).map { Cal.weekend(ofWeekContaining: c.day - 7 * $0) }
        },
        // the week before last · the weekend after next · the year before last
        TemporalRule("before last", #"\bthe\s+(?<unit>day|weekend|week|month|year)\s+(?<dir>before\s+last|after\s+next)\b"#) { m, c in
            let offset = P.word(m, "dir") == "before last" ? -2 : 2
            switch P.word(m, "unit") {
            case "weekend": return Cal.weekend(ofWeekContaining: c.day + 7 * offset)
            case let word?: return Cal.Unit(word: word).map { Cal.unit($0, offset: offset, from: c.day) }
            case nil: return nil
            }
        },
    ]

    // MARK: Relative days and parts of days

    static let dayRules: [TemporalRule] = [
        // yesterday · tomorrow morning · the day before yesterday
        TemporalRule("relative day", #"\b(?<rel>the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|yesterday|tomorrow|today)\b\#(P.partOfDay)"#) {
            m, c in
            let offsets = ["the day before yesterday": -2, "the day after tomorrow": 2, "yesterday": -1, "tomorrow": 1, "today": 0]
            return P.word(m, "rel").flatMap { offsets[$0] }.map { P.withPart(m, day: c.day + $0) }
        },
        TemporalRule("tonight", #"\btonight\b"#) { _, c in
            Cal.part("night", of: c.day)
        },
        // this morning · this afternoon · this evening · last night · last evening
        TemporalRule("part of today or yesterday", #"\b(?:this\s+(?<part>morning|afternoon|evening)|last\s+(?<lpart>night|evening))\b"#) { m, c in
            if let part = m["part"] { return Cal.part(part, of: c.day) }
            return m["lpart"].flatMap { Cal.part($0, of: c.day - 1) }
        },
        // recently · lately · the other day · a while ago
        TemporalRule(
            "vague",
            #"\b(?<v>recently|lately|not\s+long\s+ago|the\s+other\s+day|a\s+little\s+while\s+(?:ago|back)|a\s+while\s+(?:ago|back)|some\s+time\s+ago)\b"#
        ) { m, c in
            switch P.word(m, "v") {
            case "the other day": return Cal.days(c.day - 7, c.day - 1)
            case "a while ago", "a while back", "some time ago": return Cal.days(c.day - 182, c.day - 7)
            default: return Cal.days(c.day - 30, c.day + 1)
            }
        },
    ]

    // MARK: Counted and named units

    static let unitRules: [TemporalRule] = [
        // 3 days ago · two weeks ago · a few months ago · a year ago
        TemporalRule("ago", #"\b\#(P.number)\s+\#(P.unit)\s+ago\b"#) { m, c in
            guard let n = P.count(m), let unit = m["unit"].flatMap(Cal.Unit.init(word:)) else { return nil }
            return Cal.unit(unit, offset: -n, from: c.day)
        },
        // in 3 days · in a week · in two years (not "haven't ... in two years")
        TemporalRule("in", #"\bin\s+\#(P.number)\s+\#(P.unit)\b(?!\s+ago\b)"#) { m, c in
            guard !P.negatedBefore(m), let n = P.count(m), let unit = m["unit"].flatMap(Cal.Unit.init(word:)) else { return nil }
            return Cal.unit(unit, offset: n, from: c.day)
        },
        // 3 days from now · a week from today
        TemporalRule("from now", #"\b\#(P.number)\s+\#(P.unit)\s+from\s+(?:now|today)\b"#) { m, c in
            guard let n = P.count(m), let unit = m["unit"].flatMap(Cal.Unit.init(word:)) else { return nil }
            return Cal.unit(unit, offset: n, from: c.day)
        },
        // the past week · the last few days · past two months · last 3 years
        TemporalRule("rolling past", #"\b(?<span>(?<pre>(?:the|this|these)\s+(?:past|last)|past|last)\s+(?:\#(P.number)\s+)?\#(P.unit))\b(?!\s+of\b)"#) {
            m, c in
            guard let unitWord = m["unit"], let unit = Cal.Unit(word: unitWord) else { return nil }
            let plural = unitWord.lowercased().hasSuffix("s")
            let n = P.count(m)
            // "last week" is the calendar week; "the past weeks" has no count;
            // "the last day" is rarely a window.
            if n == nil && (P.word(m, "pre") == "last" || plural || unit == .day) { return nil }
            return Cal.days(Cal.day(c.day, plus: -(n ?? 1), unit), c.day + 1)
        },
        // the next few days · the coming two weeks
        TemporalRule("rolling next", #"\b(?:the\s+)?(?:next|coming)\s+\#(P.number)\s+(?<unit>days|weeks|months|years)\b"#) { m, c in
            guard let n = P.count(m), let unit = m["unit"].flatMap(Cal.Unit.init(word:)) else { return nil }
            return Cal.days(c.day + 1, Cal.day(c.day + 1, plus: n, unit))
        },
        // last week · this month · next year · the coming week (not "last week of May")
        TemporalRule("calendar unit", #"\b(?<mod>this\s+coming|the\s+coming|last|this|next|coming)\s+(?<unit>week|month|year)\b(?!\s+of\b)"#) { m, c in
            guard let unit = m["unit"].flatMap(Cal.Unit.init(word:)) else { return nil }
            let offsets = ["last": -1, "this": 0]
            return Cal.unit(unit, offset: P.word(m, "mod").flatMap { offsets[$0] } ?? 1, from: c.day)
        },
        // earlier this month · later this week
        TemporalRule("earlier or later", #"\b(?<dir>earlier|later)\s+this\s+(?<unit>week|month|year)\b"#) { m, c in
            guard let unit = m["unit"].flatMap(Cal.Unit.init(word:)) else { return nil }
            let whole = Cal.unit(unit, offset: 0, from: c.day)
            guard let start = whole.from?.dayNumber, let end = whole.to?.dayNumber else { return nil }
            if P.word(m, "dir") == "earlier" { return Cal.days(start, c.day + 1) }
            return c.day + 1 < end ? Cal.days(c.day + 1, end) : Cal.day(c.day)
        },
    ]

    // MARK: Years

    static let yearRules: [TemporalRule] = [
        // 2019-2021 · from 2019 to 2021 · between 2019 and 2021
        TemporalRule(
            "year range",
            #"\#(P.notAfter)\b(?:(?<pre>from|between)\s+)?(?<y1>\#(P.yearValue))(?<sep>\s*[-–—]\s*|\s+(?:to|until|till|through|and)\s+)(?<y2>\#(P.yearValue))(?![0-9])"#
        ) { m, _ in
            guard let y1 = P.int(m, "y1"), let y2 = P.int(m, "y2"), y1 < y2 else { return nil }
            if P.word(m, "sep") == "and" && P.word(m, "pre") != "between" { return nil }
            return Cal.days(Cal.firstDay(year: y1, month: 1), Cal.firstDay(year: y2 + 1, month: 1))
        },
        // the 1990s · 2010s · the 1900s (a century; "the 2000s" is the decade)
        TemporalRule("decade", #"\#(P.notAfter)\b(?:the\s+)?(?<dec>(?:19|20)[0-9]0)['’]?s\b"#) { m, _ in
            P.int(m, "dec").map { start in
                let length = start % 100 == 0 && start < 2000 ? 100 : 10
                return Cal.days(Cal.firstDay(year: start, month: 1), Cal.firstDay(year: start + length, month: 1))
            }
        },
        // 2019 · in 2019 · since 2019 (not 2019%, $2019, 2019 calories, 12019)
        TemporalRule("year", #"\#(P.notAfter)\b(?<y>\#(P.yearValue))(?![0-9]|[.,][0-9]|s\b|\s*%|[-/:–][0-9]|\s*(?:\#(P.quantityWords))\b)"#) { m, _ in
            P.int(m, "y").map(Cal.year)
        },
    ]
}
