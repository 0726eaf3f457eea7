import CSQLiteSession
import Foundation
import GRDB
import MnemoModel

/// Records every row a consolidation pass changes, through SQLite's session
/// extension, as a changeset: the exact before and after of each row, which
/// `undo consolidation` inverts and applies.
///
/// A recorder lives inside one write transaction: begin it before the pass
/// writes, take the changeset before the transaction commits.
final class ChangeRecorder {
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

    init(_ db: Database) throws {
        guard let connection = db.sqliteConnection else { throw MnemoError(.internalError, "no SQLite connection") }
        var names = Self.tables.map { strdup($0) }
        defer { names.forEach { free($0) } }
        let rc = names.withUnsafeMutableBufferPointer { buffer -> Int32 in
            buffer.withMemoryRebound(to: UnsafePointer<CChar>?.self) { pointers in
                mnemo_session_begin(UnsafeMutableRawPointer(connection), pointers.baseAddress, Int32(pointers.count), &session)
            }
        }
        guard rc == 0 else { throw MnemoError(.internalError, "cannot record changes (SQLite code \(rc))") }
    }

    deinit { mnemo_session_end(session) }

    /// What changed since the recorder began; empty when nothing did.
    func changeset() throws -> Data {
        var size: Int32 = 0
        var bytes: UnsafeMutableRawPointer?
        let rc = mnemo_session_changeset(session, &size, &bytes)
        guard rc == 0 else { throw MnemoError(.internalError, "cannot read the recorded changes (SQLite code \(rc))") }
        defer { mnemo_free(bytes) }
        guard let bytes, size > 0 else { return Data() }
        return Data(bytes: bytes, count: Int(size))
    }
}

/// A changeset as stored in the journal, and what can be done with one.
struct Changeset {
    var data: Data

    /// One changed row, rendered for the journal.
    struct Change {
        var table: String
        var op: String
        var before: String?
        var after: String?
    }

    /// Every change, in order.
    func changes() throws -> [Change] {
        guard !data.isEmpty else { return [] }
        final class Box { var changes: [Change] = [] }
        let box = Box()
        var copy = data
        let rc = copy.withUnsafeMutableBytes { raw in
            mnemo_changeset_visit(Int32(raw.count), raw.baseAddress, Unmanaged.passUnretained(box).toOpaque()) { context, table, op, before, after in
                let box = Unmanaged<Box>.fromOpaque(context!).takeUnretainedValue()
                let name = switch op { case 18: "insert"; case 23: "update"; case 9: "delete"; default: "op \(op)" }
                box.changes.append(Change(table: String(cString: table!), op: name,
                                          before: before.map { String(cString: $0) }, after: after.map { String(cString: $0) }))
            }
        }
        guard rc == 0 else { throw MnemoError(.internalError, "unreadable changeset (SQLite code \(rc))") }
        return box.changes
    }

    /// The changeset that undoes this one.
    func inverted() throws -> Changeset {
        guard !data.isEmpty else { return self }
        var size: Int32 = 0
        var out: UnsafeMutableRawPointer?
        let rc = data.withUnsafeBytes { raw in mnemo_changeset_invert(Int32(raw.count), raw.baseAddress, &size, &out) }
        guard rc == 0, let out else { throw MnemoError(.internalError, "cannot invert a changeset (SQLite code \(rc))") }
        defer { mnemo_free(out) }
        return Changeset(data: Data(bytes: out, count: Int(size)))
    }

    /// Applies the changeset on `db`. Rows already gone are skipped; a row that
    /// changed since is a conflict and nothing is applied.
    func apply(to db: Database) throws -> (skipped: Int, conflicts: Int) {
        guard !data.isEmpty else { return (0, 0) }
        guard let connection = db.sqliteConnection else { throw MnemoError(.internalError, "no SQLite connection") }
        var skipped: Int32 = 0, conflicts: Int32 = 0
        var copy = data
        let rc = copy.withUnsafeMutableBytes { raw in
            mnemo_changeset_apply(UnsafeMutableRawPointer(connection), Int32(raw.count), raw.baseAddress, &skipped, &conflicts)
        }
        if conflicts > 0 { return (Int(skipped), Int(conflicts)) }
        guard rc == 0 else { throw MnemoError(.internalError, "cannot apply a changeset (SQLite code \(rc))") }
        return (Int(skipped), 0)
    }
}
