import Foundation
import GRDB
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
        let db = context.db
        for predicate in try Row.fetchAll(db, sql: "SELECT id, name FROM predicate WHERE functional = 1") {
            try context.checkCancelled()
            let predicateID: Int64 = predicate[0]
            let predicateName: String = predicate[1]
            // Believed, still-open values, grouped by subject (the filler at position 0).
            var bySubject: [String: [(id: Int64, from: Int64?, to: Int64?, key: Int64)]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT f.id, f.valid_from, f.valid_to, f.key, r.kind, r.value FROM \(PredicateBlocks.factsOfPredicate)
                CROSS JOIN fact_role r ON r.fact_id = f.id AND r.position = 0 AND r.item IN (-1, 0)
                WHERE \(PredicateBlocks.predicateIs) AND f.retracted_at IS NULL AND f.superseded_by IS NULL
                ORDER BY f.valid_from, f.id
                """, arguments: [predicateID]) {
                let subject = "\(row[4] as Int64):\(row[5] as DatabaseValue)"
                bySubject[subject, default: []].append((row[0], row[1], row[2], row[3]))
            }
            for (_, facts) in bySubject.sorted(by: { $0.key < $1.key }) where facts.count > 1 {
                try context.checkCancelled()
                // Same key = same value: not a contradiction.
                for (i, older) in facts.enumerated() {
                    for newer in facts[(i + 1)...] where newer.key != older.key {
                        let olderStart = older.from ?? Int64.min
                        let newerStart = newer.from ?? Int64.min
                        if let end = older.to, end <= newerStart { continue }          // already ended before
                        if let end = newer.to, end <= olderStart { continue }
                        if olderStart < newerStart {
                            if try Int64.fetchOne(db, sql: "SELECT superseded_by FROM fact WHERE id = ?", arguments: [older.id]) != nil { continue }
                            try context.write.closeValidInterval(of: older.id, at: Timestamp(microseconds: newerStart), supersededBy: newer.id)
                            context.count("closed")
                        } else {
                            try recordConflict(older.id, newer.id, predicate: predicateName, context: context)
                        }
                    }
                }
            }
        }
    }

    private func recordConflict(_ a: Int64, _ b: Int64, predicate: String, context: PassContext) throws {
        let db = context.db
        let key = "conflict:f:\(min(a, b)):f:\(max(a, b))"
        guard try Int64.fetchOne(db, sql: "SELECT id FROM insight WHERE key = ?", arguments: [key]) == nil else { return }
        let subject = try Int64.fetchOne(db, sql: "SELECT value FROM fact_role WHERE fact_id = ? AND position = 0 AND kind = 0 LIMIT 1", arguments: [a])
        let text = "\(predicate): f:\(min(a, b)) and f:\(max(a, b)) hold different values from the same time; neither can be ordered after the other"
        let data = JSONValue.object([
            ("facts", .array([.string("f:\(min(a, b))"), .string("f:\(max(a, b))")])), ("predicate", .string(predicate)),
        ]).serialized
        let id = try Insights.upsert(db, key: key, kind: "conflict", subject: subject, text: text, data: data, runID: context.runID, now: context.now)
        try Insights.setSupport(db, insight: id.id, items: [("f", a), ("f", b)])
        context.count("conflicts")
    }
}
