/// Why a run stopped: a daemon or the PostgreSQL server that could not be
/// started, or an answer that was not the one expected.
struct BenchmarkFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
