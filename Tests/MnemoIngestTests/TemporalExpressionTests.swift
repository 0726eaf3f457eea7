import MnemoIngest
import MnemoModel
import Testing

/// One row of the table: a text, the time it was said, and every mention the
/// resolver must find in it, in order: the span as written and the interval
/// `[from, to)` in ISO 8601 (a date is its midnight, UTC).
struct TemporalCase: Sendable, CustomTestStringConvertible {
    let text: String
    let reference: String
    let expected: [Expected]

    struct Expected: Sendable {
        let text: String
        let from: String
        let to: String
    }

    var testDescription: String { "\"\(text)\" at \(reference)" }
}

/// Monday 8 May 2023, 13:56 UTC: the first LoCoMo session ("1:56 pm on 8 May, 2023").
private let mon = "2023-05-08T13:56"
private let fri = "2023-05-12T09:00"
private let sat = "2023-05-13T20:00"
private let sun = "2023-05-14T10:00"
/// Tuesday 2 January 2024: the previous week, month and year are all in 2023.
private let newYear = "2024-01-02T08:00"

private func c(_ text: String, at reference: String = mon, _ expected: (String, String, String)...) -> TemporalCase {
    TemporalCase(text: text, reference: reference, expected: expected.map { .init(text: $0.0, from: $0.1, to: $0.2) })
}

