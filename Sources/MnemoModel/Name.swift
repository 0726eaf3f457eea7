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
        if let string = name as? String, isNormalASCII(string) { return string }
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
        if let string = name as? String, isFoldedASCII(string, lowerCase: false) { return string }
        return name.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Whether ASCII text is already normalised: no upper case, single spaces
    /// between words, none at the ends, no other white space. The common case
    /// (a name looked up again) then costs a scan, not a copy.
    private static func isNormalASCII(_ string: String) -> Bool { isFoldedASCII(string, lowerCase: true) }

    private static func isFoldedASCII(_ string: String, lowerCase: Bool) -> Bool {
        var previousSpace = true // a space first is not folded
        for b in string.utf8 {
            if b >= 0x80 || (0x09...0x0D).contains(b) || (lowerCase && (0x41...0x5A).contains(b)) { return false }
            if b == 0x20 {
                if previousSpace { return false }
                previousSpace = true
            } else {
                previousSpace = false
            }
        }
        return !previousSpace || string.isEmpty
    }
}
