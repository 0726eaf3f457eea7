import Foundation

/// A grid of daemon.conf overrides to measure, from `--sweep key=v1,v2,...`
/// arguments (mnemo-eval): every combination of one value per key, the first
/// key varying slowest. Pure: which keys exist is given (`DaemonConfig.keys`
/// in mnemo-eval); whether a value is valid for its key is for the daemon's
/// own configuration reader to say.
public struct ParameterSweep: Sendable, Equatable {
    /// One swept key and the values it takes, in the order given.
    public struct Axis: Sendable, Equatable {
        public var key: String
        public var values: [String]

        public init(key: String, values: [String]) {
            self.key = key
            self.values = values
        }
    }

    /// One combination: a value for each key, in the order of the axes.
    public typealias Combination = [(key: String, value: String)]

    /// The most combinations one sweep may run (each starts a daemon and
    /// ingests and asks the whole development set).
    public static let maximumCombinations = 64

    /// Keys the harness sets itself (by flag), or that decide who may connect:
    /// sweeping them would measure nothing or lock the harness out.
    public static let harnessKeys: Set<String> = ["data_dir", "socket", "socket_mode", "log_level", "allow", "admin", "read", "write"]

    public var axes: [Axis]

    public init(axes: [Axis]) { self.axes = axes }

    /// Parses `key=v1,v2,...` arguments, checking each key against `knownKeys`
    /// (a key with `<name>` in it, such as `space.<name>.read`, is a pattern
    /// and never sweepable), and the grid's size against `maximumCombinations`.
    public init(arguments: [String], knownKeys: [String], maximumCombinations: Int = ParameterSweep.maximumCombinations) throws(SweepError) {
        let known = Set(knownKeys)
        var axes: [Axis] = []
        for argument in arguments {
            guard let equals = argument.firstIndex(of: "=") else {
                throw SweepError("--sweep \(argument): expected key=value1,value2,... (e.g. recall_decay=0.5,0.6,0.7)")
            }
            let key = argument[..<equals].trimmingCharacters(in: .whitespaces)
            let values = argument[argument.index(after: equals)...].split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard !key.isEmpty else { throw SweepError("--sweep \(argument): no key before '='") }
            if key.hasPrefix("space.") { throw SweepError("--sweep \(key): access rules cannot be swept") }
            guard known.contains(key), !key.contains("<") else {
                let suggestion = Self.closest(to: key, among: knownKeys).map { "; did you mean \($0)?" } ?? ""
                throw SweepError("--sweep \(key): not a daemon.conf key\(suggestion)")
            }
            guard !Self.harnessKeys.contains(key) else {
                throw SweepError("--sweep \(key): cannot be swept (the harness sets it, or it decides who may connect)")
            }
            guard !values.contains(where: { $0.contains(where: \.isNewline) }) else { throw SweepError("--sweep \(key): a value with a line break") }
            guard !values.contains(where: \.isEmpty) else { throw SweepError("--sweep \(argument): an empty value (values are separated by commas)") }
            guard Set(values).count == values.count else { throw SweepError("--sweep \(argument): a value given twice") }
            guard !axes.contains(where: { $0.key == key }) else { throw SweepError("--sweep \(key): given twice (list its values in one --sweep)") }
            axes.append(Axis(key: key, values: values))
        }
        guard !axes.isEmpty else { throw SweepError("no --sweep given") }
        var count = 1
        for axis in axes {
            let (product, overflow) = count.multipliedReportingOverflow(by: axis.values.count)
            count = overflow ? Int.max : product
        }
        guard count <= maximumCombinations else {
            let sizes = axes.map { String($0.values.count) }.joined(separator: " × ")
            throw SweepError(
                "the sweep has \(count == Int.max ? "too many" : String(count)) combinations (\(sizes)); at most \(maximumCombinations): sweep fewer keys or values"
            )
        }
        self.init(axes: axes)
    }

    /// Every combination, the first axis varying slowest (so the order of the
    /// `--sweep` arguments is the order of the table, and of ties).
    public var combinations: [Combination] {
        axes.reduce([[]] as [Combination]) { partial, axis in
            partial.flatMap { prefix in axis.values.map { prefix + [(key: axis.key, value: $0)] } }
        }
    }

