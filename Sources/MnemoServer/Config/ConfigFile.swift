import Foundation

/// Reads a configuration file in postgresql.conf style: one `key = value` per
/// line (the `=` is optional), `#` starts a comment, values may be quoted with
/// single quotes (`'a value # with a hash'`, `''` for a quote inside).
public enum ConfigFile {
    public struct Entry: Sendable, Hashable {
        public var key: String
        public var value: String
        public var line: Int
    }

    public static func read(path: String) throws(ConfigError) -> [Entry] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ConfigError(file: path, line: 0, message: "no such file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, line: 0, message: "cannot read (permission denied?)")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw ConfigError(file: path, line: 0, message: "not valid UTF-8")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws(ConfigError) -> [Entry] {
        var entries: [Entry] = []
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = offset + 1
            var chars = Substring(rawLine)
            if chars.last == "\r" { chars = chars.dropLast() }
            chars = chars.drop { $0 == " " || $0 == "\t" }
            if chars.isEmpty || chars.first == "#" { continue }
            let key = chars.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-" }
            guard !key.isEmpty else {
                throw ConfigError(file: file, line: lineNumber, message: "expected 'key = value', found \"\(chars)\"")
            }
            var rest = chars.dropFirst(key.count).drop { $0 == " " || $0 == "\t" }
            if rest.first == "=" { rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" } }
            let value: String
            if rest.first == "'" {
                var out = ""
                var i = rest.index(after: rest.startIndex)
                var closed = false
                while i < rest.endIndex {
                    let c = rest[i]
                    if c == "'" {
                        let next = rest.index(after: i)
                        if next < rest.endIndex, rest[next] == "'" {
                            out.append("'")
                            i = rest.index(after: next)
                            continue
                        }
                        closed = true
                        i = next
                        break
                    }
                    out.append(c)
                    i = rest.index(after: i)
                }
                guard closed else { throw ConfigError(file: file, line: lineNumber, message: "unterminated quoted value for \(key)") }
                let trailing = rest[i...].drop { $0 == " " || $0 == "\t" }
                guard trailing.isEmpty || trailing.first == "#" else {
                    throw ConfigError(file: file, line: lineNumber, message: "unexpected text after the quoted value of \(key): \"\(trailing)\"")
                }
                value = out
            } else {
                let uncommented = rest.prefix { $0 != "#" }
                value = String(uncommented).trimmingCharacters(in: .whitespaces)
            }
            entries.append(Entry(key: String(key), value: value, line: lineNumber))
        }
        return entries
    }
}
