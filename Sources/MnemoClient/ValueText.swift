/// How a JSON value of an answer reads in a table cell.
///
/// `plain` is the value as sent, strings without their quotes (expanded
/// display, which shows every field as it is). `readable` is for the compact
/// table: a time in ISO 8601 UTC loses its `T`, its `Z`, its fraction of a
/// second and what is zero (`2023-05-08T13:56:00Z` → `2023-05-08 13:56`,
/// a midnight → the date), a
/// list of plain values is joined with `, `, an object of plain values reads
/// `key: value, …`; anything nested stays JSON.
enum ValueText {
    static func plain(_ raw: String) -> String {
        if raw == "null" { return "" }
        if raw.hasPrefix("\""), let string = JSONLine.string(raw) { return string }
        return raw
    }

    static func readable(_ raw: String) -> String {
        if raw == "null" { return "" }
        if raw.hasPrefix("\""), let string = JSONLine.string(raw) { return time(string) ?? string }
        if raw.hasPrefix("["), let items = JSONLine.items(raw), items.allSatisfy(isScalar) {
            return items.map(readable).joined(separator: ", ")
        }
        if raw.hasPrefix("{"), let members = JSONLine.members(raw), members.allSatisfy({ isScalar($0.raw) }) {
            return members.map { "\($0.key): \(readable($0.raw))" }.joined(separator: ", ")
        }
        return raw
    }

    /// `from .. to` as the language writes an interval (either end may be open); empty when both are.
    static func interval(_ from: String?, _ to: String?) -> String {
        let start = from.map(readable) ?? ""
        let end = to.map(readable) ?? ""
        if start.isEmpty && end.isEmpty { return "" }
        if start == end { return start }
        return [start, "..", end].filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// A shorter form of an ISO 8601 UTC time (`YYYY-MM-DDTHH:MM:SS[.f]Z`);
    /// nil when `text` is not one.
    static func time(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z") else { return nil }
        let digits: [Int] = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
        let separators: [(Int, Character)] = [(4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":")]
        guard digits.allSatisfy({ bytes[$0] >= 0x30 && bytes[$0] <= 0x39 }),
            separators.allSatisfy({ bytes[$0.0] == $0.1.asciiValue })
        else { return nil }
        let fraction = bytes[19..<(bytes.count - 1)]
        if !fraction.isEmpty {
            guard fraction.first == UInt8(ascii: "."), fraction.count > 1,
                fraction.dropFirst().allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
            else { return nil }
        }
        let date = String(decoding: bytes[0..<10], as: UTF8.self)
        let minutes = String(decoding: bytes[11..<16], as: UTF8.self)
        let seconds = String(decoding: bytes[17..<19], as: UTF8.self)
        if minutes == "00:00" && seconds == "00" { return date }
        if seconds == "00" { return date + " " + minutes }
        return date + " " + minutes + ":" + seconds
    }

    /// A string, number, boolean or null.
    static func isScalar(_ raw: String) -> Bool {
        !(raw.hasPrefix("[") || raw.hasPrefix("{"))
    }
}
