import GRDBSQLite
import MnemoModel

/// Turns `fact_role` rows, stepped through SQLite's C API, into a fact's
/// role names, values and positions.
///
/// Entity names come from the read's `ReadCache`; a role's name is kept once
/// per position, since the facts of a predicate almost always name a
/// position alike, so that a million rows do not make a million strings.
struct RoleDecoder {
    private var names: [Int: String] = [:]

    /// Adds the role in `row`, whose columns from `column` on are
    /// `position, item, role, kind, value`, to `fact`: a list item joins the
    /// list its position already holds.
    mutating func add(_ row: OpaquePointer, at column: Int32, to fact: inout Fact, reader: ReadContext) throws {
        let position = Int(FastStatement.int64(row, column))
        let item = FastStatement.int64(row, column + 1)
        let valueColumn = column + 4
        let value: Value
        switch FillerKind(rawValue: FastStatement.int64(row, column + 3)) {
        case .entity: value = try reader.cache.entity(FastStatement.int64(row, valueColumn), in: reader.db)
        case .text: value = .literal(.text(FastStatement.optionalText(row, valueColumn) ?? ""))
        case .number: value = .literal(.number(sqlite3_column_double(row, valueColumn)))
        case .time: value = .literal(.time(Timestamp(microseconds: FastStatement.int64(row, valueColumn))))
        case nil: value = .literal(.text("?"))
        }
        if fact.rolePositions.last == position, case .list(let items) = fact.roleValues[fact.roleValues.count - 1] {
            fact.roleValues[fact.roleValues.count - 1] = .list(items + [value])
            return
        }
        fact.roleNames.append(name(row, column: column + 2, position: position))
        fact.roleValues.append(item >= 0 ? .list([value]) : value)
        fact.rolePositions.append(position)
    }

    private mutating func name(_ row: OpaquePointer, column: Int32, position: Int) -> String {
        let count = Int(sqlite3_column_bytes(row, column))
        if let known = names[position], known.utf8.count == count,
            let bytes = sqlite3_column_text(row, column),
            known.utf8.elementsEqual(UnsafeBufferPointer(start: bytes, count: count))
        {
            return known
        }
        let name = FastStatement.optionalText(row, column) ?? ""
        names[position] = name
        return name
    }
}
