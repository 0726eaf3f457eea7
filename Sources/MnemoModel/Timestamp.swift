#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An instant in UTC with microsecond precision: the one representation of time
/// in Mnemo, in memory and on disk (INTEGER microseconds since 1970-01-01Z).
///
/// Conversions to and from the proleptic Gregorian calendar are done here with
/// plain integer arithmetic, so they are exact and cost no allocation.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Microseconds since 1970-01-01T00:00:00Z.
    public var microseconds: Int64

    public init(microseconds: Int64) { self.microseconds = microseconds }

    public static let microsecondsPerSecond: Int64 = 1_000_000
    public static let microsecondsPerDay: Int64 = 86_400 * 1_000_000

    /// The current time from the system clock.
    public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(microseconds: Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000)
    }

    /// The instant of a calendar date and time of day, in UTC.
    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, microsecond: Int = 0) {
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour) * 3600 + Int64(minute) * 60 + Int64(second)
        self.microseconds = seconds * 1_000_000 + Int64(microsecond)
    }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.microseconds < b.microseconds }

    /// Days since 1970-01-01 (negative before it), flooring.
    public var dayNumber: Int {
        Int(
            microseconds >= 0
                ? microseconds / Self.microsecondsPerDay
                : (microseconds - Self.microsecondsPerDay + 1) / Self.microsecondsPerDay)
    }

    /// The calendar fields of this instant in UTC.
    public var components: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, microsecond: Int) {
        let day = dayNumber
        let (y, m, d) = Self.civilFromDays(day)
        let rest = microseconds - Int64(day) * Self.microsecondsPerDay
        let secs = Int(rest / 1_000_000)
        return (y, m, d, secs / 3600, secs % 3600 / 60, secs % 60, Int(rest % 1_000_000))
    }

    /// 0 = Monday ... 6 = Sunday.
    public var weekday: Int { ((dayNumber % 7) + 7 + 3) % 7 }

    /// Adds whole days.
    public func adding(days: Int) -> Timestamp {
        Timestamp(microseconds: microseconds + Int64(days) * Self.microsecondsPerDay)
    }

    /// Adds seconds.
    public func adding(seconds: Int64) -> Timestamp {
        Timestamp(microseconds: microseconds + seconds * Self.microsecondsPerSecond)
    }

    /// Midnight at the start of this instant's day.
    public var startOfDay: Timestamp { Timestamp(microseconds: Int64(dayNumber) * Self.microsecondsPerDay) }

    /// ISO 8601 in UTC: `2023-05-08T13:56:00Z`, with a fraction only when there is one.
    public var iso8601: String {
        let c = components
        // Years 0...9999, nearly every time there is, are written field by field into one string.
        if (0...9999).contains(c.year) {
            return String(unsafeUninitializedCapacity: Self.iso8601Capacity) { Self.writeISO8601(c, into: $0) }
        }
        var s = "\(Self.pad(c.year, 4))-\(Self.pad(c.month, 2))-\(Self.pad(c.day, 2))T\(Self.pad(c.hour, 2)):\(Self.pad(c.minute, 2)):\(Self.pad(c.second, 2))"
        if c.microsecond != 0 {
            var fraction = Self.pad(c.microsecond, 6)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            s += "." + fraction
        }
        return s + "Z"
    }

    /// The most bytes `writeISO8601` writes.
    static let iso8601Capacity = 27

    /// Writes the ISO 8601 text of a time whose year is in 0...9999 into
    /// `out` (at least `iso8601Capacity` bytes), field by field, and returns
    /// its length: `iso8601` and `JSONBuffer.appendQuoted(_:)` write times so.
    static func writeISO8601(
        _ c: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, microsecond: Int), into out: UnsafeMutableBufferPointer<UInt8>
    ) -> Int {
        precondition(out.count >= iso8601Capacity && (0...9999).contains(c.year), "writeISO8601 needs room and a year of four digits")
        let p = out.baseAddress!
        // Every field at its fixed place, two digits at a time: a division by
        // a constant 10 is a multiplication, and there is no loop to run.
        func two(_ value: Int, at i: Int) {
            p[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value / 10)
            p[i + 1] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10)
        }
        two(c.year / 100, at: 0)
        two(c.year % 100, at: 2)
        p[4] = UInt8(ascii: "-")
        two(c.month, at: 5)
        p[7] = UInt8(ascii: "-")
        two(c.day, at: 8)
        p[10] = UInt8(ascii: "T")
        two(c.hour, at: 11)
        p[13] = UInt8(ascii: ":")
        two(c.minute, at: 14)
        p[16] = UInt8(ascii: ":")
        two(c.second, at: 17)
        var n = 19
        if c.microsecond != 0 {
            p[19] = UInt8(ascii: ".")
            two(c.microsecond / 10_000, at: 20)
            two(c.microsecond / 100 % 100, at: 22)
            two(c.microsecond % 100, at: 24)
            n = 26
            while p[n - 1] == UInt8(ascii: "0") { n -= 1 }
        }
        p[n] = UInt8(ascii: "Z")
        return n + 1
    }

    /// The calendar day only: `2023-05-08`.
    public var isoDate: String {
        let c = components
        return "\(Self.pad(c.year, 4))-\(Self.pad(c.month, 2))-\(Self.pad(c.day, 2))"
    }

    public var description: String { iso8601 }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(abs(value))
        return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
