import Foundation
import Synchronization

/// Per-statement request counts and latencies for `stats`.
///
/// Latencies go into log-scaled buckets (8 per power of two, from 1 µs), so
/// recording costs a few instructions and percentiles are read with about 9%
/// resolution, without keeping samples.
public final class Statistics: Sendable {
    struct Entry {
        var count = 0
        var errors = 0
        var buckets = [Int](repeating: 0, count: Statistics.bucketCount)
    }

    static let bucketCount = 8 * 40
    private let entries = Mutex<[String: Entry]>([:])

    public init() {}

    static func bucket(forMicroseconds us: Double) -> Int {
        guard us > 1 else { return 0 }
        return min(bucketCount - 1, Int((log2(us) * 8).rounded(.down)))
    }

    static func upperMicroseconds(ofBucket b: Int) -> Double { exp2(Double(b + 1) / 8) }

    /// Records one request of `statement` that took `seconds`.
    public func record(_ statement: String, seconds: Double, failed: Bool) {
        let bucket = Self.bucket(forMicroseconds: seconds * 1_000_000)
        entries.withLock { entries in
            Self.update(&entries[statement, default: Entry()], bucket: bucket, failed: failed)
        }
    }

    private static func update(_ entry: inout Entry, bucket: Int, failed: Bool) {
        entry.count += 1
        if failed { entry.errors += 1 }
        entry.buckets[bucket] += 1
    }

    public struct Summary: Sendable {
        public var statement: String
        public var count: Int
        public var errors: Int
        public var p50Microseconds: Double
        public var p99Microseconds: Double
    }

    /// Counts and latency percentiles per statement, by name.
    public func summaries() -> [Summary] {
        entries.withLock { entries in
            entries.keys.sorted().map { name in
                let e = entries[name]!
                func percentile(_ p: Double) -> Double {
                    let target = Int((Double(e.count) * p).rounded(.up))
                    var seen = 0
                    for (b, n) in e.buckets.enumerated() {
                        seen += n
                        if seen >= max(1, target) { return Self.upperMicroseconds(ofBucket: b) }
                    }
                    return 0
                }
                return Summary(
                    statement: name, count: e.count, errors: e.errors,
                    p50Microseconds: percentile(0.5), p99Microseconds: percentile(0.99))
            }
        }
    }

    public var totalRequests: Int { entries.withLock { $0.values.reduce(0) { $0 + $1.count } } }
}
