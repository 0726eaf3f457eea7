import MnemoClient

/// One answer line in a few words, for the text content of a tool result:
/// what a reader (a model, a person looking at a host's log) needs to use it
/// — the id, the thing itself, its time, and the score of a recall — with
/// the rest left to the structured content. Fields keep the daemon's order
/// (a fact's roles, a binding's variables), so the line is read from the
/// JSON text with MnemoClient's `JSONLine`.
///
/// ```
/// e:1 2023-05-08T13:56:00Z caroline: "I went to a support group yesterday" (scene "chat 1")
/// f:2 works_at(person: alice, organisation: globex) valid from 2024-01-15T00:00:00Z
/// ?who = alice, ?org = globex (f:2)
/// ```
enum AnswerLineText {
    static func line(_ json: String) -> String {
        guard let fields = Fields(json), let kind = fields.string("kind") else { return json }
        var line: String
        switch kind {
        case "episode": line = episode(fields)
        case "fact": line = fact(fields)
        case "binding": line = binding(fields)
        case "persona": line = persona(fields)
        case "scene": line = scene(fields)
        case "insight": line = "\(fields.text("id")) \(fields.text("type")): \(fields.text("text"))"
        case "journal" where fields.has("target"):
            line = "forgot \(fields.text("target")): deleted \(fields.list("deleted"))"
        case "consolidation":
            let run = fields.raw("dry_run") == "true" ? "dry run" : "run \(fields.text("run"))"
            line = "consolidation \(run): \(fields.text("changes")) changes in \(fields.text("duration_ms")) ms"
            if let warnings = fields.raw("warnings"), warnings != "[]" { line += "; warnings: \(fields.text("warnings"))" }
        case "pass":
            line = "  \(fields.text("pass")): \(fields.text("changes")) changes"
            if let counts = fields.raw("counts"), counts != "{}" { line += " \(counts)" }
        default:
            return json
        }
        if fields.has("score") { line += " score \(fields.text("score"))" }
        return line
    }

    private static func episode(_ fields: Fields) -> String {
        var line = "\(fields.text("id")) \(fields.text("at"))"
        if fields.has("speaker") { line += " \(fields.text("speaker")):" }
        line += " \(fields.quoted("text"))"
        if fields.has("scene_title") { line += " (scene \(fields.quoted("scene_title")))" }
        return line
    }

    private static func fact(_ fields: Fields) -> String {
        var line = "\(fields.text("id")) \(fields.text("predicate"))(\(roles(fields.raw("roles"))))"
        switch (fields.has("valid_from"), fields.has("valid_to")) {
        case (true, true): line += " valid \(fields.text("valid_from")) .. \(fields.text("valid_to"))"
        case (true, false): line += " valid from \(fields.text("valid_from"))"
        case (false, true): line += " valid until \(fields.text("valid_to"))"
        case (false, false): break
        }
        if let confidence = fields.raw("confidence"), confidence != "1" { line += " confidence \(confidence)" }
        if fields.has("retracted_at") { line += " retracted \(fields.text("retracted_at"))" }
        if fields.has("superseded_by") { line += " superseded by \(fields.text("superseded_by"))" }
        if fields.has("supersedes") { line += " supersedes \(fields.text("supersedes"))" }
        if fields.raw("created") == "false" { line += " (already known)" }
        return line
    }

    private static func binding(_ fields: Fields) -> String {
        guard let bindings = fields.raw("bindings").flatMap(Fields.init) else { return fields.json }
        let pairs = bindings.members.map { "?\($0.key) = \(Fields.text($0.raw))" }
        return pairs.joined(separator: ", ") + " (\(fields.list("facts")))"
    }

    private static func persona(_ fields: Fields) -> String {
        var line = "\(fields.text("id")) \(fields.text("entity")): \(fields.text("attribute")) = \(fields.quoted("value"))"
        let pinned = fields.raw("pinned") == "true"
        var notes: [String] = pinned ? ["pinned"] : []
        if fields.has("category") { notes.append(fields.text("category")) }
        if fields.has("valid_from") { notes.append("from \(fields.text("valid_from"))") }
        if fields.has("valid_to") { notes.append("until \(fields.text("valid_to"))") }
        if !pinned && fields.has("confidence") { notes.append("confidence \(fields.text("confidence"))") }
        if !notes.isEmpty { line += " (" + notes.joined(separator: ", ") + ")" }
        return line
    }

    private static func scene(_ fields: Fields) -> String {
        var line = "\(fields.text("id")) \(fields.quoted("title")) \(fields.text("from")) .. "
        line += fields.has("to") ? fields.text("to") : "open"
        if let people = fields.raw("participants"), people != "[]" { line += " with \(fields.list("participants"))" }
        if fields.has("summary") { line += ": \(fields.text("summary"))" }
        return line
    }

    /// `role: filler, …`, positional roles (`_1`, `_2`) without their names.
    private static func roles(_ raw: String?) -> String {
        guard let roles = raw.flatMap(Fields.init) else { return raw ?? "" }
        return roles.members.map { role in
            let filler = Fields.text(role.raw)
            return role.key.hasPrefix("_") && Int(role.key.dropFirst()) != nil ? filler : "\(role.key): \(filler)"
        }.joined(separator: ", ")
    }

    /// The members of one JSON object, in order.
    struct Fields {
        let json: String
        let members: [JSONLine.Member]

        init?(_ json: String) {
            guard let members = JSONLine.members(json) else { return nil }
            self.json = json
            self.members = members
        }

        func raw(_ key: String) -> String? { members.first { $0.key == key }?.raw }

        /// Present and not null.
        func has(_ key: String) -> Bool { raw(key).map { $0 != "null" } ?? false }

        func string(_ key: String) -> String? { raw(key).flatMap(JSONLine.string) }

        func text(_ key: String) -> String { raw(key).map(Self.text) ?? "?" }

        /// The items of a list, joined by commas (without the brackets).
        func list(_ key: String) -> String {
            guard let items = raw(key).flatMap(JSONLine.items) else { return text(key) }
            return items.map(Self.text).joined(separator: ", ")
        }

        /// A string in quotes (so that where it ends is clear); anything else as `text`.
        func quoted(_ key: String) -> String {
            guard let string = string(key) else { return text(key) }
            return StatementInfo.quoted(string)
        }

        /// A value as a reader writes it: strings bare, lists as `[a, b]`, the rest as JSON.
        static func text(_ raw: String) -> String {
            if let string = JSONLine.string(raw) { return string }
            if let items = JSONLine.items(raw) { return "[" + items.map(text).joined(separator: ", ") + "]" }
            return raw
        }
    }
}
