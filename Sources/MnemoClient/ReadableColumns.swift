/// The columns a person reads, per kind of row, for the compact table; the
/// other fields are left to expanded display (`\x` in the REPL, `--expanded`)
/// and to `--json`.
///
/// | kind | columns |
/// |---|---|
/// | episode | id, speaker, when, text |
/// | fact | id, fact (`works_at(alice, acme)`, `lives_in(person: alice, city: paris)`, with `(superseded by f:2)` or `(retracted)`), valid |
/// | scene | id, title, when, with (participants), summary, episodes |
/// | persona | id, entity, category, attribute, value, valid, confidence |
/// | insight | id, type, about, text |
/// | entity | id, name, type, aliases |
/// | binding | one column per variable (`?city`), facts |
/// | journal of a run | run, status, started, finished, summary (`1590 changes in 400.1 ms: entities 2, …`) |
///
/// A `recall` adds `score`, and with `explain` a `why` column (its seeds:
/// the query words or names that gave the answer its activation, with their
/// shares). Any other kind (`stat`, `help`, `space`, `pass`, ...) shows all
/// its fields. Values read as `ValueText.readable` says.
enum ReadableColumns {
    static func cells(_ row: AnswerRow) -> [(header: String, text: String)] {
        func value(_ key: String) -> String { row.raw(key).map(ValueText.readable) ?? "" }
        func valid() -> String { ValueText.interval(row.raw("valid_from"), row.raw("valid_to")) }
        let recall: [(String, String)] = [("score", value("score")), ("why", why(row.raw("seeds")))]
        switch row.kind {
        case "episode":
            return [("id", value("id")), ("speaker", value("speaker")), ("when", value("at")), ("text", value("text"))] + recall
        case "fact":
            return [("id", value("id")), ("fact", fact(row)), ("valid", valid())] + recall
        case "scene":
            return [
                ("id", value("id")), ("title", value("title")), ("when", ValueText.interval(row.raw("from"), row.raw("to"))),
                ("with", value("participants")), ("summary", value("summary")), ("episodes", value("episodes")),
            ] + recall
        case "persona":
            return [
                ("id", value("id")), ("entity", value("entity")), ("category", value("category")), ("attribute", value("attribute")),
                ("value", value("value")), ("valid", valid()), ("confidence", value("confidence")),
            ] + recall
        case "insight":
            return [("id", value("id")), ("type", value("type")), ("about", value("about")), ("text", value("text"))] + recall
        case "entity":
            return [("id", value("id")), ("name", value("name")), ("type", value("type")), ("aliases", value("aliases"))] + recall
        case "binding":
            let variables = row.raw("bindings").flatMap(JSONLine.members) ?? []
            return variables.map { ("?" + $0.key, argument($0.raw)) } + [("facts", value("facts"))]
        case "journal" where row.raw("run") != nil:
            return [
                ("run", value("run")), ("status", value("status")), ("started", value("started_at")),
                ("finished", value("finished_at")), ("summary", row.raw("summary").map(runSummary) ?? ""),
            ]
        default:
            return row.members.map { ($0.key, ValueText.readable($0.raw)) }
        }
    }

    /// A fact as it would be asserted: `predicate(a, b)` for positional
    /// roles, `predicate(role: a, …)` for named ones.
    static func fact(_ row: AnswerRow) -> String {
        let predicate = row.raw("predicate").map(ValueText.plain) ?? "?"
        let roles = row.raw("roles").flatMap(JSONLine.members) ?? []
        let arguments = roles.map { role in
            let positional = role.key.hasPrefix("_") && role.key.dropFirst().allSatisfy(\.isNumber)
            return positional ? argument(role.raw) : "\(role.key): \(argument(role.raw))"
        }
        var text = "\(predicate)(\(arguments.joined(separator: ", ")))"
        if let by = row.raw("superseded_by").map(ValueText.plain), !by.isEmpty { text += " (superseded by \(by))" }
        if let retracted = row.raw("retracted_at").map(ValueText.plain), !retracted.isEmpty { text += " (retracted)" }
        return text
    }

    /// A role's value: a list in brackets, anything else readable.
    private static func argument(_ raw: String) -> String {
        raw.hasPrefix("[") ? "[" + ValueText.readable(raw) + "]" : ValueText.readable(raw)
    }

    /// A run's journal summary as `1590 changes in 400.1 ms: entities 2,
    /// scenes 21, …` (and `failed: …`); any other value readable.
    static func runSummary(_ raw: String) -> String {
        guard let members = JSONLine.members(raw) else { return ValueText.readable(raw) }
        func field(_ key: String) -> String? { members.first { $0.key == key }.map { ValueText.plain($0.raw) } }
        var text = "\(field("changes") ?? "?") changes in \(field("duration_ms") ?? "?") ms"
        let passes = members.first { $0.key == "passes" }.flatMap { JSONLine.items($0.raw) } ?? []
        let counts = passes.compactMap(JSONLine.members).map { pass in
            let name = pass.first { $0.key == "pass" }.map { ValueText.plain($0.raw) } ?? "?"
            return "\(name) \(pass.first { $0.key == "changes" }.map { ValueText.plain($0.raw) } ?? "?")"
        }
        if !counts.isEmpty { text += ": " + counts.joined(separator: ", ") }
        if let failure = field("failure"), !failure.isEmpty { text += "; failed: \(failure)" }
        return text
    }

    /// `explain`'s seeds as `"pottery" 91%, Mel 9%`: the words of a text
    /// seed quoted, the name of an entity, about or scene seed as it is.
    static func why(_ seeds: String?) -> String {
        guard let seeds, let items = JSONLine.items(seeds) else { return "" }
        return items.compactMap { item -> String? in
            guard let members = JSONLine.members(item) else { return nil }
            func field(_ key: String) -> String? { members.first { $0.key == key }?.raw }
            let cue: String
            if let words = field("words") {
                cue = "\"" + (JSONLine.items(words) ?? []).map(ValueText.plain).joined(separator: " ") + "\""
            } else if let name = field("name") {
                cue = ValueText.plain(name)
            } else {
                cue = field("node").map(ValueText.plain) ?? "?"
            }
            guard let share = field("share").flatMap(Double.init), let percent = Int(exactly: (share * 100).rounded()) else { return cue }
            return "\(cue) \(percent)%"
        }.joined(separator: ", ")
    }
}
