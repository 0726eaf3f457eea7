/// Values with units, as postgresql.conf writes them.
enum Units {
    /// `64MB`, `1 kB`, `512` (bytes). Units are powers of 1024: B, kB, MB, GB, TB
    /// (case-insensitive).
    static func bytes(_ text: String) -> Int? {
        let (number, unit) = split(text)
        guard let number, number >= 0 else { return nil }
        let factor: Double
        switch unit.lowercased() {
        case "", "b": factor = 1
        case "kb", "k": factor = 1024
        case "mb", "m": factor = 1024 * 1024
        case "gb", "g": factor = 1024 * 1024 * 1024
        case "tb", "t": factor = 1024 * 1024 * 1024 * 1024
        default: return nil
        }
        // nil past Int's range (Double(Int.max) is 2^63, one past it: Int(_:) would trap).
        return Int(exactly: (number * factor).rounded(.towardZero))
    }

    /// `30s`, `500ms`, `5min`, `2h`, `1d`, `0` (off). A bare number is seconds.
    static func duration(_ text: String) -> Duration? {
        let (number, unit) = split(text)
        guard let number, number >= 0 else { return nil }
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
        return .microseconds(Int64(seconds * 1_000_000))
    }

    private static func split(_ text: String) -> (Double?, String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix { $0.isNumber || $0 == "." }
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        return (Double(digits), unit)
    }
}

import Foundation
