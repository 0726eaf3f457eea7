import GRDB
import MnemoModel

/// A believed fact of a functional predicate that no later value superseded:
/// one of its subject's values.
package struct OpenValue: Sendable {
    package var id: Int64
    package var validFrom: Int64?
    package var validTo: Int64?
    /// The fact's key (`fact.key`): equal keys, equal fillers.
    package var key: Int64
    /// The subject (the filler at position 0, kind and value) as text: the
    /// same for every value of one subject, and it orders the subjects.
    package var subject: String
}

/// What consolidation's supersession pass reads: the values of functional
/// predicates (one value per subject at a time) that are still open.
extension ReadContext {
    /// The predicates declared functional: id and name.
    package func functionalPredicates() throws -> [(id: Int64, name: String)] {
        try Row.fetchAll(db, sql: "SELECT id, name FROM predicate WHERE functional = 1").map { ($0[0], $0[1]) }
    }

    /// The believed facts of predicate `predicateID` not superseded, by
    /// start of validity and id.
    package func openValues(ofPredicate predicateID: Int64) throws -> [OpenValue] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT f.id, f.valid_from, f.valid_to, f.key, r.kind, r.value FROM \(PredicateBlocks.factsOfPredicate)
                CROSS JOIN fact_role r ON r.fact_id = f.id AND r.position = 0 AND r.item IN (-1, 0)
                WHERE \(PredicateBlocks.predicateIs) AND f.retracted_at IS NULL AND f.superseded_by IS NULL
                ORDER BY f.valid_from, f.id
                """, arguments: [predicateID]
        ).map { row in
            OpenValue(id: row[0], validFrom: row[1], validTo: row[2], key: row[3], subject: "\(row[4] as Int64):\(row[5] as DatabaseValue)")
        }
    }

    /// The fact that superseded fact `id`, if any.
    package func supersedingFact(of id: Int64) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT superseded_by FROM fact WHERE id = ?", arguments: [id])
    }

    /// The entity that fills the first role of fact `id`, if an entity does.
    package func subjectEntity(ofFact id: Int64) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT value FROM fact_role WHERE fact_id = ? AND position = 0 AND kind = 0 LIMIT 1", arguments: [id])
    }
}
