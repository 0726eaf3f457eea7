/// The order in which an answer lists names (an episode's entities, a
/// scene's participants and places): by their bytes, as SQLite's BINARY
/// collation orders them, then by entity id.
///
/// Not by Swift's `<` or `==` on `String`: those hold canonically equivalent
/// spellings equal ("José" written with é, or with e and a combining accent),
/// which are two entities here, and mixing that equality with an order by
/// bytes is not a consistent order at all.
enum NameOrder {
    static func precedes(_ a: (name: String, id: Int64), _ b: (name: String, id: Int64)) -> Bool {
        a.name.utf8.elementsEqual(b.name.utf8) ? a.id < b.id : a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
    }
}
