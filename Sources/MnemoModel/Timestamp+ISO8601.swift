/// Reading ISO 8601 times as the query language writes them.
///
/// Accepted: `2023`, `2023-05`, `2023-05-08`, `2023-05-08T13:56`,
/// `2023-05-08T13:56:07`, `2023-05-08T13:56:07.250`, each optionally followed by
/// `Z` or an offset `+02:00` / `-0500` when a time of day is given. A space may
/// stand for the `T`. Times without a zone are UTC.
extension Timestamp {
    /// How precisely a written time names a moment: `2023-05` is a month.
    public enum Precision: Int, Sendable, Comparable {
        case year, month, day, minute, second, fraction
        public static func < (a: Precision, b: Precision) -> Bool { a.rawValue < b.rawValue }
    }

    /// Parses an ISO 8601 time; `nil` if the text is not one.
    public init?(iso8601 text: some StringProtocol) {
        guard let (start, _) = Self.parsePeriod(text) else { return nil }
        self = start
    }

    /// Parses an ISO 8601 time and returns the period it names: `2023-05` is
    /// the whole of May 2023 (`[2023-05-01, 2023-06-01)`), `2023-05-08` one
    /// day, and a time of day the unit it was written to: a minute for `13:56`,
    /// a second for `13:56:07`, a microsecond when a fraction is given.
    public static func parsePeriod(_ text: some StringProtocol) -> (start: Timestamp, end: Timestamp)? {
        guard let p = parse(Array(text.utf8)) else { return nil }
        return (p.start, p.end)
    }

    /// As `parsePeriod`, also saying how precise the text was.
    public static func parse(_ text: some StringProtocol) -> (start: Timestamp, end: Timestamp, precision: Precision)? {
        parse(Array(text.utf8))
    }

    private static func parse(_ b: [UInt8]) -> (start: Timestamp, end: Timestamp, precision: Precision)? {
        var i = 0
        func digits(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for k in i..<(i + n) {
                guard b[k] >= 48 && b[k] <= 57 else { return nil }
                v = v * 10 + Int(b[k] - 48)
            }
            i += n
            return v
        }
        func eat(_ c: UInt8) -> Bool {
            if i < b.count && b[i] == c {
                i += 1
                return true
            }
            return false
        }
        guard let year = digits(4) else { return nil }
        if i == b.count {
            return (Timestamp(year: year, month: 1, day: 1), Timestamp(year: year + 1, month: 1, day: 1), .year)
        }
        guard eat(45), let month = digits(2), (1...12).contains(month) else { return nil }
        if i == b.count {
            let next = month == 12 ? Timestamp(year: year + 1, month: 1, day: 1) : Timestamp(year: year, month: month + 1, day: 1)
            return (Timestamp(year: year, month: month, day: 1), next, .month)
        }
        guard eat(45), let day = digits(2), day >= 1, day <= daysInMonth(year: year, month: month) else { return nil }
        let date = Timestamp(year: year, month: month, day: day)
        if i == b.count { return (date, date.adding(days: 1), .day) }
        guard eat(84) || eat(116) || eat(32) else { return nil } // T, t or space
        guard let hour = digits(2), hour < 24, eat(58), let minute = digits(2), minute < 60 else { return nil }
        var second = 0
        var micro = 0
        var precision = Precision.minute
        if eat(58) {
            guard let s = digits(2), s < 60 else { return nil }
            second = s
            precision = .second
            if eat(46) || eat(44) {
                var scale = 100_000
                var count = 0
                while i < b.count, b[i] >= 48, b[i] <= 57 {
                    micro += Int(b[i] - 48) * scale
                    scale /= 10
                    count += 1
                    i += 1
                }
                guard count > 0 else { return nil }
                precision = .fraction
            }
        }
        var offsetSeconds = 0
        if eat(90) || eat(122) { // Z
        } else if i < b.count, b[i] == 43 || b[i] == 45 { // + or -
            let sign = b[i] == 45 ? -1 : 1
            i += 1
            guard let oh = digits(2), oh <= 14 else { return nil }
            _ = eat(58)
            guard let om = digits(2), om < 60 else { return nil }
            offsetSeconds = sign * (oh * 3600 + om * 60)
        }
        guard i == b.count else { return nil }
        let start = Timestamp(
            microseconds: date.microseconds
                + (Int64(hour) * 3600 + Int64(minute) * 60 + Int64(second) - Int64(offsetSeconds)) * 1_000_000
                + Int64(micro))
        let width: Int64 =
            switch precision {
            case .minute: 60_000_000
            case .second: 1_000_000
            default: 1
            }
        return (start, Timestamp(microseconds: start.microseconds + width), precision)
    }
}
