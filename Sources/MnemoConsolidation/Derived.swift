import Foundation
import GRDB
import MnemoModel

/// Writing insights and their support so that a second run with the same
/// evidence changes nothing: an insight is found again by its key, and only
/// what differs is written.
enum Insights {
    /// Inserts the insight of that key, or updates it where it differs.
    @discardableResult
    static func upsert(_ db: Database, key: String, kind: String, subject: Int64?, text: String, data: String?,
                       runID: Int64, now: Timestamp) throws -> (id: Int64, changed: Bool) {
        if let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT id, kind, subject_id, text, data FROM insight WHERE key = ?"), arguments: [key]) {
            let id: Int64 = row[0]
            if row[1] as String == kind, row[2] as Int64? == subject, row[3] as String == text, row[4] as String? == data {
                return (id, false)
            }
            try db.execute(sql: "UPDATE insight SET kind = ?, subject_id = ?, text = ?, data = ?, run_id = ? WHERE id = ?",
                           arguments: [kind, subject, text, data, runID, id])
            return (id, true)
        }
        try db.execute(sql: "INSERT INTO insight(kind, subject_id, text, data, created_at, run_id, key) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       arguments: [kind, subject, text, data, now.microseconds, runID, key])
        return (db.lastInsertedRowID, true)
    }

    /// Deletes the insights of a kind whose keys were not derived again, with their support.
    static func prune(_ db: Database, kind: String, keep: Set<String>) throws -> Int {
        var removed = 0
        for row in try Row.fetchAll(db, sql: "SELECT id, key FROM insight WHERE kind = ? AND key IS NOT NULL", arguments: [kind]) {
            guard !keep.contains(row[1] as String) else { continue }
            try db.execute(sql: "DELETE FROM support WHERE owner_kind = 'i' AND owner_id = ?", arguments: [row[0] as Int64])
            try db.execute(sql: "DELETE FROM insight WHERE id = ?", arguments: [row[0] as Int64])
            removed += 1
        }
        return removed
    }

    static func setSupport(_ db: Database, insight id: Int64, items: [(String, Int64)]) throws {
        try Support.set(db, owner: "i", id: id, items: items)
    }
}

/// The `support` rows of a derived thing, written as a difference.
enum Support {
    static func set(_ db: Database, owner: String, id: Int64, items: [(String, Int64)]) throws {
        let wanted = Set(items.map { "\($0.0):\($0.1)" })
        var present: Set<String> = []
        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT item_kind, item_id FROM support WHERE owner_kind = ? AND owner_id = ?"),
                                    arguments: [owner, id]) {
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
}

/// JSON text built by hand where a whole encoder is not worth it.
enum JSONText {
    /// Sorted-key JSON of a dictionary of plain values.
    static func object(_ fields: [String: Any]) -> String {
        (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes]))
            .flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }
}
