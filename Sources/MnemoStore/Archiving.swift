import GRDB
import MnemoModel

/// An episode or fact the decay pass scores: one archived, or one old
/// enough to be.
package struct ArchiveCandidate: Sendable {
    package var id: Int64
    package var recordedAt: Int64
    package var archived: Bool
    /// An episode's importance; 0 for a fact, which has none.
    package var importance: Double
}

/// Archiving: an archived episode or fact is kept, but left out of `recall`
/// unless `include archived` asks. Consolidation's decay pass decides what is
/// archived and what is restored; these are the rows it reads and the flag it sets.
extension ReadContext {
    /// The episodes (or facts) archived, and those recorded before `cutoff`.
    package func archiveCandidates(_ kind: NodeKind, recordedBefore cutoff: Int64) throws -> [ArchiveCandidate] {
        let (table, importance) = try Self.archivable(kind)
        return try Row.fetchAll(
            db,
            sql: """
                SELECT id, recorded_at, archived, \(importance) FROM \(table) WHERE archived = 1 OR recorded_at < ?
                """, arguments: [cutoff]
        ).map { ArchiveCandidate(id: $0[0], recordedAt: $0[1], archived: $0[2], importance: $0[3]) }
    }

    /// The table of an archivable kind and the SQL of its importance.
    static func archivable(_ kind: NodeKind) throws -> (table: String, importance: String) {
        switch kind {
        case .episode: ("episode", "importance")
        case .fact: ("fact", "0.0")
        default: throw MnemoError(.internalError, "\(kind) is not archived")
        }
    }
}

extension WriteContext {
    /// Archives an episode or fact, or restores it.
    package func setArchived(_ kind: NodeKind, _ id: Int64, _ archived: Bool) throws {
        let table = try ReadContext.archivable(kind).table
        try db.cachedStatement(sql: "UPDATE \(table) SET archived = ? WHERE id = ?").execute(arguments: [archived, id])
    }
}
