import MnemoModel

/// Calendar arithmetic for temporal expressions, on day numbers (whole days
/// since 1970-01-01, UTC) with plain integers, on top of `Timestamp`'s civil
/// conversions. Every interval it builds is half-open and bounded on both
/// sides; day-granular ones run from midnight to midnight UTC.
enum TemporalCalendar {
    // MARK: Days and weeks

    /// 0 = Monday ... 6 = Sunday, as `Timestamp.weekday`.
    static func weekday(_ day: Int) -> Int { ((day % 7) + 7 + 3) % 7 }

    /// The Monday that starts the ISO week holding `day`.
    static func weekStart(_ day: Int) -> Int { day - weekday(day) }

    /// Midnight at the start of `day`, plus `hours`.
    static func instant(_ day: Int, hours: Int = 0) -> Timestamp {
        Timestamp(microseconds: Int64(day) * Timestamp.microsecondsPerDay + Int64(hours) * 3600 * Timestamp.microsecondsPerSecond)
    }

    /// The days `[from, to)`.
    static func days(_ from: Int, _ to: Int) -> TimeRange {
        TimeRange(from: instant(from), to: instant(to))
    }

    /// One whole day.
    static func day(_ day: Int) -> TimeRange { days(day, day + 1) }

    /// The ISO week (Monday to Monday) holding `day`.
    static func week(containing day: Int) -> TimeRange {
        let start = weekStart(day)
        return days(start, start + 7)
    }

    /// Saturday 00:00 to Monday 00:00 of the ISO week holding `day`.
    static func weekend(ofWeekContaining day: Int) -> TimeRange {
        let start = weekStart(day)
        return days(start + 5, start + 7)
    }

    // MARK: Months and years

    static func firstDay(year: Int, month: Int) -> Int {
        Timestamp.daysFromCivil(year: year, month: month, day: 1)
    }

    /// `(year, month)` moved by `months` (negative: back).
    static func shift(year: Int, month: Int, by months: Int) -> (year: Int, month: Int) {
        let index = year * 12 + (month - 1) + months
        let y = index >= 0 ? index / 12 : (index - 11) / 12
        return (y, index - y * 12 + 1)
    }

    /// A whole calendar month.
    static func month(year: Int, month: Int) -> TimeRange {
        let next = shift(year: year, month: month, by: 1)
        return days(firstDay(year: year, month: month), firstDay(year: next.year, month: next.month))
    }

    /// Consecutive whole months, the first one included.
    static func months(year: Int, month: Int, count: Int) -> TimeRange {
        let end = shift(year: year, month: month, by: count)
        return days(firstDay(year: year, month: month), firstDay(year: end.year, month: end.month))
    }

    /// A whole calendar year.
    static func year(_ year: Int) -> TimeRange {
        days(firstDay(year: year, month: 1), firstDay(year: year + 1, month: 1))
    }

    /// A third of a month: days 1–10 (`0`, early), 11–20 (`1`, mid) or
    /// 21 to the end (`2`, late).
    static func monthThird(year: Int, month: Int, third: Int) -> TimeRange {
        let first = firstDay(year: year, month: month)
        let length = Timestamp.daysInMonth(year: year, month: month)
        switch third {
        case 0: return days(first, first + 10)
        case 1: return days(first + 10, first + 20)
        default: return days(first + 20, first + length)
        }
    }

    /// `day` moved by whole months, the day of the month kept where the
    /// target month has it and clamped to its last day otherwise
    /// (31 March minus one month is 28 or 29 February).
    static func day(_ day: Int, plusMonths months: Int) -> Int {
        let (y, m, d) = Timestamp.civilFromDays(day)
        let target = shift(year: y, month: m, by: months)
        let clamped = min(d, Timestamp.daysInMonth(year: target.year, month: target.month))
        return Timestamp.daysFromCivil(year: target.year, month: target.month, day: clamped)
    }

    /// The day number of a date, or `nil` when the date does not exist.
    static func date(year: Int, month: Int, day: Int) -> Int? {
        guard (1...12).contains(month), day >= 1, day <= Timestamp.daysInMonth(year: year, month: month) else { return nil }
        return Timestamp.daysFromCivil(year: year, month: month, day: day)
    }

