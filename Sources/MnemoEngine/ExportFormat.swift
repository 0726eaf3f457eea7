import MnemoModel
import MnemoStore

/// The file format of `export` and `import`: JSON Lines, a header line,
/// then one line per record (`ExportRecord`), kind after kind. Every field
/// is described in docs/export-import.md, which is the format's definition;
/// this type writes it, `ExportLineDecoder` reads it.
///
/// The version is `major.minor`. A minor version only adds what a reader of
/// an older one may ignore (fields it does not know); anything else is a new
/// major version, and `import` refuses a file of a major version it does not
/// read.
enum ExportFormat {
    static let name = "mnemo-export"
    static let major = 1
    static let minor = 0
    static var version: String { "\(major).\(minor)" }

    /// Line 1: what the file is, what it holds, and how many records of each
    /// kind follow (an import checks them, so a file cut short is refused).
    /// Nothing in it depends on when or from which space it was written: the
    /// same memory exports to the same bytes.
    static func header(counts: [(ExportRecord.Kind, Int64)], contents: ExportContents, schema: Int) -> JSONValue {
        .object([
            ("kind", "header"), ("format", .string(name)), ("version", .string(version)), ("schema", .int(Int64(schema))),
            ("derived", .bool(contents.derived)), ("activation", .bool(contents.activation)),
            ("counts", .object(counts.map { ($0.0.rawValue, .int($0.1)) })),
        ])
    }

    /// A time: ISO 8601 in UTC to the microsecond, or, outside the years
    /// 1 to 9999 that ISO 8601's four digits can write, microseconds since
    /// 1970 as an integer.
    static func time(_ t: Timestamp) -> JSONValue {
        (firstWritable..<endOfWritable).contains(t.microseconds) ? .string(t.iso8601) : .int(t.microseconds)
    }
    static func time(_ t: Timestamp?) -> JSONValue { t.map(time) ?? .null }

    static let firstWritable = Timestamp(year: 1, month: 1, day: 1).microseconds
    static let endOfWritable = Timestamp(year: 10000, month: 1, day: 1).microseconds

    static func id(_ kind: NodeKind, _ number: Int64) -> JSONValue { .string(NodeID(kind, number).description) }
    static func id(_ kind: NodeKind, _ number: Int64?) -> JSONValue { number.map { id(kind, $0) } ?? .null }
    static func text(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }

    /// JSON text stored in a column, embedded as JSON, written the one way
    /// `JSONValue` writes it (so that what an import stores exports alike);
    /// text that is not JSON (no Mnemo writes such) as a string.
    static func embedded(_ json: String?) -> JSONValue {
        guard let json else { return .null }
        return (try? JSONValue.parse(json)) ?? .string(json)
    }

