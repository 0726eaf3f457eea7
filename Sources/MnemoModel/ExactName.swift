/// A name as a dictionary key that is equal to another only when their
/// UTF-8 bytes are, as SQLite compares `TEXT` (BINARY collation).
///
/// Swift's `String` holds canonically equivalent spellings equal ("José"
/// written with é, or with e and a combining accent), which the store keeps
/// as two names: a cache keyed by `String` would find one under the other
/// while it is warm, and SQLite would not after a restart, so the same
/// statement could name a different entity before and after one.
public struct ExactName: Hashable, Sendable {
    public let string: String

    public init(_ string: String) { self.string = string }

    public static func == (a: ExactName, b: ExactName) -> Bool {
        a.string.utf8.count == b.string.utf8.count && a.string.utf8.elementsEqual(b.string.utf8)
    }

    public func hash(into hasher: inout Hasher) {
        let hashed: Void? = string.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if hashed == nil {
            for byte in string.utf8 { hasher.combine(byte) }
        }
        hasher.combine(string.utf8.count)
    }
}
