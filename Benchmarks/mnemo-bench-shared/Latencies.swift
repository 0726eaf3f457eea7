import BenchmarkSupport

/// Latency samples in seconds, and their percentiles by nearest rank
/// (`percentile` of Benchmarks/Support); with the rows the answers had.
struct Latencies {
    private(set) var samples: [Double] = []
    private(set) var rows = 0

    mutating func append(_ seconds: Double, rows: Int = 0) {
        samples.append(seconds)
        self.rows += rows
    }

    /// Rows of an answer, on average.
    var rowsEach: Double { samples.isEmpty ? 0 : Double(rows) / Double(samples.count) }

    /// The p-quantile (0...1), in milliseconds.
    func milliseconds(_ p: Double) -> Double { percentile(samples.sorted(), p) * 1000 }

    /// `p50 · p99` in milliseconds, or `-` without samples.
    var medianAndP99: String {
        guard !samples.isEmpty else { return "-" }
        let sorted = samples.sorted()
        return Table.milliseconds(percentile(sorted, 0.5)) + " · " + Table.milliseconds(percentile(sorted, 0.99))
    }
}
