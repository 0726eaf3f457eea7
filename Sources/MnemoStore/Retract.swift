import GRDB
import MnemoModel

extension WriteContext {
    /// Closes a fact's recorded interval: from `at` (default: now) the memory
    /// no longer believes it. The fact stays, for `history` and `known as of`.
    /// Returns `false` when it was already retracted (nothing changes).
    @discardableResult
    public func retract(fact id: Int64, at: Timestamp? = nil) throws -> Bool {
        guard let row = try Row.fetchOne(db, sql: "SELECT recorded_at, retracted_at FROM fact WHERE id = ?", arguments: [id]) else {
            throw MnemoError(.notFound, "f:\(id) does not exist")
        }
        if (row[1] as Int64?) != nil { return false }
        let when = at ?? now
        let recordedAt = Timestamp(microseconds: row[0])
        guard when >= recordedAt else {
            throw MnemoError(.invalid, "f:\(id) was recorded at \(recordedAt.iso8601); it cannot be retracted before that")
        }
        try db.execute(sql: "UPDATE fact SET retracted_at = ? WHERE id = ?", arguments: [when.microseconds, id])
        return true
    }
}