    /// `key=value key=value`, for tables.
    public static func label(_ combination: Combination) -> String {
        combination.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }

    static func closest(to key: String, among keys: [String]) -> String? {
        func distance(_ a: [Character], _ b: [Character]) -> Int {
            var row = Array(0...b.count)
            for i in a.indices {
                var previous = row[0]
                row[0] = i + 1
                for j in b.indices {
                    let old = row[j + 1]
                    row[j + 1] = min(row[j + 1] + 1, row[j] + 1, previous + (a[i] == b[j] ? 0 : 1))
                    previous = old
                }
            }
            return row[b.count]
        }
        let best = keys.filter { !$0.contains("<") }.map { ($0, distance(Array(key), Array($0))) }.min { $0.1 < $1.1 }
        return best.flatMap { $0.1 <= 3 ? $0.0 : nil }
    }
}

/// A bad `--sweep` or `--metric`, said before anything runs.
public struct SweepError: Error, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Leave-one-conversation-out selection: for each conversation k, the
/// combination with the best score on the others is chosen and scored on k.
///
/// Scores pool questions: a combination's score on a set of conversations is
/// the mean of the per-question metric over all their questions (as the
/// "overall" row of mnemo-eval is), so a conversation weighs by its questions.
public enum LeaveOneOut {
    /// The metric summed over a conversation's questions, and how many there were.
    public struct Cell: Sendable, Equatable {
        public var sum: Double
        public var count: Int

        public init(sum: Double, count: Int) {
            self.sum = sum
            self.count = count
        }
    }

    public struct Fold: Sendable, Equatable {
        /// The conversation held out.
        public var heldOut: Int
        /// The combination chosen on the others.
        public var chosen: Int
        /// Its score on the others.
        public var trainingScore: Double
        /// Its score on the conversation held out.
        public var heldOutScore: Double
    }

    public struct Result: Sendable, Equatable {
        public var folds: [Fold]
        /// Every question scored with the combination chosen without its
        /// conversation, pooled: the figure to compare with `bestScore`.
        public var score: Double
        /// The plain mean of the folds' held-out scores.
        public var meanOfFolds: Double
        /// The combination best on every conversation, and its score there.
        public var best: Int
        public var bestScore: Double
        /// `bestScore − score`: how much choosing on the test set flatters.
        public var gap: Double { bestScore - score }
    }

    /// A combination's pooled score over `conversations`.
    public static func score(_ cells: [Cell], over conversations: some Sequence<Int>) -> Double {
        var sum = 0.0
        var count = 0
        for k in conversations {
            sum += cells[k].sum
            count += cells[k].count
        }
        return count == 0 ? 0 : sum / Double(count)
    }

    /// The combination with the highest score over `conversations`; on a tie,
    /// the first (grid order).
    public static func best(_ cells: [[Cell]], over conversations: [Int]) -> (combination: Int, score: Double) {
        var best = (combination: 0, score: -Double.infinity)
        for (c, row) in cells.enumerated() {
            let s = score(row, over: conversations)
            if s > best.score { best = (c, s) }
        }
        return best
    }

    /// `cells[c][k]`: combination c on conversation k. Needs at least one
    /// combination and two conversations, every row as long as the first.
    public static func select(_ cells: [[Cell]]) -> Result {
        precondition(!cells.isEmpty && cells[0].count >= 2 && cells.allSatisfy { $0.count == cells[0].count })
        let conversations = Array(cells[0].indices)
        var folds: [Fold] = []
        var pooledSum = 0.0
        var pooledCount = 0
        for k in conversations {
            let (chosen, training) = best(cells, over: conversations.filter { $0 != k })
            let cell = cells[chosen][k]
            folds.append(Fold(heldOut: k, chosen: chosen, trainingScore: training, heldOutScore: score(cells[chosen], over: [k])))
            pooledSum += cell.sum
            pooledCount += cell.count
        }
        let (bestAll, bestScore) = best(cells, over: conversations)
        return Result(
            folds: folds, score: pooledCount == 0 ? 0 : pooledSum / Double(pooledCount),
            meanOfFolds: folds.map(\.heldOutScore).reduce(0, +) / Double(folds.count), best: bestAll, bestScore: bestScore)
    }
}
