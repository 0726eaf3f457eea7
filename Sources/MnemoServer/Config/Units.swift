import Foundation

/// Values with units, as postgresql.conf writes them.
///
/// Every conversion is checked: a value too large for its type (or past the
/// bound below) is refused with `nil`, which `ConfigType` turns into an
/// error naming `file:line`, never a trap. A reload (SIGHUP) with such a value
/// keeps the running configuration.
enum Units {
    /// The longest duration a key accepts: 100 years. Durations are turned
    /// into microseconds and subtracted from the clock (`archive_min_age`,
    /// `scene_idle`) or added to it (timers); within this bound none of that
    /// can overflow an `Int64`.
    static let maximumDurationSeconds: Double = 100 * 365.25 * 86_400

    /// `64MB`, `1 kB`, `512` (bytes). Units are powers of 1024: B, kB, MB, GB, TB
    /// (case-insensitive). Fractions of a byte are dropped.
    static func bytes(_ text: String) -> Int? {
        let (number, unit) = split(text)
        guard let number, number.isFinite, number >= 0 else { return nil }
        let factor: Double
        switch unit.lowercased() {
        case "", "b": factor = 1
        case "kb", "k": factor = 1024
        case "mb", "m": factor = 1024 * 1024
        case "gb", "g": factor = 1024 * 1024 * 1024
        case "tb", "t": factor = 1024 * 1024 * 1024 * 1024
        default: return nil
        }
        // `Int(exactly:)`: nil from 2^63 up (`Double(Int.max)` is 2^63, so a
        // `<=` check in Double would let 8388608TB through to a trapping `Int(_:)`).
        return Int(exactly: (number * factor).rounded(.down))
    }

    /// `30s`, `500ms`, `5min`, `2h`, `1d`, `0` (off). A bare number is seconds.
    /// At most `maximumDurationSeconds`; whole microseconds.
    static func duration(_ text: String) -> Duration? {
        let (number, unit) = split(text)
        guard let number, number.isFinite, number >= 0 else { return nil }
        let seconds: Double
        switch unit.lowercased() {
        case "", "s": seconds = number
        case "ms": seconds = number / 1000
        case "us": seconds = number / 1_000_000
        case "min": seconds = number * 60
        case "h": seconds = number * 3600
        case "d": seconds = number * 86_400
        default: return nil
        }
        guard seconds <= maximumDurationSeconds, let microseconds = Int64(exactly: (seconds * 1_000_000).rounded(.down)) else {
            return nil
        }
        return .microseconds(microseconds)
    }

    private static func split(_ text: String) -> (Double?, String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        // ASCII digits only: `isNumber` would take "½" or "٣" too.
        let digits = trimmed.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        return (Double(digits), unit)
    }
}