    static func line(_ record: ExportRecord) -> JSONValue {
        switch record {
        case .predicate(let p):
            return .object([
                ("kind", "predicate"), ("id", .int(p.id)), ("name", .string(p.name)),
                ("roles", p.roles.map { .array($0.map { .string($0) }) } ?? .null), ("functional", .bool(p.functional)),
                ("declared_at", time(p.declaredAt)),
            ])
        case .entity(let e):
            return .object([
                ("kind", "entity"), ("id", id(.entity, e.id)), ("name", .string(e.name)), ("type", text(e.type)),
                ("created_at", time(e.createdAt)), ("archived", .bool(e.archived)),
                ("aliases", .array(e.aliases.map { .object([("alias", .string($0.alias)), ("created_at", time($0.createdAt))]) })),
            ])
        case .scene(let s):
            return .object([
                ("kind", "scene"), ("id", id(.scene, s.id)), ("title", .string(s.title)), ("opened_at", time(s.openedAt)),
                ("closed_at", time(s.closedAt)), ("place", id(.entity, s.place)), ("automatic", .bool(s.automatic)),
                ("created_at", time(s.createdAt)), ("members", members(s.members)), ("summary", text(s.summary)),
                ("reflection", text(s.reflection)),
            ])
        case .episode(let e):
            return .object([
                ("kind", "episode"), ("id", id(.episode, e.id)), ("text", .string(e.text)), ("speaker", id(.entity, e.speaker)),
                ("at", time(e.at)), ("scene", id(.scene, e.scene)), ("ref", text(e.ref)), ("importance", .double(e.importance)),
                ("recorded_at", time(e.recordedAt)), ("archived", .bool(e.archived)), ("entities", members(e.entities)),
                (
                    "times",
                    .array(
                        e.times.map {
                            .object([("position", .int($0.position)), ("text", .string($0.text)), ("from", time($0.from)), ("to", time($0.to))])
                        })
                ),
            ])
        case .fact(let f):
            return .object([
                ("kind", "fact"), ("id", id(.fact, f.id)), ("predicate", .int(f.predicate)), ("roles", .array(f.roles.map(role))),
                ("valid_from", time(f.valid.from)), ("valid_to", time(f.valid.to)), ("recorded_at", time(f.recordedAt)),
                ("retracted_at", time(f.retractedAt)), ("confidence", .double(f.confidence)), ("origin", .string(f.origin)),
                ("note", text(f.note)), ("scene", id(.scene, f.scene)), ("superseded_by", id(.fact, f.supersededBy)),
                ("archived", .bool(f.archived)), ("sources", .array(f.sources.map { id(.episode, $0) })),
                (
                    "beliefs",
                    .array(
                        f.beliefs.map {
                            .object([
                                ("valid_from", time($0.valid.from)), ("valid_to", time($0.valid.to)), ("recorded_at", time($0.recordedAt)),
                                ("retracted_at", time($0.retractedAt)),
                            ])
                        })
                ),
            ])
        case .persona(let p):
            return .object([
                ("kind", "persona"), ("id", id(.persona, p.id)), ("entity", id(.entity, p.entity)), ("name", .string(p.name)),
                ("value", embedded(p.value)), ("pinned", .bool(p.pinned)), ("category", .string(p.category)),
                ("valid_from", time(p.valid.from)), ("valid_to", time(p.valid.to)), ("confidence", .double(p.confidence)),
                ("first_seen", time(p.firstSeen)), ("last_seen", time(p.lastSeen)), ("recorded_at", time(p.recordedAt)),
                ("retracted_at", time(p.retractedAt)), ("support", .array(p.support.map { .string($0.description) })),
            ])
        case .insight(let i):
            return .object([
                ("kind", "insight"), ("id", id(.insight, i.id)), ("type", .string(i.type)), ("subject", id(.entity, i.subject)),
                ("text", .string(i.text)), ("data", embedded(i.data)), ("key", text(i.key)), ("created_at", time(i.createdAt)),
                ("support", .array(i.support.map { .string($0.description) })),
            ])
        case .link(let l):
            return .object([
                ("kind", "link"), ("from", id(.entity, l.from)), ("to", id(.entity, l.to)), ("type", .string(l.type)),
                ("evidence", text(l.evidence)), ("created_at", time(l.createdAt)),
            ])
        case .activation(let a):
            return .object([
                ("kind", "activation"), ("node", .string(a.node.description)),
                ("accesses", .array(a.accesses.map { .object([("at", time($0.at)), ("event", .string($0.event))]) })),
                (
                    "folded",
                    .array(a.folded.map { .object([("count", .int($0.count)), ("first", time($0.first)), ("last", time($0.last))]) })
                ),
            ])
        case .forgotten(let f):
            return .object([
                ("kind", "forgotten"), ("id", .int(f.id)), ("at", time(f.at)), ("target", .string(f.target)), ("deleted", embedded(f.deleted)),
            ])
        }
    }

    private static func members(_ members: [ExportRecord.Member]) -> JSONValue {
        .array(members.map { .object([("entity", id(.entity, $0.entity)), ("role", .string($0.role))]) })
    }

    /// A role filler: its place, and the filler under the name of its type.
    private static func role(_ r: ExportRecord.Role) -> JSONValue {
        let filler: (String, JSONValue) =
            switch r.filler {
            case .entity(let n): ("entity", id(.entity, n))
            case .literal(.text(let s)): ("text", .string(s))
            case .literal(.number(let d)): ("number", .double(d))
            case .literal(.time(let t)): ("time", time(t))
            }
        return .object([("position", .int(r.position)), ("item", .int(r.item)), ("role", .string(r.role)), filler])
    }
}