    // MARK: Calendar units

    enum Unit: Sendable {
        case day, week, month, year

        /// `day`, `days`, `Week`...: the unit named by a word, by its first letter.
        init?(word: String) {
            switch word.lowercased().first {
            case "d": self = .day
            case "w": self = .week
            case "m": self = .month
            case "y": self = .year
            default: return nil
            }
        }
    }

    /// The whole calendar unit `offset` units away from the one holding
    /// `day`: a day, an ISO week, a calendar month or a calendar year.
    static func unit(_ unit: Unit, offset: Int, from day: Int) -> TimeRange {
        switch unit {
        case .day:
            return self.day(day + offset)
        case .week:
            return week(containing: day + 7 * offset)
        case .month:
            let (y, m, _) = Timestamp.civilFromDays(day)
            let target = shift(year: y, month: m, by: offset)
            return month(year: target.year, month: target.month)
        case .year:
            return year(Timestamp.civilFromDays(day).year + offset)
        }
    }

    /// `day` moved by `count` units (negative: back), months and years
    /// clamping the day of the month.
    static func day(_ day: Int, plus count: Int, _ unit: Unit) -> Int {
        switch unit {
        case .day: return day + count
        case .week: return day + 7 * count
        case .month: return self.day(day, plusMonths: count)
        case .year: return self.day(day, plusMonths: 12 * count)
        }
    }

    // MARK: Parts of a day

    /// The hours of a part of a day: morning 06–12, afternoon 12–18,
    /// evening and night 18–24 (a night stays on its own date).
    static func hours(ofPart word: String) -> (from: Int, to: Int)? {
        switch word.lowercased() {
        case "morning": return (6, 12)
        case "afternoon": return (12, 18)
        case "evening", "night": return (18, 24)
        default: return nil
        }
    }

    static func part(_ word: String, of day: Int) -> TimeRange? {
        guard let (from, to) = hours(ofPart: word) else { return nil }
        return TimeRange(from: instant(day, hours: from), to: instant(day, hours: to))
    }

    // MARK: Seasons

    /// Northern-hemisphere meteorological seasons, each three whole months.
    /// A season is identified by the year its first month is in: winter 2022
    /// runs from 1 December 2022 to 1 March 2023.
    enum Season: Int, Sendable {
        case spring = 3
        case summer = 6
        case autumn = 9
        case winter = 12

        init?(word: String) {
            switch word.lowercased() {
            case "spring": self = .spring
            case "summer": self = .summer
            case "autumn", "fall": self = .autumn
            case "winter": self = .winter
            default: return nil
            }
        }
    }

    static func season(_ season: Season, startingIn year: Int) -> TimeRange {
        months(year: year, month: season.rawValue, count: 3)
    }

    /// The start year of the instance of `season` that holds `day`, if any.
    static func seasonYear(_ season: Season, containing day: Int) -> Int? {
        let y = Timestamp.civilFromDays(day).year
        return [y, y - 1].first { self.season(season, startingIn: $0).contains(instant(day)) }
    }

    /// The start year of the latest instance of `season` that began on or
    /// before `day` (possibly still running).
    static func seasonYear(_ season: Season, startedBy day: Int) -> Int {
        var y = Timestamp.civilFromDays(day).year
        while firstDay(year: y, month: season.rawValue) > day { y -= 1 }
        return y
    }

    /// The start year of the latest instance of `season` that was over
    /// before `day` began.
    static func seasonYear(_ season: Season, endedBefore day: Int) -> Int {
        var y = Timestamp.civilFromDays(day).year
        while self.season(season, startingIn: y).to! > instant(day) { y -= 1 }
        return y
    }

    /// The start year of the first instance of `season` that begins after `day`.
    static func seasonYear(_ season: Season, startingAfter day: Int) -> Int {
        var y = Timestamp.civilFromDays(day).year - 1
        while firstDay(year: y, month: season.rawValue) <= day { y += 1 }
        return y
    }
}
