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
    /// The chunk being handed out, and the index of the next fact in it.
    private var chunk: [Fact] = []
    private var nextInChunk = 0

    init(reader: ReadContext, scan: FactScan?, constraints: [ReadContext.Constraint], time: TimeFilter) {
        self.reader = reader
        self.scan = scan
        self.constraints = constraints
        self.time = time
    }

    /// The next matching fact, `nil` when there are no more.
    public mutating func next() throws -> Fact? {
        while true {
            if nextInChunk < chunk.count {
                // Moved out, an empty fact left in its place: a copy would
                // retain each of its arrays and strings, and the chunk's end
                // release them again.
                var fact = Fact.vacated
                swap(&fact, &chunk[nextInChunk])
                nextInChunk += 1
                if try admit(&fact) { return fact }
                continue
            }
            guard scan != nil else { return nil }
            chunk = try scan!.next()
            nextInChunk = 0
            if chunk.isEmpty {
                scan = nil
                return nil
            }
        }
    }

    /// Whether the fact passes the time filter and the pattern; its times
    /// become those believed at `known as of` when the filter has one.
    private func admit(_ fact: inout Fact) throws -> Bool {
        if let knownAsOf = time.knownAsOf {
            guard try reader.believe(&fact, at: knownAsOf) else { return false }
        } else if fact.recorded.to != nil {
            return false
        }
        if let asOf = time.asOf, !fact.valid.contains(asOf) { return false }
        if time.excludeSuperseded, fact.supersededBy != nil { return false }
        return constraints.allSatisfy { $0.matches(fact) }
    }
}

extension Fact {
    /// What a fact moved out of its chunk leaves behind: nothing allocated.
    static let vacated = Fact(
        id: 0, predicate: "", roleNames: [], roleValues: [], valid: TimeRange(from: nil, to: nil),
        recorded: TimeRange(from: nil, to: nil), confidence: 0, sources: [], note: nil, origin: "", sceneID: nil, supersededBy: nil)
}
