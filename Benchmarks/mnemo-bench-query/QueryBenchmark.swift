// Query benchmarks over the socket, served by a real mnemod.
//
//   swift build -c release --product mnemod && swift build -c release --product mnemo-bench-query
//
// `match-latency` (the default; issue 4): `match` on the 1,000,000-fact store of
// the store benchmark, p50/p99 of a bound single atom and of two joins, beside the
// targets (p99 ≤ 1 ms and ≤ 10 ms).
//
//   .build/release/mnemo-bench-store --keep /tmp/mnemo-1m          # once: 1,000,000 facts
//   .build/release/mnemo-bench-query --data-dir /tmp/mnemo-1m [--queries N] [--mnemod PATH]
//
// `big-answers` (issue 20): statements that answer many rows — `match`, `history`,
// `timeline`, `scenes`, `scene`, `persona`, `insights`, `conflicts`,
// `consolidations` — at each size, with rows, time to the first byte and to the
// last answer line, rows/s, and beside each the rate at which SQLite itself reads
// the same rows from the same file in the same run; then the one-row case (a
// bound number, a bound entity, `ping`) p50/p99. The spaces are built through
// the daemon (`import from` a file in the export format, then `consolidate`) into
// DIR/<size>, and reused by later runs (delete one to rebuild it).
//
//   .build/release/mnemo-bench-query big-answers [--dir /tmp/mnemo-big-answers] [--sizes 10000,100000,1000000]
//       [--runs 3] [--one-row-runs 2000] [--mnemod PATH]
import ArgumentParser

@main
struct QueryBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnemo-bench-query",
        abstract: "Query benchmarks over the socket, served by a real mnemod.",
        subcommands: [MatchLatency.self, BigAnswers.self],
        defaultSubcommand: MatchLatency.self)
}
