/// Names of entities, scenes and predicates as the memory compares them.
///
/// Two spellings that differ only in letter case or white space name the same
/// thing: `"Alice  Smith"` and `"alice smith"` normalise to `alice smith`. The
/// first spelling seen is kept for display.
public enum Name {
    /// Lower case, white space runs folded to one space, trimmed.
    public static func normalize(_ name: some StringProtocol) -> String {
        var out = ""
        out.reserveCapacity(name.utf8.count)
        var pendingSpace = false
        for ch in name {
            if ch.isWhitespace {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace {
                out.append(" ")
                pendingSpace = false
            }
            out += ch.lowercased()
        }
        return out
    }

    /// The display form: trimmed, inner white space folded, case kept.
    public static func display(_ name: some StringProtocol) -> String {
        name.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
