import Testing

@testable import MnemoModel

/// Calendar arithmetic, weekdays and ISO 8601 output of `Timestamp`.
@Suite struct TimestampTests {
    /// Dates with their day numbers and weekdays (0 = Monday), from Python's
    /// `datetime.date`: leap days, century years, dates before 1970.
    static let known: [(y: Int, m: Int, d: Int, days: Int, weekday: Int)] = [
        (1970, 1, 1, 0, 3),
        (1969, 12, 31, -1, 2),
        (2000, 1, 1, 10957, 5),
        (2000, 2, 29, 11016, 1),
        (2000, 3, 1, 11017, 2),
        (1900, 1, 1, -25567, 0),
        (1900, 2, 28, -25509, 2),
        (1900, 3, 1, -25508, 3),
        (1600, 2, 29, -135081, 1),
        (1, 1, 1, -719162, 0),
        (2023, 5, 8, 19485, 0),
        (2024, 2, 29, 19782, 3),
        (2038, 1, 19, 24855, 1),
        (9999, 12, 31, 2_932_896, 4),
        (1960, 7, 15, -3457, 4),
    ]

    @Test(arguments: known.indices)
    func knownDates(_ i: Int) {
        let k = Self.known[i]
        #expect(Timestamp.daysFromCivil(year: k.y, month: k.m, day: k.d) == k.days)
        let civil = Timestamp.civilFromDays(k.days)
        #expect(civil.year == k.y && civil.month == k.m && civil.day == k.d)
        let t = Timestamp(year: k.y, month: k.m, day: k.d)
        #expect(t.dayNumber == k.days)
        #expect(t.weekday == k.weekday)
        // Late in the day still the same day and weekday, before 1970 too.
        let late = Timestamp(year: k.y, month: k.m, day: k.d, hour: 23, minute: 59, second: 59, microsecond: 999_999)
        #expect(late.dayNumber == k.days)
        #expect(late.weekday == k.weekday)
        #expect(late.startOfDay == t)
    }

    /// Every day over about 800 years either side of 1970: days → civil → days
    /// is the identity, and each day follows the previous one in the calendar.
    @Test func roundTripEveryDay() {
        var previous = Timestamp.civilFromDays(-292_000)
        #expect(previous == (1170, 7, 14)) // from Python's datetime
        var failures = 0
        for day in -291_999...292_000 {
            let c = Timestamp.civilFromDays(day)
            if Timestamp.daysFromCivil(year: c.year, month: c.month, day: c.day) != day { failures += 1 }
            let expected: (Int, Int, Int) =
                previous.day < Timestamp.daysInMonth(year: previous.year, month: previous.month)
                ? (previous.year, previous.month, previous.day + 1)
                : previous.month < 12 ? (previous.year, previous.month + 1, 1) : (previous.year + 1, 1, 1)
            if c != expected { failures += 1 }
            previous = c
        }
        #expect(failures == 0)
        #expect(previous == (2769, 6, 21))
    }

    @Test func daysInMonth() {
        #expect(Timestamp.daysInMonth(year: 2023, month: 2) == 28)
        #expect(Timestamp.daysInMonth(year: 2024, month: 2) == 29)
        #expect(Timestamp.daysInMonth(year: 1900, month: 2) == 28)
        #expect(Timestamp.daysInMonth(year: 2000, month: 2) == 29)
        #expect(Timestamp.daysInMonth(year: 2100, month: 2) == 28)
        #expect(Timestamp.daysInMonth(year: 2023, month: 4) == 30)
        #expect(Timestamp.daysInMonth(year: 2023, month: 12) == 31)
        #expect((1...12).map { Timestamp.daysInMonth(year: 2023, month: $0) }.reduce(0, +) == 365)
        #expect((1...12).map { Timestamp.daysInMonth(year: 2024, month: $0) }.reduce(0, +) == 366)
    }

    @Test func weekdayOfMondayIsZero() {
        let monday = Timestamp(year: 2023, month: 5, day: 8, hour: 13, minute: 56)
        #expect(monday.weekday == 0)
        #expect((0..<7).map { monday.adding(days: $0).weekday } == [0, 1, 2, 3, 4, 5, 6])
        #expect(monday.adding(days: -1).weekday == 6)
    }

    @Test func componentsBefore1970FloorToThePreviousDay() {
        let t = Timestamp(microseconds: -1)
        #expect(t.dayNumber == -1)
        let c = t.components
        #expect(c.year == 1969 && c.month == 12 && c.day == 31)
        #expect(c.hour == 23 && c.minute == 59 && c.second == 59 && c.microsecond == 999_999)
        #expect(Timestamp(microseconds: -Timestamp.microsecondsPerDay).dayNumber == -1)
        #expect(Timestamp(microseconds: -Timestamp.microsecondsPerDay - 1).dayNumber == -2)
    }

    @Test func componentsRoundTrip() {
        let t = Timestamp(year: 1955, month: 11, day: 5, hour: 6, minute: 7, second: 8, microsecond: 9)
        let c = t.components
        #expect(c.year == 1955 && c.month == 11 && c.day == 5)
        #expect(c.hour == 6 && c.minute == 7 && c.second == 8 && c.microsecond == 9)
        #expect(
            Timestamp(
                year: c.year, month: c.month, day: c.day, hour: c.hour, minute: c.minute,
                second: c.second, microsecond: c.microsecond) == t)
    }

    @Test func iso8601Formatting() {
        #expect(Timestamp(microseconds: 0).iso8601 == "1970-01-01T00:00:00Z")
        #expect(Timestamp(year: 2023, month: 5, day: 8, hour: 13, minute: 56).iso8601 == "2023-05-08T13:56:00Z")
        #expect(
            Timestamp(year: 2023, month: 5, day: 8, hour: 13, minute: 56, second: 7, microsecond: 250_000).iso8601
                == "2023-05-08T13:56:07.25Z")
        #expect(Timestamp(year: 2023, month: 5, day: 8, microsecond: 1).iso8601 == "2023-05-08T00:00:00.000001Z")
        #expect(Timestamp(microseconds: -1).iso8601 == "1969-12-31T23:59:59.999999Z")
        #expect(Timestamp(year: 999, month: 1, day: 2).iso8601 == "0999-01-02T00:00:00Z")
        #expect(Timestamp(year: 2023, month: 5, day: 8, hour: 13).isoDate == "2023-05-08")
        #expect(Timestamp(year: 2023, month: 5, day: 8).description == "2023-05-08T00:00:00Z")
    }

    @Test func iso8601FormatParsesBack() {
        for t in [
            Timestamp(microseconds: 0), Timestamp(microseconds: -1),
            Timestamp(year: 2023, month: 5, day: 8, hour: 13, minute: 56, second: 7, microsecond: 250_000),
            Timestamp(year: 1900, month: 2, day: 28, hour: 23, minute: 59, second: 59, microsecond: 1),
        ] {
            #expect(Timestamp(iso8601: t.iso8601) == t)
        }
    }

    @Test func adding() {
        let t = Timestamp(year: 2023, month: 12, day: 31, hour: 23, minute: 59, second: 59)
        #expect(t.adding(seconds: 1) == Timestamp(year: 2024, month: 1, day: 1))
        #expect(t.adding(days: 60).isoDate == "2024-02-29")
        #expect(t.adding(days: -365).isoDate == "2022-12-31")
    }
}
