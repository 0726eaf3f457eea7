import Foundation
import GRDBSQLite
import MnemoModel

/// Turns `fact_role` rows, stepped through SQLite's C API, into a fact's
/// role names, values and positions.
///
/// The rows of one fact are given with `add`, in position and item order,
/// and the fact is closed with `finish`. Entity names come from the read's
/// `ReadCache`. A role's name is kept once per position, and a fact's list of
/// names and of positions is the previous fact's when they are the same: the
/// facts of a predicate almost always name their positions alike, so a
/// million rows make neither a million strings nor two million arrays.
struct RoleDecoder {
    /// A role name kept for a position, with its bytes to compare rows with.
    private struct Name {
        var text: String
        var utf8: [UInt8]
    }

    /// By position: positions are small and dense, so an array indexed by
    /// them finds a name without hashing.
    private var names: [Name?] = []
    /// The names and positions of the fact being decoded.
    private var pendingNames: [String] = []
    private var pendingPositions: [Int] = []
    /// The names and positions the last facts finished were given: each
    /// name the one kept for its position (`names`), unless a fact's
    /// `readNewName` made them its own.
    private var lastNames: [String] = []
    private var lastPositions: [Int] = []
    /// Whether a name of the fact being decoded may not be the one kept for
    /// its position: read from its row instead, or a second name at one
    /// position (a store edited by hand), which replaces the first one kept.
    private var readNewName = false

    /// Adds the role in `row`, whose columns from `column` on are
    /// `position, item, role, kind, value`, to `fact`: a list item joins the
    /// list its position already holds. `finish` gives the fact its names.
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
        let last = fact.roleValues.count - 1
        if pendingPositions.last == position, last >= 0, case .list(var items) = fact.roleValues[last] {
            // The list taken out first, so that it is grown in place rather than copied.
            fact.roleValues[last] = .list([])
            items.append(value)
            fact.roleValues[last] = .list(items)
            return
        }
        if pendingPositions.last == position { readNewName = true }
        pendingNames.append(name(row, column: column + 2, position: position))
        fact.roleValues.append(item >= 0 ? .list([value]) : value)
        pendingPositions.append(position)
    }

    /// Whether every role added has been given to its fact by `finish`.
    var isFinished: Bool { pendingPositions.isEmpty }

    /// Gives `fact` the names and positions of the roles added since the
    /// last `finish`.
    mutating func finish(_ fact: inout Fact) {
        // Unless `readNewName`, every name is the one kept for its position,
        // as every name of `lastNames` is: the same bytes at the same
        // positions. (Not compared with `==`, which holds two spellings of
        // "café" equal: the fact would get the other's.)
        if pendingPositions != lastPositions || readNewName {
            lastNames = pendingNames
            lastPositions = pendingPositions
        }
        readNewName = false
        fact.roleNames = lastNames
        fact.rolePositions = lastPositions
        pendingNames.removeAll(keepingCapacity: true)
        pendingPositions.removeAll(keepingCapacity: true)
    }

    private mutating func name(_ row: OpaquePointer, column: Int32, position: Int) -> String {
        let count = Int(sqlite3_column_bytes(row, column))
        let bytes = sqlite3_column_text(row, column)
        if position >= 0, position < names.count, let known = names[position], known.utf8.count == count,
            count == 0 || known.utf8.withUnsafeBufferPointer({ memcmp($0.baseAddress!, bytes!, count) == 0 })
        {
            return known.text
        }
        readNewName = true
        let name = FastStatement.optionalText(row, column) ?? ""
        // A position far past the others (a store edited by hand) is not kept.
        if position >= 0, position < 1024 {
            if position >= names.count { names.append(contentsOf: repeatElement(nil, count: position + 1 - names.count)) }
            names[position] = Name(text: name, utf8: Array(name.utf8))
        }
        return name
    }
}
