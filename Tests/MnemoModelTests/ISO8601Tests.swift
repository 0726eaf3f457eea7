import Testing

@testable import MnemoModel

/// Every form `Timestamp.parse` accepts, the period each names, and rejections.
@Suite struct ISO8601Tests {
    typealias T = Timestamp

    func period(_ text: String) -> (start: Timestamp, end: Timestamp, precision: Timestamp.Precision)? {
        T.parse(text)
    }

    @Test func year() throws {
        let p = try #require(period("2023"))
        #expect(p.start == T(year: 2023, month: 1, day: 1))
        #expect(p.end == T(year: 2024, month: 1, day: 1))
        #expect(p.precision == .year)
    }

    @Test func month() throws {
        let may = try #require(period("2023-05"))
        #expect(may.start == T(year: 2023, month: 5, day: 1))
        #expect(may.end == T(year: 2023, month: 6, day: 1))
        #expect(may.precision == .month)
        let december = try #require(period("2023-12"))
        #expect(december.start == T(year: 2023, month: 12, day: 1))
        #expect(december.end == T(year: 2024, month: 1, day: 1))
        let february = try #require(period("2024-02"))
        #expect(february.end == T(year: 2024, month: 3, day: 1))
    }

    @Test func day() throws {
        let p = try #require(period("2023-05-08"))
        #expect(p.start == T(year: 2023, month: 5, day: 8))
        #expect(p.end == T(year: 2023, month: 5, day: 9))
        #expect(p.precision == .day)
        #expect(period("2023-12-31")?.end == T(year: 2024, month: 1, day: 1))
        #expect(period("2024-02-29")?.start == T(year: 2024, month: 2, day: 29))
        #expect(period("2000-02-29") != nil)
    }

    @Test func minute() throws {
        let p = try #require(period("2023-05-08T13:56"))
        #expect(p.start == T(year: 2023, month: 5, day: 8, hour: 13, minute: 56))
        #expect(p.end == T(year: 2023, month: 5, day: 8, hour: 13, minute: 57))
        #expect(p.precision == .minute)
    }

    @Test func second() throws {
        let p = try #require(period("2023-05-08T13:56:07"))
        #expect(p.start == T(year: 2023, month: 5, day: 8, hour: 13, minute: 56, second: 7))
        #expect(p.end == p.start.adding(seconds: 1))
        #expect(p.precision == .second)
    }

    @Test func fraction() throws {
        let p = try #require(period("2023-05-08T13:56:07.250"))
        #expect(p.start == T(year: 2023, month: 5, day: 8, hour: 13, minute: 56, second: 7, microsecond: 250_000))
        #expect(p.end.microseconds == p.start.microseconds + 1)
        #expect(p.precision == .fraction)
        #expect(period("2023-05-08T13:56:07,5")?.start.components.microsecond == 500_000)
        #expect(period("2023-05-08T13:56:07.000001")?.start.components.microsecond == 1)
        // Digits beyond microseconds are dropped, not rounded.
        #expect(period("2023-05-08T13:56:07.1234567")?.start.components.microsecond == 123_456)
    }

    @Test func utcDesignator() {
        let plain = T(year: 2023, month: 5, day: 8, hour: 13, minute: 56)
        #expect(period("2023-05-08T13:56Z")?.start == plain)
        #expect(period("2023-05-08T13:56z")?.start == plain)
        #expect(period("2023-05-08T13:56:00Z")?.start == plain)
        #expect(period("2023-05-08T13:56:00.5Z")?.start == T(year: 2023, month: 5, day: 8, hour: 13, minute: 56, microsecond: 500_000))
        #expect(period("2023-05-08T13:56Z")?.precision == .minute)
    }

    @Test func offsets() {
        #expect(period("2023-05-08T13:56+02:00")?.start == T(year: 2023, month: 5, day: 8, hour: 11, minute: 56))
        #expect(period("2023-05-08T13:56:07-0500")?.start == T(year: 2023, month: 5, day: 8, hour: 18, minute: 56, second: 7))
        #expect(period("2023-05-08T13:56+0530")?.start == T(year: 2023, month: 5, day: 8, hour: 8, minute: 26))
        // The offset can move the instant to another day.
        #expect(period("2023-05-08T01:00+02:00")?.start == T(year: 2023, month: 5, day: 7, hour: 23))
        #expect(period("2023-12-31T23:30-01:00")?.start == T(year: 2024, month: 1, day: 1, hour: 0, minute: 30))
        // The period keeps its width.
        let p = period("2023-05-08T13:56:07.25+02:00")
        #expect(p?.precision == .fraction)
        #expect(p.map { $0.end.microseconds - $0.start.microseconds } == 1)
    }

    @Test func separators() {
        let expected = T(year: 2023, month: 5, day: 8, hour: 13, minute: 56)
        #expect(period("2023-05-08 13:56")?.start == expected)
        #expect(period("2023-05-08t13:56")?.start == expected)
        #expect(period("2023-05-08 13:56:00+00:00")?.start == expected)
    }

    @Test func initAndParsePeriodAgreeWithParse() throws {
        #expect(T(iso8601: "2023-05") == T(year: 2023, month: 5, day: 1))
        let p = try #require(T.parsePeriod("2023-05-08T13:56"))
        #expect(p.start == T(year: 2023, month: 5, day: 8, hour: 13, minute: 56))
        #expect(p.end == T(year: 2023, month: 5, day: 8, hour: 13, minute: 57))
        // Any StringProtocol, e.g. a slice of a query.
        let query = "at 2023-05-08 please"
        let slice = query.dropFirst(3).prefix(10)
        #expect(T(iso8601: slice) == T(year: 2023, month: 5, day: 8))
    }

    @Test(arguments: [
        "", "2", "23", "202", "20231", "2023-", "2023-5", "2023-13", "2023-00", "2023-05-", "2023-05-8",
        "2023-02-30", "2023-02-29", "1900-02-29", "2023-04-31", "2023-05-00", "2023-05-32",
        "2023-05-08T", "2023-05-08T13", "2023-05-08T1:00", "2023-05-08T25:00", "2023-05-08T24:00",
        "2023-05-08T13:60", "2023-05-08T13:56:60", "2023-05-08T13:56:7", "2023-05-08T13:56:07.",
        "2023-05-08T13:56:07.x", "2023-05-08_13:56", "2023-05-08x", "2023-05-08T13:56Zjunk",
        "2023-05-08T13:56:07 ", " 2023-05-08", "2023-05-08Z", "2023-05Z", "2023-05-08T13:56+15:00",
        "2023-05-08T13:56+02", "2023-05-08T13:56+02:60", "2023-05-08T13:56+2:00", "2023/05/08", "abcd",
        "2023-05-08T13:56ZZ", "2023-05-08T13:56Z+02:00", "-2023",
    ])
    func rejects(_ text: String) {
        #expect(T.parse(text) == nil)
        #expect(T(iso8601: text) == nil)
    }
}
