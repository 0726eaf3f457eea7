import Foundation
import Prometheus
import Synchronization

/// Per-statement request counts and latencies for `stats`, and for the
/// metrics endpoint when there is one.
///
/// Latencies go into log-scaled buckets (8 per power of two, from 1 µs), so
/// recording costs a few instructions and percentiles are read with about 9%
/// resolution, without keeping samples. With a registry (`metrics_listen`
/// set), each request is also recorded in that statement's Prometheus
/// histogram and counters (`RequestMetrics`).
public final class Statistics: Sendable {
    struct Entry {
        var count = 0
        var errors = 0
        var buckets = [Int](repeating: 0, count: Statistics.bucketCount)
        var exported: RequestMetrics?
    }

    static let bucketCount = 8 * 40
    private let entries = Mutex<[String: Entry]>([:])
    private let registry: PrometheusCollectorRegistry?

    /// - Parameter registry: where the Prometheus metrics of requests go; `nil`: none are kept.
    public init(registry: PrometheusCollectorRegistry? = nil) {
        self.registry = registry
    }

    static func bucket(forMicroseconds us: Double) -> Int {
        guard us > 1 else { return 0 }
        return min(bucketCount - 1, Int((log2(us) * 8).rounded(.down)))
    }

    static func upperMicroseconds(ofBucket b: Int) -> Double { exp2(Double(b + 1) / 8) }

    /// Records one request of `statement` that took `seconds`.
    public func record(_ statement: String, seconds: Double, failed: Bool) {
        let bucket = Self.bucket(forMicroseconds: seconds * 1_000_000)
        let exported = entries.withLock { entries in
            update(&entries[statement, default: Entry()], bucket: bucket, failed: failed, statement: statement)
        }
        exported?.record(seconds: seconds, failed: failed)
    }

    /// Counts the request; returns the statement's Prometheus metrics, made at its first request.
    private func update(_ entry: inout Entry, bucket: Int, failed: Bool, statement: String) -> RequestMetrics? {
        entry.count += 1
        if failed { entry.errors += 1 }
        entry.buckets[bucket] += 1
        if entry.exported == nil, let registry { entry.exported = RequestMetrics(statement: statement, registry: registry) }
        return entry.exported
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
