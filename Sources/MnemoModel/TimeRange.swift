/// A half-open interval of time `[from, to)`; a `nil` bound is unbounded.
///
/// Used for a fact's valid and recorded intervals, a scene's span and the
/// periods that temporal expressions resolve to.
public struct TimeRange: Hashable, Sendable, CustomStringConvertible {
    public var from: Timestamp?
    public var to: Timestamp?

    public init(from: Timestamp? = nil, to: Timestamp? = nil) {
        self.from = from
        self.to = to
    }

    /// Everything, from the unbounded past to the unbounded future.
    public static let always = TimeRange()

    /// `[from, to)` in microseconds, an unbounded end as `Int64.min` or `Int64.max`.
    public var microseconds: (from: Int64, to: Int64) { (from?.microseconds ?? .min, to?.microseconds ?? .max) }

    /// Whether the instant lies inside `[from, to)`.
    public func contains(_ t: Timestamp) -> Bool {
        (from.map { $0 <= t } ?? true) && (to.map { t < $0 } ?? true)
    }

    /// Whether the two intervals share at least one instant.
    public func overlaps(_ other: TimeRange) -> Bool {
        if isEmpty || other.isEmpty { return false }
        let startsBeforeOtherEnds =
            switch (from, other.to) {
            case (let a?, let b?): a < b
            default: true
            }
        let otherStartsBeforeThisEnds =
            switch (other.from, to) {
            case (let a?, let b?): a < b
            default: true
            }
        return startsBeforeOtherEnds && otherStartsBeforeThisEnds
    }

    /// Whether the interval holds no instant at all.
    public var isEmpty: Bool {
        if let f = from, let t = to { return t <= f }
        return false
    }

    public var description: String {
        "[\(from?.iso8601 ?? "-∞"), \(to?.iso8601 ?? "+∞"))"
    }
}
