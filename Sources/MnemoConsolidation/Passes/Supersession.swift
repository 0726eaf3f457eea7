import Foundation
import MnemoModel
import MnemoStore

/// Pass 2: a functional predicate holds one value per subject at a time. Facts
/// asserted before the predicate was declared functional (or written by rules
/// that did not know) may still hold several open values; this pass closes
/// each older one where the next begins, as an assertion would have. Values
/// that cannot be ordered — they begin at the same time, or neither says when
/// — are contradictions: each pair is recorded once as a `conflict` insight,
/// with both facts as its support, and both stay believed.
struct Supersession: ConsolidationPass {
    let name = "supersession"

    func run(_ context: PassContext) throws {
        let read = context.read
        for predicate in try read.functionalPredicates() {
            try context.checkCancelled()
            // Believed, still-open values, grouped by subject (the filler at position 0).
            var bySubject: [String: [(id: Int64, from: Int64?, to: Int64?, key: Int64)]] = [:]
            for value in try read.openValues(ofPredicate: predicate.id) {
                bySubject[value.subject, default: []].append((value.id, value.validFrom, value.validTo, value.key))
            }
            for (_, facts) in bySubject.sorted(by: { $0.key < $1.key }) where facts.count > 1 {
                try context.checkCancelled()
                // Same key = same value: not a contradiction.
                for (i, older) in facts.enumerated() {
                    for newer in facts[(i + 1)...] where newer.key != older.key {
                        let olderStart = older.from ?? Int64.min
                        let newerStart = newer.from ?? Int64.min
                        if let end = older.to, end <= newerStart { continue } // already ended before
                        if let end = newer.to, end <= olderStart { continue }
                        if olderStart < newerStart {
                            if try read.supersedingFact(of: older.id) != nil { continue }
                            try context.write.closeValidInterval(of: older.id, at: Timestamp(microseconds: newerStart), supersededBy: newer.id)
                            context.count("closed")
                        } else {
                            try recordConflict(older.id, newer.id, predicate: predicate.name, context: context)
                        }
                    }
                }
            }
        }
    }

    private func recordConflict(_ a: Int64, _ b: Int64, predicate: String, context: PassContext) throws {
        let key = "conflict:f:\(min(a, b)):f:\(max(a, b))"
        guard try context.read.insightID(key: key) == nil else { return }
        let subject = try context.read.subjectEntity(ofFact: a)
        let text = "\(predicate): f:\(min(a, b)) and f:\(max(a, b)) hold different values from the same time; neither can be ordered after the other"
        let data = JSONValue.object([
            ("facts", .array([.string("f:\(min(a, b))"), .string("f:\(max(a, b))")])), ("predicate", .string(predicate)),
        ]).serialized
        let id = try context.write.upsertInsight(
            key: key, kind: "conflict", subject: subject, text: text, data: data, runID: context.runID,
            at: context.now)
        try context.write.setSupport(owner: "i", id: id.id, items: [("f", a), ("f", b)])
        context.count("conflicts")
    }
}
