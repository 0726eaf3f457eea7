/// Recall@k of ranked refs against the evidence, per LoCoMo question category
/// (mnemo-eval): the mean over questions of the share of a question's evidence
/// turns among the first k answers.
public struct LocomoScores: Sendable, Equatable {
    public static let ks = [1, 5, 10, 20]
    /// The categories scored, and their names.
    public static let categories = [1, 2, 3, 4]
    public static let names = [1: "multi-hop", 2: "temporal", 3: "open-domain", 4: "single-hop"]

    /// category → k → sum over its questions
    public var sums: [Int: [Int: Double]] = [:]
    public var counts: [Int: Int] = [:]

    public init() {}

    public mutating func add(category: Int, ranked: [String], evidence: Set<String>) {
        counts[category, default: 0] += 1
        for k in Self.ks {
            let hits = Set(ranked.prefix(k)).intersection(evidence).count
            sums[category, default: [:]][k, default: 0] += Double(hits) / Double(evidence.count)
        }
    }

    /// Adds another set of questions' scores (e.g. one conversation's to the total).
    public mutating func add(_ other: LocomoScores) {
        for (category, byK) in other.sums {
            for (k, sum) in byK { sums[category, default: [:]][k, default: 0] += sum }
        }
        for (category, count) in other.counts { counts[category, default: 0] += count }
    }

    /// The questions of `category`, or of all categories when nil.
    public func count(_ category: Int?) -> Int {
        category.map { counts[$0] ?? 0 } ?? counts.values.reduce(0, +)
    }

    /// The metric summed over the questions of `category` (all when nil).
    public func sum(_ category: Int?, _ k: Int) -> Double {
        if let category { return sums[category]?[k] ?? 0 }
        return sums.keys.sorted().reduce(0) { $0 + (sums[$1]?[k] ?? 0) }
    }

    public func recall(_ category: Int?, _ k: Int) -> Double {
        sum(category, k) / Double(max(1, count(category)))
    }
}

/// What a sweep ranks combinations by: Recall@k over every question, or over
/// one category's (`--metric r10`, `--metric multi-hop:r10`, `--metric 1:r10`).
public struct RecallMetric: Sendable, Equatable, CustomStringConvertible {
    public var k: Int
    /// nil: every category.
    public var category: Int?

    public init(k: Int, category: Int? = nil) {
        self.k = k
        self.category = category
    }

    public init(parsing text: String) throws(SweepError) {
        let parts = text.lowercased().split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let usage =
            "--metric \(text): expected r1, r5, r10 or r20, optionally after a category and ':' (multi-hop:r10, temporal, open-domain, single-hop, or 1-4)"
        guard (1...2).contains(parts.count), let last = parts.last, last.hasPrefix("r"), let k = Int(last.dropFirst()), LocomoScores.ks.contains(k)
        else { throw SweepError(usage) }
        var category: Int? = nil
        if parts.count == 2 {
            if let number = Int(parts[0]), LocomoScores.categories.contains(number) {
                category = number
            } else if let named = LocomoScores.names.first(where: { $0.value == parts[0] })?.key {
                category = named
            } else {
                throw SweepError(usage)
            }
        }
        self.init(k: k, category: category)
    }

    /// The metric's sum and question count over `scores`, for `LeaveOneOut`.
    public func cell(_ scores: LocomoScores) -> LeaveOneOut.Cell {
        LeaveOneOut.Cell(sum: scores.sum(category, k), count: scores.count(category))
    }

    public var description: String {
        "R@\(k)" + (category.map { " \(LocomoScores.names[$0]!)" } ?? " overall")
    }
}
