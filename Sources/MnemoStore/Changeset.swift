import CSQLiteSession
import Foundation
import GRDB
import GRDBSQLite
import MnemoModel

/// A changeset of SQLite's session extension, as the consolidation journal
/// stores it (`consolidation_pass.changeset`): the exact before and after of
/// every row a pass changed, which `undo consolidation` inverts and applies,
/// and which `forget` redacts.
public struct Changeset: Sendable {
    public var data: Data

    public init(data: Data) { self.data = data }

    /// One changed row, rendered for the journal (`consolidation_change`).
    public struct Change: Sendable {
        public var table: String
        /// insert, update or delete.
        public var op: String
        /// The row before and after as JSON arrays of column values; `nil`
        /// when the operation has no such side. In an update, the columns it
        /// did not change are null.
        public var before: String?
        public var after: String?

        /// The row's first column (its id, for tables that have one) as a JSON array.
        public var key: String {
            guard let values = try? JSONSerialization.jsonObject(with: Data((before ?? after ?? "[]").utf8)) as? [Any],
                let first = values.first
            else { return "[]" }
            let value: JSONValue =
                switch first {
                case let text as String: .string(text)
                case let number as Int64: .int(number)
                case let number as Double: .double(number)
                default: .null
                }
            return JSONValue.array([value]).serialized
        }
    }

