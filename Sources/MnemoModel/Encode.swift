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

    public static func fact(_ fact: Fact, extra: [(String, JSONValue)] = []) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("kind", "fact"), ("id", .string(NodeID(.fact, fact.id).description)),
            ("predicate", .string(fact.predicate)),
            ("roles", .object(zip(fact.roleNames, fact.roleValues).map { ($0, value($1)) })),
            ("valid_from", time(fact.valid.from)), ("valid_to", time(fact.valid.to)),
            ("recorded_at", time(fact.recorded.from)), ("retracted_at", time(fact.recorded.to)),
            ("confidence", .double(fact.confidence)),
            ("sources", .array(fact.sources.map { .string(NodeID(.episode, $0).description) })),
        ]
        if let note = fact.note { fields.append(("source", .string(note))) }
        if let scene = fact.sceneID { fields.append(("scene", .string(NodeID(.scene, scene).description))) }
        if let by = fact.supersededBy { fields.append(("superseded_by", .string(NodeID(.fact, by).description))) }
        return .object(fields + extra)
    }

    public static func episode(_ e: Episode, extra: [(String, JSONValue)] = []) -> JSONValue {
        .object(
            [
                ("kind", "episode"), ("id", .string(NodeID(.episode, e.id).description)),
                ("ref", e.ref.map { .string($0) } ?? .null), ("text", .string(e.text)),
                ("speaker", e.speaker.map { .string($0) } ?? .null), ("at", time(e.at)),
                ("scene", e.sceneID.map { .string(NodeID(.scene, $0).description) } ?? .null),
                ("scene_title", e.sceneTitle.map { .string($0) } ?? .null),
                ("importance", .double(e.importance)),
                ("entities", .array(e.entities.map { .string($0) })),
                (
                    "times",
                    .array(
                        e.times.map { t in
                            .object([
                                ("text", .string(t.text)), ("from", t.range.from.map(dateOrTime) ?? .null),
                                ("to", t.range.to.map(dateOrTime) ?? .null),
                            ])
                        })
                ),
            ] + extra)
    }

    public static func scene(_ s: Scene, extra: [(String, JSONValue)] = []) -> JSONValue {
        .object(
            [
                ("kind", "scene"), ("id", .string(NodeID(.scene, s.id).description)), ("title", .string(s.title)),
                ("from", time(s.span.from)), ("to", time(s.span.to)),
                ("place", s.place.map { .string($0) } ?? .null),
                ("participants", .array(s.participants.map { .string($0) })),
                ("summary", s.summary.map { .string($0) } ?? .null),
                ("places", .array(s.places.map { .string($0) })),
                ("reflection", s.reflection.flatMap { $0.isEmpty ? nil : JSONValue.string($0) } ?? .null),
                ("automatic", .bool(s.automatic)),
            ] + extra)
    }

    public static func entity(_ e: Entity, extra: [(String, JSONValue)] = []) -> JSONValue {
        .object(
            [
                ("kind", "entity"), ("id", .string(NodeID(.entity, e.id).description)), ("name", .string(e.name)),
                ("type", e.kind.map { .string($0) } ?? .null), ("aliases", .array(e.aliases.map { .string($0) })),
            ] + extra)
    }

    public static func persona(_ p: PersonaAttribute, extra: [(String, JSONValue)] = []) -> JSONValue {
        .object(
            [
                ("kind", "persona"), ("id", .string(NodeID(p.fact == nil ? .persona : .fact, p.fact ?? p.id).description)),
                ("entity", .string(p.entity)),
                ("attribute", .string(p.name)), ("value", .raw(p.valueJSON)), ("pinned", .bool(p.pinned)),
                ("valid_from", time(p.valid.from)), ("valid_to", time(p.valid.to)),
                ("confidence", .double(p.confidence)), ("recorded_at", time(p.recordedAt)),
            ]
                + (p.pinned
                    ? []
                    : [
                        ("category", .string(p.category)), ("first_seen", time(p.firstSeen)), ("last_seen", time(p.lastSeen)),
                        ("support", .array(p.support.map { .string($0.description) })),
                    ]) + extra)
    }

    public static func insight(_ insight: Insight, extra: [(String, JSONValue)] = []) -> JSONValue {
        .object(
            [
                ("kind", "insight"), ("id", .string(NodeID(.insight, insight.id).description)),
                ("type", .string(insight.kind)), ("about", insight.subject.map { .string($0) } ?? .null),
                ("text", .string(insight.text)), ("data", insight.data.map { .raw($0) } ?? .null),
                ("support", .array(insight.support.map { .string($0.description) })),
                ("created_at", time(insight.createdAt)),
            ] + extra)
    }
}
