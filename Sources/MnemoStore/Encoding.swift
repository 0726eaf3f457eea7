import GRDB
import MnemoModel

/// How a role filler is stored in `fact_role(kind, value)`.
enum FillerKind: Int64 {
    case entity = 0
    case text = 1
    case number = 2
    case time = 3
}

/// A filler resolved for storage: the entity's id, or the literal itself.
package enum StoredFiller: Hashable, Sendable {
    case entity(Int64)
    case literal(Literal)

    var kind: FillerKind {
        switch self {
        case .entity: .entity
        case .literal(.text): .text
        case .literal(.number): .number
        case .literal(.time): .time
        }
    }

    var databaseValue: DatabaseValue {
        switch self {
        case .entity(let id): id.databaseValue
        case .literal(.text(let s)): s.databaseValue
        case .literal(.number(let d)): d.databaseValue
        case .literal(.time(let t)): t.microseconds.databaseValue
        }
    }
}

/// FNV-1a, 64 bits: a stable hash of a fact's predicate and fillers, used to
/// find an identical fact already stored without comparing every role.
struct FactKey {
    private var hash: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ bytes: some Sequence<UInt8>) {
        for b in bytes {
            hash ^= UInt64(b)
            hash &*= 0x0000_0100_0000_01b3
        }
        hash ^= 0xff
        hash &*= 0x0000_0100_0000_01b3
    }

    mutating func add(_ value: Int64) {
        withUnsafeBytes(of: value.littleEndian) { add($0) }
    }

    mutating func add(_ filler: StoredFiller) {
        add(filler.kind.rawValue)
        switch filler {
        case .entity(let id): add(id)
        case .literal(.text(let s)): add(s.utf8)
        case .literal(.number(let d)): add(Int64(bitPattern: d.bitPattern))
        case .literal(.time(let t)): add(t.microseconds)
        }
    }

    var value: Int64 { Int64(bitPattern: hash) }
}

extension Timestamp {
    /// Reads a nullable time column.
    init?(databaseMicroseconds value: Int64?) {
        guard let value else { return nil }
        self.init(microseconds: value)
    }
}

extension Optional where Wrapped == Timestamp {
    var databaseValue: DatabaseValue { self?.microseconds.databaseValue ?? .null }
}
