import GRDB
import MnemoModel

/// A persona attribute consolidation derived (not pinned), as stored: what
/// the persona pass compares with what it derives anew.
package struct DerivedAttribute: Sendable {
    package var entity: Int64
    package var id: Int64
    /// `topic`, `activity`, `relationship`, `timeline`, ...
    package var category: String
    package var name: String
    /// The value as JSON text.
    package var value: String
    package var firstSeen: Int64?
    package var lastSeen: Int64?
    package var confidence: Double
}

/// The rows consolidation derives, insights and persona attributes with
/// their `support`, written as a difference from what is stored, so that a
/// second run on the same evidence changes nothing (and journals nothing).
/// Times are those the caller gives: a run stamps what it writes with its
/// own start, not with the transaction's time.
extension WriteContext {
    /// Inserts the insight of that key, or updates it where it differs;
    /// returns its id and whether anything was written.
    @discardableResult
    package func upsertInsight(
        key: String, kind: String, subject: Int64?, text: String, data: String?,
        runID: Int64, at now: Timestamp
    ) throws -> (id: Int64, changed: Bool) {
        if let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT id, kind, subject_id, text, data FROM insight WHERE key = ?"), arguments: [key]) {
            let id: Int64 = row[0]
            if row[1] as String == kind, row[2] as Int64? == subject, row[3] as String == text, row[4] as String? == data {
                return (id, false)
            }
            try db.execute(
                sql: "UPDATE insight SET kind = ?, subject_id = ?, text = ?, data = ?, run_id = ? WHERE id = ?",
                arguments: [kind, subject, text, data, runID, id])
            return (id, true)
        }
        try db.execute(
            sql: "INSERT INTO insight(kind, subject_id, text, data, created_at, run_id, key) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [kind, subject, text, data, now.microseconds, runID, key])
        return (db.lastInsertedRowID, true)
    }

    /// Deletes the keyed insights of a kind whose keys are not in `keep`,
    /// with their support; returns how many went.
    package func pruneInsights(kind: String, keep: Set<String>) throws -> Int {
        var removed = 0
        for row in try Row.fetchAll(db, sql: "SELECT id, key FROM insight WHERE kind = ? AND key IS NOT NULL", arguments: [kind]) {
            guard !keep.contains(row[1] as String) else { continue }
            try db.execute(sql: "DELETE FROM support WHERE owner_kind = 'i' AND owner_id = ?", arguments: [row[0] as Int64])
            try db.execute(sql: "DELETE FROM insight WHERE id = ?", arguments: [row[0] as Int64])
            removed += 1
        }
        return removed
    }

    /// Makes the support of a derived row (`owner` "p" for a persona
    /// attribute, "i" for an insight) exactly `items`, each a kind letter and
    /// an id: what is no longer supported is deleted, what is new inserted,
    /// the rest left alone.
    package func setSupport(owner: String, id: Int64, items: [(String, Int64)]) throws {
        let wanted = Set(items.map { "\($0.0):\($0.1)" })
        var present: Set<String> = []
        for row in try Row.fetchAll(
            db.cachedStatement(sql: "SELECT item_kind, item_id FROM support WHERE owner_kind = ? AND owner_id = ?"),
            arguments: [owner, id])
        {
            let item = "\(row[0] as String):\(row[1] as Int64)"
            if wanted.contains(item) {
                present.insert(item)
            } else {
                try db.cachedStatement(sql: "DELETE FROM support WHERE owner_kind = ? AND owner_id = ? AND item_kind = ? AND item_id = ?")
                    .execute(arguments: [owner, id, row[0] as String, row[1] as Int64])
            }
        }
        for (kind, item) in items where !present.contains("\(kind):\(item)") {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO support(owner_kind, owner_id, item_kind, item_id) VALUES (?, ?, ?, ?)")
                .execute(arguments: [owner, id, kind, item])
            present.insert("\(kind):\(item)")
        }
    }

    /// Stores a derived persona attribute of `entity` for run `runID`, recorded
    /// at `now`; returns its id.
    package func insertDerivedAttribute(
        entity: Int64, category: String, name: String, value: String, confidence: Double,
        firstSeen: Int64?, lastSeen: Int64?, runID: Int64, at now: Timestamp
    ) throws -> Int64 {
        try db.cachedStatement(
            sql: """
                INSERT INTO persona_attribute(entity_id, name, value, pinned, confidence, first_seen, last_seen, recorded_at, run_id, category)
                VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [entity, name, value, confidence, firstSeen, lastSeen, now.microseconds, runID, category])
        return db.lastInsertedRowID
    }

    /// Updates what a derived persona attribute's evidence says of it, for run `runID`.
    package func updateDerivedAttribute(_ id: Int64, firstSeen: Int64?, lastSeen: Int64?, confidence: Double, runID: Int64) throws {
        try db.cachedStatement(sql: "UPDATE persona_attribute SET first_seen = ?, last_seen = ?, confidence = ?, run_id = ? WHERE id = ?")
            .execute(arguments: [firstSeen, lastSeen, confidence, runID, id])
    }

    /// Deletes a derived persona attribute with its support.
    package func deleteDerivedAttribute(_ id: Int64) throws {
        try db.cachedStatement(sql: "DELETE FROM support WHERE owner_kind = 'p' AND owner_id = ?").execute(arguments: [id])
        try db.cachedStatement(sql: "DELETE FROM persona_attribute WHERE id = ?").execute(arguments: [id])
    }
}

extension ReadContext {
    /// The id of the insight of that key.
    package func insightID(key: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT id FROM insight WHERE key = ?", arguments: [key])
    }

    /// Every persona attribute a run derived (not pinned), for everyone at once.
    package func derivedAttributes() throws -> [DerivedAttribute] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT entity_id, id, category, name, value, first_seen, last_seen, confidence FROM persona_attribute
                WHERE pinned = 0 AND run_id IS NOT NULL
                """
        ).map {
            DerivedAttribute(
                entity: $0[0], id: $0[1], category: $0[2], name: $0[3], value: $0[4], firstSeen: $0[5], lastSeen: $0[6],
                confidence: $0[7])
        }
    }

    /// The pinned persona attributes believed and valid at `time`, for
    /// everyone at once: entity, name and value (JSON text).
    package func pinnedAttributeValues(at time: Timestamp) throws -> [(entity: Int64, name: String, value: String)] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT entity_id, name, value FROM persona_attribute WHERE pinned = 1 AND retracted_at IS NULL
                AND (valid_to IS NULL OR valid_to > ?)
                """, arguments: [time.microseconds]
        ).map { ($0[0], $0[1], $0[2]) }
    }
}
