extension Duration {
    /// The duration in whole milliseconds, clamped to `Int64` (a duration
    /// too long to count in them is the longest that can be).
    var wholeMilliseconds: Int64 { whole(perSecond: 1_000) }

    /// The duration in whole nanoseconds, clamped to `Int64`.
    var wholeNanoseconds: Int64 { whole(perSecond: 1_000_000_000) }

    private func whole(perSecond units: Int64) -> Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: units)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, overflowed) = scaled.addingReportingOverflow(attoseconds / (1_000_000_000_000_000_000 / units))
        return overflowed ? (seconds < 0 ? .min : .max) : sum
    }
}
