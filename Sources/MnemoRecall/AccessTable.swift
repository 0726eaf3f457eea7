import MnemoModel

/// When each node of a graph was mentioned or recalled: its activation log as
/// the graph was built, and every recall since. Recall's base level is made
/// of it (`GraphIndex.View.baseLevel`).
///
/// It has a lock of its own, apart from the graph's: a recall records what it
/// returned (`GraphIndex.recordAccess`) while other recalls may still be
/// spreading over the graph, and that must not wait for them.
struct AccessTable: Sendable {
    /// Each accessed node's history, by dense node number.
    var histories: [UInt32: AccessHistory] = [:]
    /// The most accesses any one node has: bounds every base level.
    var most = 0

    /// Records an access of `n` at `time` (µs).
    mutating func append(_ n: UInt32, at time: Int64) {
        histories[n, default: AccessHistory()].append(time)
        most = max(most, histories[n]!.count)
    }

    /// Adds accesses the activation log holds folded.
    mutating func addFolded(_ n: UInt32, _ folded: AccessHistory.Folded) {
        histories[n, default: AccessHistory()].addFolded(folded)
        most = max(most, histories[n]!.count)
    }

    /// Gives `from`'s history to `to` (a node a refresh retired and the one
    /// that took its place).
    mutating func move(from: UInt32, to: UInt32) {
        if let history = histories.removeValue(forKey: from) { histories[to] = history }
    }

    /// `n`'s accesses, if it has any.
    func history(_ n: UInt32) -> AccessHistory? {
        histories.isEmpty ? nil : histories[n]
    }
}
