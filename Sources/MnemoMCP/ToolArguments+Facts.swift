import MCP
import MnemoClient

/// The parts of a fact (`assert`): its predicate, role names and fillers.
///
/// Inside a fact's parentheses the language reads bare words as an entity's
/// name and a quoted string as a text value, so a filler is given as JSON
/// that says which it is: a string is an entity (`"alice"`, `"New York"`),
/// `{"text": "…"}` a text, a number a number, `{"time": "2023-05"}` a time,
/// and an array a list of those.
extension ToolArguments {
    /// `ARG, ..., role: ARG, ...` from `arguments` (positional, in order)
    /// and `roles` (named); at least one of them.
    public func factArguments(positional: String, named: String) throws(ToolArgumentError) -> String {
        var parts: [String] = []
        if let value = value(positional) {
            guard case .array(let items) = value else {
                throw ToolArgumentError("\(positional) must be a list of fillers (the predicate's positions, in order)")
            }
            for (index, item) in items.enumerated() {
                parts.append(try Self.filler(item, describedAs: "\(positional)[\(index)]", allowList: true))
            }
        }
        if let value = value(named) {
            guard case .object(let roles) = value else {
                throw ToolArgumentError("\(named) must be an object of role name → filler")
            }
            for role in roles.keys.sorted() {
                let filler = try Self.filler(roles[role] ?? .null, describedAs: "\(named).\(role)", allowList: true)
                parts.append("\(try Self.word(role, describedAs: "role name \(role.debugDescription)")): \(filler)")
            }
        }
        guard !parts.isEmpty else {
            throw ToolArgumentError("\(tool) needs \(positional) or \(named): the fact's fillers")
        }
        return parts.joined(separator: ", ")
    }

    /// One filler as the language writes it.
    static func filler(_ value: Value, describedAs name: String, allowList: Bool) throws(ToolArgumentError) -> String {
        switch value {
        case .string(let text):
            return try entityName(text, describedAs: name)
        case .int, .double:
            guard let text = numberText(value) else { throw ToolArgumentError("\(name) must be a finite number") }
            return text
        case .object(let members) where members.count == 1:
            if let text = members["text"] { return StatementInfo.quoted(try string(text, describedAs: "\(name).text")) }
            if let time = members["time"] { return try self.time(try string(time, describedAs: "\(name).time"), describedAs: "\(name).time") }
        case .array(let items) where allowList && !items.isEmpty:
            var parts: [String] = []
            for (index, item) in items.enumerated() {
                parts.append(try filler(item, describedAs: "\(name)[\(index)]", allowList: false))
            }
            return "[" + parts.joined(separator: ", ") + "]"
        default:
            break
        }
        throw ToolArgumentError(
            "\(name) must be an entity's name (a string), {\"text\": \"…\"}, a number, {\"time\": \"2023-05\"}"
                + (allowList ? ", or a non-empty list of these" : " (lists do not nest)") + "; got \(shown(value))")
    }

    /// An entity's name inside parentheses: words of letters, digits, '_'
    /// and '-', the first starting with a letter or '_', later ones may be
    /// all digits (`New York`, `Route 66`); joined by single spaces.
    static func entityName(_ text: String, describedAs name: String) throws(ToolArgumentError) -> String {
        let words = text.split(whereSeparator: \.isWhitespace)
        guard let first = words.first, isWord(first),
            words.dropFirst().allSatisfy({ isWord($0) || $0.unicodeScalars.allSatisfy(isASCIIDigit) })
        else {
            throw ToolArgumentError(
                "\(name): \(text.debugDescription) cannot be an entity's name inside a fact, where names are words of "
                    + "letters, digits, '_' and '-' (alice, New York, Route 66); give other text as {\"text\": \"…\"}")
        }
        return words.joined(separator: " ")
    }

    /// A predicate or role name: one word.
    static func word(_ text: String, describedAs name: String) throws(ToolArgumentError) -> String {
        guard isWord(Substring(text)) else {
            throw ToolArgumentError(
                "\(name) must be one word of letters, digits, '_' and '-', starting with a letter or '_' (works_at); got \(text.debugDescription)"
            )
        }
        return text
    }

    /// The lexer's WORD: a letter or '_', then letters, digits, '_' or '-'.
    private static func isWord(_ text: Substring) -> Bool {
        guard let first = text.unicodeScalars.first else { return false }
        let startsWell = first.isASCII ? (isASCIILetter(first) || first == "_") : first.properties.isAlphabetic
        return startsWell
            && text.unicodeScalars.dropFirst().allSatisfy { scalar in
                scalar.isASCII
                    ? isASCIILetter(scalar) || isASCIIDigit(scalar) || scalar == "_" || scalar == "-"
                    : scalar.properties.isAlphabetic || scalar.properties.numericType != nil
            }
    }

    private static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    private static func isASCIIDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }
}
