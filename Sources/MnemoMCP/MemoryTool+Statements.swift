import MCP
import MnemoClient

/// The statement each tool's arguments become. Every piece comes from a
/// `ToolArguments` reader, which checks it and quotes strings; the clauses
/// are written in the grammar's order of docs/query-language.md.
extension MemoryTool {
    /// The one-line statement for these arguments.
    /// - Throws: `ToolArgumentError` naming the first argument that is wrong.
    public func statement(for values: [String: Value]?) throws(ToolArgumentError) -> String {
        let arguments = try ToolArguments(tool: rawValue, values: values, accepted: argumentNames)
        var words: [String]
        switch self {
        case .remember:
            words = ["remember", try arguments.requiredQuoted("text")]
            words += try arguments.clauses([
                .name("by", "speaker"), .time("at", "at"), .name("in scene", "scene"), .quoted("ref", "ref"),
                .fraction("importance", "importance"),
            ])
        case .recall:
            words = ["recall", try arguments.requiredQuoted("query")]
            words += try arguments.clauses([
                .name("about", "about"), .name("in scene", "scene"), .interval("during", "during"), .time("as of", "as_of"),
                .time("known as of", "known_as_of"), .wholeNumber("depth", "depth", StatementLimits.recallDepth), .flag("include archived", "include_archived"),
                .choices("kinds", "kinds", ["episode", "fact", "scene", "persona", "insight"]),
                .wholeNumber("limit", "limit", StatementLimits.recallRows), .flag("explain", "explain"),
            ])
        case .assert:
            let predicate = try ToolArguments.word(try arguments.requiredString("predicate"), describedAs: "predicate")
            words = ["assert", "\(predicate)(\(try arguments.factArguments(positional: "arguments", named: "roles")))"]
            words += try arguments.clauses([
                .time("from", "from"), .time("to", "to"), .time("at", "at"), .fraction("confidence", "confidence"),
                .quoted("source", "source"), .name("in scene", "scene"),
            ])
        case .match:
            words = ["match", try arguments.requiredClause("pattern")]
            words += try arguments.clauses([
                .language("where", "where"), .time("as of", "as_of"), .time("known as of", "known_as_of"),
                .wholeNumber("limit", "limit", StatementLimits.rows),
            ])
        case .persona:
            words = ["persona", try arguments.requiredName("name")]
            if arguments.has("attribute") || arguments.has("value") || arguments.has("from") {
                if let other = ["as_of", "limit"].first(where: arguments.has) {
                    throw ToolArgumentError(
                        "persona pins an attribute (attribute, value, from) or shows the persona (as_of, limit), not both; \(other) was given with them")
                }
                words += ["set", try arguments.requiredName("attribute"), "=", try arguments.personaValue("value")]
                words += try arguments.clauses([.time("from", "from")])
            } else {
                words += try arguments.clauses([.time("as of", "as_of"), .wholeNumber("limit", "limit", StatementLimits.rows)])
            }
        case .timeline:
            words = ["timeline", try arguments.requiredName("name")]
            words += try arguments.clauses([.interval("during", "during"), .wholeNumber("limit", "limit", StatementLimits.rows)])
        case .forget:
            words = ["forget", try arguments.id("id")]
        case .consolidate:
            words = ["consolidate"] + (try arguments.clauses([.flag("dry run", "dry_run")]))
        }
        return words.joined(separator: " ")
    }
}

extension ToolArguments {
    /// The value of `persona … set`: a string (quoted), a number, or true/false.
    fileprivate func personaValue(_ name: String) throws(ToolArgumentError) -> String {
        guard let value = value(name) else { throw missing(name, "a string, a number, true or false") }
        switch value {
        case .bool(let flag): return flag ? "true" : "false"
        case .int, .double:
            if let text = Self.numberText(value) { return text }
        case .string, .data:
            return StatementInfo.quoted(try Self.string(value, describedAs: name))
        default:
            break
        }
        throw ToolArgumentError("\(name) must be a string, a number, true or false; got \(Self.shown(value))")
    }
}
