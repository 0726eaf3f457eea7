import Foundation
import MCP
import MnemoClient

/// The arguments of one tool call, checked and turned into pieces of a
/// statement of the query language (docs/query-language.md).
///
/// Nothing the MCP client sends is trusted: each reader checks the JSON type
/// and range of its argument and throws a `ToolArgumentError` that says what
/// is wrong, and strings become quoted string literals
/// (`StatementInfo.quoted`), so that no argument can end a string early,
/// add a clause or break the line. The few arguments that are pieces of the
/// language themselves (a `match` pattern, a time, an interval, an id, a
/// name inside a fact's parentheses) are checked against the grammar's
/// tokens before they are put in. A JSON `null` counts as absent.
public struct ToolArguments: Sendable {
    public let tool: String
    private let values: [String: Value]

    /// - Throws: for an argument the tool does not take.
    public init(tool: String, values: [String: Value]?, accepted: [String]) throws(ToolArgumentError) {
        self.tool = tool
        self.values = (values ?? [:]).filter { !$0.value.isNull }
        if let unknown = self.values.keys.sorted().first(where: { !accepted.contains($0) }) {
            throw ToolArgumentError(
                "\(tool) takes no argument '\(unknown)'; its arguments are \(accepted.joined(separator: ", "))")
        }
    }

    /// Whether the argument was given (and is not null).
    public func has(_ name: String) -> Bool { values[name] != nil }

    // MARK: JSON types

    /// A string argument as given.
    public func string(_ name: String) throws(ToolArgumentError) -> String? {
        guard let value = values[name] else { return nil }
        return try Self.string(value, describedAs: name)
    }

    public func requiredString(_ name: String) throws(ToolArgumentError) -> String {
        guard let text = try string(name) else { throw missing(name, "a string") }
        return text
    }

    /// `true` or `false`; false when absent.
    public func flag(_ name: String) throws(ToolArgumentError) -> Bool {
        guard let value = values[name] else { return false }
        guard case .bool(let flag) = value else { throw ToolArgumentError("\(name) must be true or false") }
        return flag
    }

    /// A whole number within `range` (a JSON number without a fraction).
    public func wholeNumber(_ name: String, in range: ClosedRange<Int>) throws(ToolArgumentError) -> Int? {
        guard let value = values[name] else { return nil }
        let number: Int?
        switch value {
        case .int(let whole): number = whole
        case .double(let real): number = Int(exactly: real)
        default: number = nil
        }
        guard let number, range.contains(number) else {
            throw ToolArgumentError(
                "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound); got \(Self.shown(value))")
        }
        return number
    }

    /// A number from 0 to 1, written as the language writes numbers.
    public func fraction(_ name: String) throws(ToolArgumentError) -> String? {
        guard let value = values[name] else { return nil }
        guard let number = Self.number(value), (0...1).contains(number) else {
            throw ToolArgumentError("\(name) must be a number from 0 to 1; got \(Self.shown(value))")
        }
        return Self.numberText(value) ?? "\(number)"
    }

    // MARK: Pieces of statements

    /// A string as a quoted string literal (it may be empty).
    public func quoted(_ name: String) throws(ToolArgumentError) -> String? {
        try string(name).map(StatementInfo.quoted)
    }

    /// A string that must be given and not blank, as a quoted string literal.
    public func requiredQuoted(_ name: String) throws(ToolArgumentError) -> String {
        let text = try requiredString(name)
        guard !text.allSatisfy(\.isWhitespace) else { throw ToolArgumentError("\(name) must not be empty") }
        return StatementInfo.quoted(text)
    }

    /// A name (entity, scene, attribute) as a quoted string, which the
    /// language takes wherever it takes a name outside parentheses.
    public func name(_ name: String) throws(ToolArgumentError) -> String? {
        guard let text = try string(name) else { return nil }
        return try Self.quotedName(text, describedAs: name)
    }

    public func requiredName(_ name: String) throws(ToolArgumentError) -> String {
        try Self.quotedName(try requiredString(name), describedAs: name)
    }

    /// A time: ISO 8601 (`2023`, `2023-05`, `2023-05-08`, `2023-05-08T13:56`, seconds, fraction, zone) or `now`.
    public func time(_ name: String) throws(ToolArgumentError) -> String? {
        guard let text = try string(name) else { return nil }
        return try Self.time(text, describedAs: name)
    }

