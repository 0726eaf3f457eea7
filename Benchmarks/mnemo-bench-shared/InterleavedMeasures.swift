import BenchmarkSupport
import MnemoClient

/// The measures taken on the SQLite daemon and the PostgreSQL daemon alike,
/// each in slices that alternate between them, so that a change in the load
/// of a shared machine touches both alike.
struct InterleavedMeasures {
    var storages: [StorageUnderTest]
    var workload: FactWorkload
    var refusals: Refusals

    /// Facts `range` of the workload asserted on each daemon, pipelined with
    /// `batch` statements sent before the answers to the batch before are read
    /// (`batch` to `2 × batch` in flight), `chunk` facts a slice. Facts/s of each.
    func ingest(_ range: Range<Int>, batch: Int, chunk: Int = 2_000) throws -> [Double] {
        var seconds = storages.map { _ in 0.0 }
        for (slice, start) in stride(from: range.lowerBound, to: range.upperBound, by: chunk).enumerated() {
            let statements = (start..<min(range.upperBound, start + chunk)).map(workload.assertion)
            for k in order(slice) {
                let storage = storages[k]
                let t0 = monotonicSeconds()
                try storage.connection.pipeline(statements, batch: batch) { index, response in
                    if !response.isOK { refusals.record("\(storage.name): \(statements[index]): \(response.headerLine)") }
                }
                seconds[k] += monotonicSeconds() - t0
            }
        }
        return seconds.map { Double(range.count) / $0 }
    }

    /// Facts `range` asserted one at a time on each daemon (an answer read
    /// before the next is sent): the latency of each, after `warmup` facts
    /// of the range that are not timed.
    func singleAsserts(_ range: Range<Int>, warmup: Int) throws -> [Latencies] {
        try alternate(range.count, warmup: warmup, slice: 100) { n, _ in
            workload.assertion(range.lowerBound + n)
        } check: { _ in
            true
        }
    }

    /// `count` one-row matches of facts drawn from `0..<facts`, the same on each daemon.
    func oneRowMatches(_ count: Int, of facts: Int, warmup: Int) throws -> [Latencies] {
        var draws = SplitMix64(state: 7)
        let statements = (0..<(warmup + count)).map { _ in workload.oneRowMatch(draws.next(facts)) }
        return try alternate(count, warmup: warmup, slice: 500) { n, _ in
            statements[n]
        } check: {
            $0.lines.count == 1
        }
    }

    /// `count` recalls of three words of the notes, the same on each daemon
    /// (an answer of no results is not a refusal: the words may be in no note).
    func recalls(_ count: Int, warmup: Int) throws -> [Latencies] {
        var draws = SplitMix64(state: 13)
        let statements = (0..<(warmup + count)).map { _ in workload.recall(&draws) }
        return try alternate(count, warmup: warmup, slice: 200) { n, _ in
            statements[n]
        } check: { _ in
            true
        }
    }

    /// The daemons' order in slice `n`: turns first in turn.
    private func order(_ n: Int) -> [Int] {
        let indices = Array(storages.indices)
        return n % 2 == 0 ? indices : indices.reversed()
    }

    /// Statement `n` (of `warmup + count`) on each daemon, one at a time,
    /// `slice` in a row on one before the other; the latencies of the last
    /// `count`. An answer that is an error or fails `check` is a refusal.
    private func alternate(
        _ count: Int, warmup: Int, slice: Int, statement: (Int, StorageUnderTest) -> String,
        check: (Response) -> Bool
    ) throws -> [Latencies] {
        var latencies = storages.map { _ in Latencies() }
        let total = warmup + count
        for (turn, start) in stride(from: 0, to: total, by: slice).enumerated() {
            for k in order(turn) {
                let storage = storages[k]
                for n in start..<min(total, start + slice) {
                    let text = statement(n, storage)
                    let (response, seconds) = try storage.timed(text)
                    if !response.isOK || !check(response) {
                        refusals.record("\(storage.name): \(text): \(response.headerLine) \(response.lines.count) lines")
                    }
                    if n >= warmup { latencies[k].append(seconds, rows: response.lines.count) }
                }
            }
        }
        return latencies
    }
}
