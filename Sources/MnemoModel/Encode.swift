import Foundation

/// How stored things are written on the wire (SPEC §6): one JSON object each,
/// `"kind"` and `"id"` first, times in ISO 8601 UTC.
public enum Encode {
    public static func time(_ t: Timestamp?) -> JSONValue { t.map { .string($0.iso8601) } ?? .null }

    /// A date when the instant is a midnight, else the full time.
    public static func dateOrTime(_ t: Timestamp) -> JSONValue {
        t.microseconds % Timestamp.microsecondsPerDay == 0 ? .string(t.isoDate) : .string(t.iso8601)
    }

    public static func literal(_ literal: Literal) -> JSONValue {
        switch literal {
        case .text(let s): .string(s)
        case .number(let d): .double(d)
        case .time(let t): .string(t.iso8601)
        }
    }

    /// An entity as its name, a literal as itself, a list as an array.
    public static func value(_ value: Value) -> JSONValue {
        switch value {
        case .entity(_, let name): .string(name)
        case .literal(let l): literal(l)
        case .list(let items): .array(items.map(Self.value))
        }
    }

    /// Writes a value as `value(_:)` would, without making the `JSONValue` first.
    public static func write(_ value: Value, to out: inout JSONBuffer) {
        switch value {
        case .entity(_, let name): out.appendQuoted(name)
        case .literal(.text(let s)): out.appendQuoted(s)
        case .literal(.number(let d)): out.append(number: d)
        case .literal(.time(let t)): out.appendQuoted(t)
        case .list(let items):
            out.append("[")
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(",") }
                write(item, to: &out)
            }
            out.append("]")
        }
    }

    /// An id as a JSON string, `"f:17"`, written without making the string first.
    public static func write(_ id: NodeID, to out: inout JSONBuffer) {
        out.append("\"")
        out.append(byte: id.kind.letter)
        out.append(":")
        out.append(id.number)
        out.append("\"")
    }

    /// A fact's answer line, written straight into its text (`write(_:extra:to:)`):
    /// `match`, `history` and `timeline` answer with many of them.
    public static func fact(_ fact: Fact, extra: [(String, JSONValue)] = []) -> JSONValue {
        line(capacity: 256) { write(fact, extra: extra, to: &$0) }
    }

    /// A line `write` writes, as a `.raw` value.
    private static func line(capacity: Int, _ write: (inout JSONBuffer) -> Void) -> JSONValue {
        var out = JSONBuffer(capacity: capacity)
        write(&out)
        return .raw(out.string)
    }

    /// Writes a fact's answer line, member by member, times and ids in place.
    public static func write(_ fact: Fact, extra: [(String, JSONValue)] = [], to out: inout JSONBuffer) {
        writeFactOpening(id: fact.id, predicate: fact.predicate, to: &out)
        for i in 0..<min(fact.roleNames.count, fact.roleValues.count) {
            if i > 0 { out.append(",") }
            out.appendQuoted(fact.roleNames[i])
            out.append(":")
            write(fact.roleValues[i], to: &out)
        }
        fact.sources.withUnsafeBufferPointer { sources in
            writeFactClosing(
                valid: fact.valid, recorded: fact.recorded, confidence: fact.confidence, sources: sources, note: fact.note,
                sceneID: fact.sceneID, supersededBy: fact.supersededBy, to: &out)
        }
        writeMembers(extra, to: &out)
        out.append("}")
    }

    /// The start of a fact's line (`write(_:extra:to:)`), up to the members of
    /// its roles: a reader that writes a fact's roles as it steps them, without
    /// making the `Fact`, writes them next, then `writeFactClosing`.
    public static func writeFactOpening(id: Int64, predicate: String, to out: inout JSONBuffer) {
        out.append(#"{"kind":"fact","id":"#)
        write(NodeID(.fact, id), to: &out)
        out.append(#","predicate":"#)
        out.appendQuoted(predicate)
        out.append(#","roles":{"#)
    }

    /// The rest of a fact's line after its roles (`writeFactOpening`), up to
    /// the extra members and the closing brace, which the caller writes.
    public static func writeFactClosing(
        valid: TimeRange, recorded: TimeRange, confidence: Double, sources: UnsafeBufferPointer<Int64>, note: String?,
        sceneID: Int64?, supersededBy: Int64?, to out: inout JSONBuffer
    ) {
        out.append("}")
        out.append(#","valid_from":"#, quotedOrNull: valid.from)
        out.append(#","valid_to":"#, quotedOrNull: valid.to)
        out.append(#","recorded_at":"#, quotedOrNull: recorded.from)
        out.append(#","retracted_at":"#, quotedOrNull: recorded.to)
        out.append(#","confidence":"#)
        out.append(number: confidence)
        out.append(#","sources":"#)
        JSONObjectText.writeArray(sources, to: &out) { id, out in Self.write(NodeID(.episode, id), to: &out) }
        if let note {
            out.append(#","source":"#)
            out.appendQuoted(note)
        }
        if let sceneID {
            out.append(#","scene":"#)
            write(NodeID(.scene, sceneID), to: &out)
        }
        if let supersededBy {
            out.append(#","superseded_by":"#)
            write(NodeID(.fact, supersededBy), to: &out)
        }
    }

    /// Writes `,"key":value` for each of `members`, in order.
    static func writeMembers(_ members: [(String, JSONValue)], to out: inout JSONBuffer) {
        for (key, value) in members {
            out.append(",")
            out.appendQuoted(key)
            out.append(":")
            value.write(to: &out)
        }
    }

    /// An episode's answer line, written straight into its text (`write(_:extra:to:)`):
    /// `scene` and `timeline` answer with many of them.
    public static func episode(_ e: Episode, extra: [(String, JSONValue)] = []) -> JSONValue {
        line(capacity: 256 + e.text.utf8.count) { write(e, extra: extra, to: &$0) }
    }

    /// Writes an episode's answer line, member by member, times and ids in place.
    public static func write(_ e: Episode, extra: [(String, JSONValue)] = [], to out: inout JSONBuffer) {
        out.append(#"{"kind":"episode","id":"#)
        write(NodeID(.episode, e.id), to: &out)
        out.append(#","ref":"#, quotedOrNull: e.ref)
        out.append(#","text":"#, quotedOrNull: e.text)
        out.append(#","speaker":"#, quotedOrNull: e.speaker)
        out.append(#","at":"#)
        out.appendQuoted(e.at)
        out.append(#","scene":"#)
        if let scene = e.sceneID { write(NodeID(.scene, scene), to: &out) } else { out.append("null") }
        out.append(#","scene_title":"#, quotedOrNull: e.sceneTitle)
        out.append(#","importance":"#)
        out.append(number: e.importance)
        out.append(#","entities":"#)
        JSONObjectText.writeArray(e.entities, to: &out) { name, out in out.appendQuoted(name) }
        out.append(#","times":"#)
        JSONObjectText.writeArray(e.times, to: &out) { t, out in
            JSONValue.object([
                ("text", .string(t.text)), ("from", t.range.from.map(dateOrTime) ?? .null),
                ("to", t.range.to.map(dateOrTime) ?? .null),
            ]).write(to: &out)
        }
        writeMembers(extra, to: &out)
        out.append("}")
    }

    /// A scene's answer line, written straight into its text (`write(_:extra:to:)`).
    public static func scene(_ s: Scene, extra: [(String, JSONValue)] = []) -> JSONValue {
        line(capacity: 256 + (s.summary?.utf8.count ?? 0) + (s.reflection?.utf8.count ?? 0)) { write(s, extra: extra, to: &$0) }
    }

    /// Writes a scene's answer line, member by member, times and ids in place.
    public static func write(_ s: Scene, extra: [(String, JSONValue)] = [], to out: inout JSONBuffer) {
        out.append(#"{"kind":"scene","id":"#)
        write(NodeID(.scene, s.id), to: &out)
        out.append(#","title":"#, quotedOrNull: s.title)
        out.append(#","from":"#, quotedOrNull: s.span.from)
        out.append(#","to":"#, quotedOrNull: s.span.to)
        out.append(#","place":"#, quotedOrNull: s.place)
        out.append(#","participants":"#)
        JSONObjectText.writeArray(s.participants, to: &out) { name, out in out.appendQuoted(name) }
        out.append(#","summary":"#, quotedOrNull: s.summary)
        out.append(#","places":"#)
        JSONObjectText.writeArray(s.places, to: &out) { name, out in out.appendQuoted(name) }
        out.append(#","reflection":"#, quotedOrNull: s.reflection.flatMap { $0.isEmpty ? nil : $0 })
        out.append(s.automatic ? #","automatic":true"# : #","automatic":false"#)
        writeMembers(extra, to: &out)
        out.append("}")
    }

    public static func entity(_ e: Entity, extra: [(String, JSONValue)] = []) -> JSONValue {
        .object(
            [
                ("kind", "entity"), ("id", .string(NodeID(.entity, e.id).description)), ("name", .string(e.name)),
                ("type", e.kind.map { .string($0) } ?? .null), ("aliases", .array(e.aliases.map { .string($0) })),
            ] + extra)
    }

    /// A persona attribute's answer line, written straight into its text (`JSONObjectText`).
    public static func persona(_ p: PersonaAttribute, extra: [(String, JSONValue)] = []) -> JSONValue {
        var o = JSONObjectText(capacity: 256 + p.valueJSON.utf8.count)
        o.add("kind", "persona")
        o.add("id") { out in Self.write(NodeID(p.fact == nil ? .persona : .fact, p.fact ?? p.id), to: &out) }
        o.add("entity", .string(p.entity))
        o.add("attribute", .string(p.name))
        o.add("value", .raw(p.valueJSON))
        o.add("pinned", .bool(p.pinned))
        o.add("valid_from", time(p.valid.from))
        o.add("valid_to", time(p.valid.to))
        o.add("confidence", .double(p.confidence))
        o.add("recorded_at", time(p.recordedAt))
        if !p.pinned {
            o.add("category", .string(p.category))
            o.add("first_seen", time(p.firstSeen))
            o.add("last_seen", time(p.lastSeen))
            o.add("support") { out in JSONObjectText.writeArray(p.support, to: &out) { id, out in Self.write(id, to: &out) } }
        }
        o.add(extra)
        return o.finished()
    }

    /// An insight's answer line, written straight into its text (`JSONObjectText`).
    public static func insight(_ insight: Insight, extra: [(String, JSONValue)] = []) -> JSONValue {
        var o = JSONObjectText(capacity: 256 + insight.text.utf8.count + (insight.data?.utf8.count ?? 0))
        o.add("kind", "insight")
        o.add("id") { out in Self.write(NodeID(.insight, insight.id), to: &out) }
        o.add("type", .string(insight.kind))
        o.add("about", .string(insight.subject))
        o.add("text", .string(insight.text))
        o.add("data", insight.data.map { .raw($0) } ?? .null)
        o.add("support") { out in JSONObjectText.writeArray(insight.support, to: &out) { id, out in Self.write(id, to: &out) } }
        o.add("created_at", time(insight.createdAt))
        o.add(extra)
        return o.finished()
    }
}