@Suite struct TemporalExpressionTests {
    static let cases: [TemporalCase] = [
        // The LoCoMo turn: session "1:56 pm on 8 May, 2023".
        c("I went to a LGBTQ support group yesterday", ("yesterday", "2023-05-07", "2023-05-08")),
        c("1:56 pm on 8 May, 2023", ("8 May, 2023", "2023-05-08", "2023-05-09")),

        // Relative days.
        c("What are you up to today?", ("today", "2023-05-08", "2023-05-09")),
        c("See you tomorrow!", ("tomorrow", "2023-05-09", "2023-05-10")),
        c("We're going out tonight.", ("tonight", "2023-05-08T18:00", "2023-05-09T00:00")),
        c("I called her the day before yesterday", ("the day before yesterday", "2023-05-06", "2023-05-07")),
        c("The day after tomorrow is the show", ("The day after tomorrow", "2023-05-10", "2023-05-11")),
        c("I started 3 days ago", ("3 days ago", "2023-05-05", "2023-05-06")),
        c("a couple of days ago it rained", ("a couple of days ago", "2023-05-06", "2023-05-07")),
        c("that was a day ago", ("a day ago", "2023-05-07", "2023-05-08")),
        c("a few days ago", ("a few days ago", "2023-05-05", "2023-05-06")),
        c("twelve days ago", ("twelve days ago", "2023-04-26", "2023-04-27")),
        c("The race is in 5 days", ("in 5 days", "2023-05-13", "2023-05-14")),
        c("ten days from now", ("ten days from now", "2023-05-18", "2023-05-19")),
        c("Two days later we left the camp"),

        // Calendar weeks, months and years.
        c("I read it last week", ("last week", "2023-05-01", "2023-05-08")),
        c("busy this week", ("this week", "2023-05-08", "2023-05-15")),
        c("next week is the recital", ("next week", "2023-05-15", "2023-05-22")),
        c("two weeks ago I adopted a dog", ("two weeks ago", "2023-04-24", "2023-05-01")),
        c("in a couple of weeks", ("in a couple of weeks", "2023-05-22", "2023-05-29")),
        c("the week before last", ("the week before last", "2023-04-24", "2023-05-01")),
        c("last month I ran a marathon", ("last month", "2023-04-01", "2023-05-01")),
        c("this month", ("this month", "2023-05-01", "2023-06-01")),
        c("next month we're going camping", ("next month", "2023-06-01", "2023-07-01")),
        c("3 months ago", ("3 months ago", "2023-02-01", "2023-03-01")),
        c("in two months", ("in two months", "2023-07-01", "2023-08-01")),
        c("last year", ("last year", "2022-01-01", "2023-01-01")),
        c("this year and next year", ("this year", "2023-01-01", "2024-01-01"), ("next year", "2024-01-01", "2025-01-01")),
        c("I moved here five years ago", ("five years ago", "2018-01-01", "2019-01-01")),
        c("in 2 years I'll graduate", ("in 2 years", "2025-01-01", "2026-01-01")),
        c("I haven't seen her in two years"),
        c("earlier this month", ("earlier this month", "2023-05-01", "2023-05-09")),
        c("earlier this year", ("earlier this year", "2023-01-01", "2023-05-09")),
        c("later this month", ("later this month", "2023-05-09", "2023-06-01")),
        c("later this week", ("later this week", "2023-05-09", "2023-05-15")),
        c("later this month", at: "2023-05-31T12:00", ("later this month", "2023-05-31", "2023-06-01")),
        c("It has been a long day the past week", ("the past week", "2023-05-01", "2023-05-09")),
        c("in the last few days", ("the last few days", "2023-05-05", "2023-05-09")),
        c("over the past two months", ("the past two months", "2023-03-08", "2023-05-09")),
        c("in the next few days", ("the next few days", "2023-05-09", "2023-05-12")),
        c("the last week of May", ("May", "2023-05-01", "2023-06-01")),

        // Year boundaries.
        c("last month", at: newYear, ("last month", "2023-12-01", "2024-01-01")),
        c("last week", at: newYear, ("last week", "2023-12-25", "2024-01-01")),
        c("last year", at: newYear, ("last year", "2023-01-01", "2024-01-01")),
        c("next month", at: "2023-12-15T12:00", ("next month", "2024-01-01", "2024-02-01")),
        c("Dec 25", at: newYear, ("Dec 25", "2023-12-25", "2023-12-26")),
        c("a month ago", at: "2024-03-31T12:00", ("a month ago", "2024-02-01", "2024-03-01")),

        // Leap years.
        c("Feb 29", ("Feb 29", "2020-02-29", "2020-03-01")),
        c("29 February 2024", ("29 February 2024", "2024-02-29", "2024-03-01")),
        c("yesterday", at: "2024-03-01T09:00", ("yesterday", "2024-02-29", "2024-03-01")),
        c("February 29, 2023", ("February 29, 2023", "2023-02-01", "2023-03-01")),
        c("the past month", at: "2024-03-31T09:00", ("the past month", "2024-02-29", "2024-04-01")),

        // Weekdays (8 May 2023 is a Monday).
        c("I won a tournament last Friday", ("last Friday", "2023-05-05", "2023-05-06")),
        c("next Friday", ("next Friday", "2023-05-12", "2023-05-13")),
        c("this Friday", ("this Friday", "2023-05-12", "2023-05-13")),
        c("We hiked on Saturday", ("Saturday", "2023-05-06", "2023-05-07")),
        c("last Monday", ("last Monday", "2023-05-01", "2023-05-02")),
        c("this Sunday", ("this Sunday", "2023-05-14", "2023-05-15")),
        c("last Friday", at: fri, ("last Friday", "2023-05-05", "2023-05-06")),
        c("on Friday", at: fri, ("Friday", "2023-05-12", "2023-05-13")),
        c("next Friday", at: fri, ("next Friday", "2023-05-19", "2023-05-20")),
        c("this Monday", at: sun, ("this Monday", "2023-05-08", "2023-05-09")),
        c("Friday night was fun", ("Friday night", "2023-05-05T18:00", "2023-05-06T00:00")),
        c("last Saturday morning", ("last Saturday morning", "2023-05-06T06:00", "2023-05-06T12:00")),
        c("I teach Sunday school"),
        c("We go to church every Sunday and on Fridays"),
        c("Good Friday and Black Friday sales"),

        // Weekends.
        c("this weekend", ("this weekend", "2023-05-13", "2023-05-15")),
        c("last weekend", ("last weekend", "2023-05-06", "2023-05-08")),
        c("next weekend", ("next weekend", "2023-05-20", "2023-05-22")),
        c("two weekends ago", ("two weekends ago", "2023-04-29", "2023-05-01")),
        c("over the weekend", ("the weekend", "2023-05-06", "2023-05-08")),
        c("the weekend", at: sat, ("the weekend", "2023-05-13", "2023-05-15")),
        c("last weekend", at: sun, ("last weekend", "2023-05-06", "2023-05-08")),
        c("this coming weekend", at: sat, ("this coming weekend", "2023-05-20", "2023-05-22")),

        // Named months.
        c("in June", ("June", "2022-06-01", "2022-07-01")),
        c("in May", ("May", "2023-05-01", "2023-06-01")),
        c("in June", at: "2023-08-15T12:00", ("June", "2023-06-01", "2023-07-01")),
        c("last June", at: "2023-08-15T12:00", ("last June", "2022-06-01", "2022-07-01")),
        c("next June", ("next June", "2023-06-01", "2023-07-01")),
        c("next June", at: "2023-08-15T12:00", ("next June", "2024-06-01", "2024-07-01")),
        c("June 2022", ("June 2022", "2022-06-01", "2022-07-01")),
        c("since May 2023", ("May 2023", "2023-05-01", "2023-06-01")),
        c(
            "early June, mid-June and late June", at: "2023-08-15T12:00",
            ("early June", "2023-06-01", "2023-06-11"), ("mid-June", "2023-06-11", "2023-06-21"), ("late June", "2023-06-21", "2023-07-01")),
        c("by the end of February 2024", ("the end of February 2024", "2024-02-21", "2024-03-01")),
        c("May I ask you something?"),
        c("You may want to march with us"),
        c("This may be the best day"),
        c("They march in March", ("March", "2023-03-01", "2023-04-01")),

        // Seasons.
        c("in the summer", ("the summer", "2022-06-01", "2022-09-01")),
        c("in the summer", at: "2023-07-10T12:00", ("the summer", "2023-06-01", "2023-09-01")),
        c("last summer", ("last summer", "2022-06-01", "2022-09-01")),
        c("last summer", at: "2023-10-05T12:00", ("last summer", "2023-06-01", "2023-09-01")),
        c("this summer", ("this summer", "2023-06-01", "2023-09-01")),
        c(
            "summer 2022 and the summer of 2021",
            ("summer 2022", "2022-06-01", "2022-09-01"), ("the summer of 2021", "2021-06-01", "2021-09-01")),
        c("winter 2022", ("winter 2022", "2022-12-01", "2023-03-01")),
        c("last winter", at: "2024-01-15T12:00", ("last winter", "2022-12-01", "2023-03-01")),
        c("this winter", at: "2024-01-15T12:00", ("this winter", "2023-12-01", "2024-03-01")),
        c("in the fall", ("the fall", "2022-09-01", "2022-12-01")),
        c("the fall of Rome"),

        // Absolute dates.
        c("8 May 2023", ("8 May 2023", "2023-05-08", "2023-05-09")),
        c("on May 8, 2023", ("May 8, 2023", "2023-05-08", "2023-05-09")),
        c("the 8th of May 2023", ("the 8th of May 2023", "2023-05-08", "2023-05-09")),
        c("8th of May", at: "2023-05-07T12:00", ("8th of May", "2022-05-08", "2022-05-09")),
        c("May 8th", ("May 8th", "2023-05-08", "2023-05-09")),
        c("2023-05-08", ("2023-05-08", "2023-05-08", "2023-05-09")),
        c("05/08/2023", ("05/08/2023", "2023-05-08", "2023-05-09")),
        c("5/8/23", ("5/8/23", "2023-05-08", "2023-05-09")),
        c("Monday, May 8, 2023", ("Monday, May 8, 2023", "2023-05-08", "2023-05-09")),
        c("on the 4th of July, 2022", ("the 4th of July, 2022", "2022-07-04", "2022-07-05")),
        c("I scored 8/5 today", ("today", "2023-05-08", "2023-05-09")),
        c("at 5 pm on Friday, June 2nd", ("Friday, June 2nd", "2023-06-02", "2023-06-03")),
        c("Feb. 3, 2020 and Sept 5 2021", ("Feb. 3, 2020", "2020-02-03", "2020-02-04"), ("Sept 5 2021", "2021-09-05", "2021-09-06")),
        c("31 June 2023", ("31 June 2023", "2023-06-01", "2023-07-01")),
        c("May 2023", ("May 2023", "2023-05-01", "2023-06-01")),
        c("2023-05", ("2023-05", "2023-05-01", "2023-06-01")),

        // Years.
        c("in 2019", ("2019", "2019-01-01", "2020-01-01")),
        c("since 2019", ("2019", "2019-01-01", "2020-01-01")),
        c("2019 was a good year", ("2019", "2019-01-01", "2020-01-01")),
        c("I paid $2019 for 2019 calories and 12019 points at 20:19"),
        c("2019's best songs", ("2019", "2019-01-01", "2020-01-01")),
        c("the 1990s", ("the 1990s", "1990-01-01", "2000-01-01")),
        c("from 2019 to 2021", ("from 2019 to 2021", "2019-01-01", "2022-01-01")),

        // Parts of a day.
        c("last night", ("last night", "2023-05-07T18:00", "2023-05-08T00:00")),
        c("this morning", ("this morning", "2023-05-08T06:00", "2023-05-08T12:00")),
        c("this afternoon", ("this afternoon", "2023-05-08T12:00", "2023-05-08T18:00")),
        c("this evening", ("this evening", "2023-05-08T18:00", "2023-05-09T00:00")),
        c("yesterday afternoon", ("yesterday afternoon", "2023-05-07T12:00", "2023-05-07T18:00")),
        c("tomorrow morning", ("tomorrow morning", "2023-05-09T06:00", "2023-05-09T12:00")),

        // Vague windows.
        c("I recently started painting", ("recently", "2023-04-08", "2023-05-09")),
        c("the other day", ("the other day", "2023-05-01", "2023-05-07")),
        c("a while ago", ("a while ago", "2022-11-07", "2023-05-01")),

        // Several in one sentence, in order, longest match winning.
        c(
            "Yesterday I saw Mel, last Friday we went hiking, and next month we fly out on 3 May 2024",
            ("Yesterday", "2023-05-07", "2023-05-08"), ("last Friday", "2023-05-05", "2023-05-06"),
            ("next month", "2023-06-01", "2023-07-01"), ("3 May 2024", "2024-05-03", "2024-05-04")),
        c(
            "YESTERDAY and Last FRIDAY and In JUNE",
            ("YESTERDAY", "2023-05-07", "2023-05-08"), ("Last FRIDAY", "2023-05-05", "2023-05-06"), ("JUNE", "2022-06-01", "2022-07-01")),
        c(
            "I haven't been there in years, but in two weeks, the day after tomorrow, I'll go",
            ("in two weeks", "2023-05-22", "2023-05-29"), ("the day after tomorrow", "2023-05-10", "2023-05-11")),
    ]

