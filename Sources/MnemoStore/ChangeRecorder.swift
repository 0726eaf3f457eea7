import CSQLiteSession
import Foundation
import GRDB
import MnemoModel

/// Records every row a consolidation pass changes, through SQLite's session
/// extension, as a changeset: the exact before and after of each row, which
/// `undo consolidation` inverts and applies.
///
/// A recorder lives inside one write transaction: begin it before the pass
/// writes, take the changeset before the transaction commits. What it
/// records goes to the journal (`WriteContext.journalPass`).
package final class ChangeRecorder {
    /// The tables consolidation may change. (The journal's own tables and the
    /// activation log are not recorded.) Children come before their parents:
    /// a changeset lists tables in this order, so undoing a run first puts
    /// back the rows that point to a scene, then deletes the scene — never the
    /// reverse, which would let `ON DELETE SET NULL` change a row under the undo.
    static let tables = [
        "support", "persona_attribute", "insight", "fact_source", "fact_role", "fact_belief", "fact",
        "episode", "scene_member", "scene", "entity_link", "entity_alias", "predicate", "entity",
    ]

    private var session: UnsafeMutableRawPointer?

    /// Begins recording what `write` changes in `tables` from now on.
    package convenience init(_ write: WriteContext) throws {
        try self.init(db: write.db, tables: Self.tables)
    }

    /// Begins recording what is changed on `db` in `tables` from now on.
    init(db: Database, tables: [String]) throws {
        guard let connection = db.sqliteConnection else { throw MnemoError(.internalError, "no SQLite connection") }
        var names = tables.map { strdup($0) }
        defer { for name in names { free(name) } }
        let rc = names.withUnsafeMutableBufferPointer { buffer -> Int32 in
            buffer.withMemoryRebound(to: UnsafePointer<CChar>?.self) { pointers in
                mnemo_session_begin(UnsafeMutableRawPointer(connection), pointers.baseAddress, Int32(pointers.count), &session)
            }
        }
        guard rc == 0 else { throw MnemoError(.internalError, "cannot record changes (SQLite code \(rc))") }
    }

    deinit { mnemo_session_end(session) }

    /// What changed since the recorder began; empty when nothing did.
    package func changeset() throws -> Changeset {
        var size: Int32 = 0
        var bytes: UnsafeMutableRawPointer?
        let rc = mnemo_session_changeset(session, &size, &bytes)
        guard rc == 0 else { throw MnemoError(.internalError, "cannot read the recorded changes (SQLite code \(rc))") }
        defer { mnemo_free(bytes) }
        guard let bytes, size > 0 else { return Changeset(data: Data()) }
        return Changeset(data: Data(bytes: bytes, count: Int(size)))
    }
}
