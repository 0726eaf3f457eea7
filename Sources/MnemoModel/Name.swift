/// Names of entities, scenes and predicates as the memory compares them.
///
/// Two spellings that differ only in letter case or white space name the same
/// thing: `"Alice  Smith"` and `"alice smith"` normalise to `alice smith`. The
/// first spelling seen is kept for display.
public enum Name {
    /// Lower case, white space runs folded to one space, trimmed.
    public static func normalize(_ name: some StringProtocol) -> String {
        if let ascii = normalizeASCII(name) { return ascii }
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

    /// The same for pure ASCII text, on bytes: names are looked up on every
    /// write, and most are ASCII. `nil` when the text is not ASCII.
    private static func normalizeASCII(_ name: some StringProtocol) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(name.utf8.count)
        var pendingSpace = false
        for b in name.utf8 {
            if b >= 0x80 { return nil }
            if b == 0x20 || (0x09...0x0D).contains(b) {
                pendingSpace = !bytes.isEmpty
                continue
            }
            if pendingSpace {
                bytes.append(0x20)
                pendingSpace = false
            }
            bytes.append((0x41...0x5A).contains(b) ? b + 0x20 : b)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The display form: trimmed, inner white space folded, case kept.
    public static func display(_ name: some StringProtocol) -> String {
        name.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
