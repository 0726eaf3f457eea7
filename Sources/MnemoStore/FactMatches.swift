import MnemoModel

/// The facts matching a pattern under a time filter, oldest first, read a
/// chunk at a time as they are asked for: a join that stops after ten
/// answers reads about ten facts' worth of each atom, not every fact.
///
/// The facts come with their roles and times only: no sources, and the
/// defaults for confidence, note, origin and scene (`FactScan.Options`).
/// `match` answers with fact ids and bindings, which need no more.
public struct FactMatches {
    let reader: ReadContext
    var scan: FactScan?
    let constraints: [ReadContext.Constraint]
    let time: TimeFilter
    /// The chunk being handed out, last fact first: `popLast` moves a fact
    /// out without copying it.
    private var chunk: [Fact] = []

    init(reader: ReadContext, scan: FactScan?, constraints: [ReadContext.Constraint], time: TimeFilter) {
        self.reader = reader
        self.scan = scan
        self.constraints = constraints
        self.time = time
    }

    /// The next matching fact, `nil` when there are no more.
    public mutating func next() throws -> Fact? {
        while true {
            if let fact = chunk.popLast() {
                if let admitted = try admitted(fact) { return admitted }
                continue
            }
            guard scan != nil else { return nil }
            chunk = try scan!.next()
            chunk.reverse()
            if chunk.isEmpty {
                scan = nil
                return nil
            }
        }
    }

    /// The fact as the time filter sees it, when it passes the filter and the pattern.
    private func admitted(_ read: consuming Fact) throws -> Fact? {
        var fact = read
        if let knownAsOf = time.knownAsOf {
            guard let belief = try reader.belief(of: fact, at: knownAsOf) else { return nil }
            fact.valid = belief.valid
            fact.recorded = belief.recorded
        } else if fact.recorded.to != nil {
            return nil
        }
        if let asOf = time.asOf, !fact.valid.contains(asOf) { return nil }
        if time.excludeSuperseded, fact.supersededBy != nil { return nil }
        guard constraints.allSatisfy({ $0.matches(fact) }) else { return nil }
        return fact
    }
}