    @Test(arguments: cases)
    func resolves(_ row: TemporalCase) throws {
        let reference = try #require(Timestamp(iso8601: row.reference))
        let found = TemporalResolver().resolve(row.text, at: reference).map(Self.describe)
        let expected = try row.expected.map { e in
            let from = try #require(Timestamp(iso8601: e.from))
            let to = try #require(Timestamp(iso8601: e.to))
            return Self.describe(TimeMention(text: e.text, range: TimeRange(from: from, to: to)))
        }
        #expect(found == expected)
    }

    static func describe(_ m: TimeMention) -> String {
        "\(m.text) [\(m.range.from?.iso8601 ?? "nil"), \(m.range.to?.iso8601 ?? "nil"))"
    }

    /// Whatever the text, every mention is a piece of it, bounded on both
    /// sides, non-empty, and the mentions follow the text's order.
    @Test func mentionsAreSpansInOrderWithBoundedIntervals() throws {
        let texts = Self.cases.map(\.text).joined(separator: " ")
        let mentions = TemporalResolver().resolve(texts, at: try #require(Timestamp(iso8601: mon)))
        #expect(mentions.count > 100)
        var rest = Substring(texts)
        for m in mentions {
            let range = try #require(rest.firstRange(of: m.text), "\(m.text) out of order")
            rest = rest[range.upperBound...]
            let from = try #require(m.range.from)
            let to = try #require(m.range.to)
            #expect(from < to, "\(m.text)")
        }
    }
}

@Suite("time expressions in a long text")
struct LongTextTemporalTests {
    @Test("a text of a hundred thousand mentions is resolved at once, each mention found, none overlapping")
    func manyMentions() {
        let text = Array(repeating: "last Friday, then yesterday", count: 50_000).joined(separator: " and ")
        let start = ContinuousClock.now
        let mentions = TemporalResolver().resolve(text, at: Timestamp(iso8601: "2023-05-08T13:56")!)
        #expect(ContinuousClock.now - start < .seconds(10))
        #expect(mentions.count == 100_000)
        #expect(mentions.prefix(2).map(\.text) == ["last Friday", "yesterday"])
    }
}