    /// An interval: a time, or two joined by `..`.
    public func interval(_ name: String) throws(ToolArgumentError) -> String? {
        guard let text = try string(name) else { return nil }
        let ends = text.components(separatedBy: "..")
        guard ends.count <= 2 else {
            throw ToolArgumentError("\(name) must be a time or two times joined by '..' (2023-05 .. 2023-08); got \(text.debugDescription)")
        }
        let times = try ends.map { (end: String) throws(ToolArgumentError) -> String in
            let trimmed = end.trimmingCharacters(in: .whitespaces)
            do { return try Self.time(trimmed, describedAs: name) } catch {
                throw ToolArgumentError(
                    "\(name) must be a time or two times joined by '..' (2023-05 .. 2023-08), each ISO 8601 or now; got \(text.debugDescription)"
                )
            }
        }
        return times.joined(separator: " .. ")
    }

    /// A piece of the language itself (a `match` pattern, a `where`
    /// condition), put in as written: it must be one line, and it is what the
    /// daemon's parser judges. Blank counts as absent.
    public func clause(_ name: String) throws(ToolArgumentError) -> String? {
        guard let text = try string(name) else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" })
        else { throw ToolArgumentError("\(name) must be one line without control characters") }
        return trimmed
    }

    public func requiredClause(_ name: String) throws(ToolArgumentError) -> String {
        guard let text = try clause(name) else { throw missing(name, "a piece of the query language (not empty)") }
        return text
    }

    /// An id of a stored thing: `n:5`, `e:17`, `f:42`, `s:3`, `p:2` or `i:9`.
    public func id(_ name: String) throws(ToolArgumentError) -> String {
        let text = try requiredString(name).trimmingCharacters(in: .whitespaces)
        guard text.wholeMatch(of: /[nefspi]:(?:0|[1-9][0-9]{0,17})/) != nil else {
            throw ToolArgumentError(
                "\(name) must be an id such as f:42 (n: entity, e: episode, f: fact, s: scene, p: persona attribute, i: insight); got \(text.debugDescription)"
            )
        }
        return text
    }

    /// A list of distinct words from `allowed`, comma-separated for the statement.
    public func choices(_ name: String, from allowed: [String]) throws(ToolArgumentError) -> String? {
        guard let value = values[name] else { return nil }
        let complaint = ToolArgumentError(
            "\(name) must be a non-empty list of distinct values from \(allowed.joined(separator: ", ")); got \(Self.shown(value))")
        guard case .array(let items) = value, !items.isEmpty else { throw complaint }
        var words: [String] = []
        for item in items {
            guard case .string(let word) = item, allowed.contains(word), !words.contains(word) else { throw complaint }
            words.append(word)
        }
        return words.joined(separator: ", ")
    }

    /// The raw value of an argument (for the readers of other files).
    func value(_ name: String) -> Value? { values[name] }

    func missing(_ name: String, _ what: String) -> ToolArgumentError {
        ToolArgumentError("\(tool) needs \(name), \(what)")
    }

    // MARK: Checks shared by the readers

    static func string(_ value: Value, describedAs name: String) throws(ToolArgumentError) -> String {
        switch value {
        case .string(let text):
            return text
        case .data:
            // The SDK decodes a string that looks like a `data:` URL as data; its description is that URL again.
            return value.description
        default:
            throw ToolArgumentError("\(name) must be a string; got \(shown(value))")
        }
    }

    static func quotedName(_ text: String, describedAs name: String) throws(ToolArgumentError) -> String {
        guard !text.allSatisfy(\.isWhitespace) else { throw ToolArgumentError("\(name) must be a name, not empty") }
        return StatementInfo.quoted(text)
    }

    static func time(_ text: String, describedAs name: String) throws(ToolArgumentError) -> String {
        let pattern = /[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2}(?:[Tt][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,9})?)?(?:[Zz]|[+-][0-9]{2}:?[0-9]{2})?)?)?)?/
        if text.lowercased() == "now" || text.wholeMatch(of: pattern) != nil { return text }
        throw ToolArgumentError(
            "\(name) must be a time in ISO 8601 (2023, 2023-05, 2023-05-08, 2023-05-08T13:56, 2023-05-08T13:56:07Z, +02:00 offsets) or now; got \(text.debugDescription)"
        )
    }

    /// A value as JSON, for messages (at most 80 characters).
    static func shown(_ value: Value) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return value.description }
        let text = String(decoding: data, as: UTF8.self)
        return text.count > 80 ? String(text.prefix(79)) + "…" : text
    }

    static func number(_ value: Value) -> Double? {
        switch value {
        case .int(let whole): return Double(whole)
        case .double(let real): return real.isFinite ? real : nil
        default: return nil
        }
    }

    /// A JSON number as the language's NUMBER token.
    static func numberText(_ value: Value) -> String? {
        switch value {
        case .int(let whole): return String(whole)
        case .double(let real) where real.isFinite: return "\(real)"
        default: return nil
        }
    }
}