    /// The stored things a list of changes touched, ordered by kind and
    /// number: what in-memory indexes refresh after a pass or an undo.
    package static func touched(by changes: [Change]) -> [NodeID] {
        var ids: Set<NodeID> = []
        for change in changes {
            // The rows are the JSON arrays `changes()` wrote from SQLite values.
            guard let text = change.before ?? change.after,
                let values = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any]
            else { continue }
            func number(_ i: Int) -> Int64? { i < values.count ? (values[i] as? NSNumber)?.int64Value : nil }
            func add(_ kind: NodeKind, _ i: Int) { if let n = number(i) { ids.insert(NodeID(kind, n)) } }
            switch change.table {
            case "episode": add(.episode, 0)
            case "fact", "fact_role", "fact_source": add(.fact, 0)
            case "scene": add(.scene, 0)
            case "scene_member":
                add(.scene, 0)
                add(.entity, 1)
            case "entity_link":
                add(.entity, 0)
                add(.entity, 1)
            case "entity": add(.entity, 0)
            case "persona_attribute": add(.persona, 0)
            case "insight": add(.insight, 0)
            case "support":
                // owner_kind, owner_id, item_kind, item_id: the owner's support changed.
                if let owner = (values.first as? String)?.first.flatMap(NodeKind.init(rawValue:)) { add(owner, 1) }
            default: break
            }
        }
        return ids.sorted { ($0.kind.rawValue, $0.number) < ($1.kind.rawValue, $1.number) }
    }

    /// Every change, in order.
    public func changes() throws -> [Change] {
        guard !data.isEmpty else { return [] }
        final class Box { var changes: [Change] = [] }
        let box = Box()
        var copy = data
        let rc = copy.withUnsafeMutableBytes { raw in
            mnemo_changeset_visit(Int32(raw.count), raw.baseAddress, Unmanaged.passUnretained(box).toOpaque()) { context, table, op, before, after in
                let box = Unmanaged<Box>.fromOpaque(context!).takeUnretainedValue()
                let name =
                    switch op {
                    case 18: "insert"
                    case 23: "update"
                    case 9: "delete"
                    default: "op \(op)"
                    }
                box.changes.append(
                    Change(
                        table: String(cString: table!), op: name,
                        before: before.map { String(cString: $0) }, after: after.map { String(cString: $0) }))
            }
        }
        guard rc == 0 else { throw MnemoError(.internalError, "unreadable changeset (SQLite code \(rc))") }
        return box.changes
    }

    /// Every row of `tables` of `db`'s main database, as inserts: the
    /// difference from the same tables, empty, in the attached database `empty`.
    static func snapshot(of db: Database, tables: [String], against empty: String) throws -> Changeset {
        guard let connection = db.sqliteConnection else { throw MnemoError(.internalError, "no SQLite connection") }
        var names = tables.map { strdup($0) }
        defer { for name in names { free(name) } }
        var size: Int32 = 0
        var out: UnsafeMutableRawPointer?
        let rc = names.withUnsafeMutableBufferPointer { buffer -> Int32 in
            buffer.withMemoryRebound(to: UnsafePointer<CChar>?.self) { pointers in
                mnemo_snapshot_changeset(UnsafeMutableRawPointer(connection), pointers.baseAddress, Int32(pointers.count), empty, &size, &out)
            }
        }
        guard rc == 0 else { throw MnemoError(.internalError, "cannot take a snapshot of the space (SQLite code \(rc))") }
        defer { mnemo_free(out) }
        guard let out, size > 0 else { return Changeset(data: Data()) }
        return Changeset(data: Data(bytes: out, count: Int(size)))
    }

    /// The changeset that undoes this one.
    public func inverted() throws -> Changeset {
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
        var skipped: Int32 = 0
        var conflicts: Int32 = 0
        var copy = data
        let rc = copy.withUnsafeMutableBytes { raw in
            mnemo_changeset_apply(UnsafeMutableRawPointer(connection), Int32(raw.count), raw.baseAddress, &skipped, &conflicts)
        }
        if conflicts > 0 { return (Int(skipped), Int(conflicts)) }
        guard rc == 0 else { throw MnemoError(.internalError, "cannot apply a changeset (SQLite code \(rc))") }
        return (Int(skipped), 0)
    }

    /// Applies the changeset on `db`, a replica of the file it was recorded
    /// on, as another daemon wrote it: a row that differs from what it
    /// expects, beyond what this file's own cascades and triggers did first,
    /// is a divergence, and nothing is applied.
    func applyAsReplica(to db: Database) throws {
        guard !data.isEmpty else { return }
        guard let connection = db.sqliteConnection else { throw MnemoError(.internalError, "no SQLite connection") }
        var conflicts: Int32 = 0
        var copy = data
        let rc = copy.withUnsafeMutableBytes { raw in
            mnemo_changeset_apply_replica(UnsafeMutableRawPointer(connection), Int32(raw.count), raw.baseAddress, &conflicts)
        }
        if conflicts > 0 { throw MnemoError(.conflict, "\(conflicts) row(s) differ from the file the change was written on") }
        guard rc == 0 else { throw MnemoError(.internalError, "cannot apply a changeset (SQLite code \(rc))") }
    }

    /// One change as a filter sees it: the table, the operation and the
    /// values it carries, column by column.
    public struct Row {
        public let table: String
        /// SQLITE_INSERT (18), SQLITE_UPDATE (23) or SQLITE_DELETE (9).
        public let op: Int32
        let before: UnsafePointer<mnemo_value>?
        let after: UnsafePointer<mnemo_value>?
        public let columns: Int

        /// Whether column `i` holds, before or after the change, an integer `accepts`.
        public func integer(_ i: Int, where accepts: (Int64) -> Bool) -> Bool {
            guard i < columns else { return false }
            if let value = before?[i], value.type == SQLITE_INTEGER, accepts(Int64(value.integer)) { return true }
            if let value = after?[i], value.type == SQLITE_INTEGER, accepts(Int64(value.integer)) { return true }
            return false
        }

        /// The integer column `i` holds before the change, else after it.
        public func integer(_ i: Int) -> Int64? {
            var found: Int64?
            _ = integer(i) {
                found = $0
                return true
            }
            return found
        }

        /// Whether column `i` holds, before or after the change, a text `accepts`.
        public func text(_ i: Int, where accepts: (String) -> Bool) -> Bool {
            guard i < columns else { return false }
            func text(_ value: mnemo_value?) -> String? {
                guard let value, value.type == SQLITE_TEXT, let bytes = value.bytes else { return nil }
                return String(decoding: UnsafeRawBufferPointer(start: bytes, count: Int(value.length)), as: UTF8.self)
            }
            if let t = text(before?[i]), accepts(t) { return true }
            if let t = text(after?[i]), accepts(t) { return true }
            return false
        }

        /// The text column `i` holds before the change, else after it.
        public func text(_ i: Int) -> String? {
            var found: String?
            _ = text(i) {
                found = $0
                return true
            }
            return found
        }
    }

    /// What a filter does with a change.
    public enum Verdict {
        case keep
        case drop
        /// Kept without these (non-key) columns: see `mnemo_change_filter`.
        case redact([Int])
    }

    /// This changeset with only the changes `decide` keeps, redacted as it
    /// says, and how many were kept.
    public func filtered(_ decide: (Row) -> Verdict) throws -> (changeset: Changeset, kept: Int) {
        guard !data.isEmpty else { return (self, 0) }
        typealias Decide = (Row) -> Verdict
        return try withoutActuallyEscaping(decide) { decide in
            final class Box {
                let decide: Decide
                /// The last table's name, made once per run of its changes (the
                /// iterator reuses one buffer for every table's name).
                var table: (bytes: [CChar], name: String)?
                init(_ d: @escaping Decide) { decide = d }
            }
            let box = Box(decide)
            var size: Int32 = 0
            var kept: Int32 = 0
            var out: UnsafeMutableRawPointer?
            let rc = data.withUnsafeBytes { raw in
                mnemo_changeset_filter(
                    Int32(raw.count), raw.baseAddress, Unmanaged.passUnretained(box).toOpaque(),
                    { context, table, op, columns, before, after, redact in
                        let box = Unmanaged<Box>.fromOpaque(context!).takeUnretainedValue()
                        if box.table.map({ strcmp($0.bytes, table!) != 0 }) ?? true {
                            let name = String(cString: table!)
                            box.table = (Array(name.utf8CString), name)
                        }
                        let row = Row(table: box.table!.name, op: op, before: before, after: after, columns: Int(columns))
                        switch box.decide(row) {
                        case .keep: return 1
                        case .drop: return 0
                        case .redact(let columns):
                            redact!.pointee = columns.filter { (0..<64).contains($0) }.reduce(UInt64(0)) { $0 | (1 << UInt64($1)) }
                            return 1
                        }
                    }, &size, &out, &kept)
            }
            guard rc == 0 else { throw MnemoError(.internalError, "cannot filter a changeset (SQLite code \(rc))") }
            defer { mnemo_free(out) }
            guard let out, size > 0 else { return (Changeset(data: Data()), 0) }
            return (Changeset(data: Data(bytes: out, count: Int(size))), Int(kept))
        }
    }
}
