import MnemoModel
import MnemoStore

/// Reads the lines of an export file (`ExportFormat`) back into records.
/// Every problem is an `INVALID` error that names the line; nothing is
/// guessed. Fields a reader of this version does not know are ignored (a
/// later minor version may add some); a missing field, one of the wrong
/// type, or a line of an unknown kind is an error.
struct ExportLineDecoder {
    /// What line 1 says.
    struct Header {
        var version: String
        var contents: ExportContents
        var counts: [ExportRecord.Kind: Int64]
        /// Lines the file should have after the header.
        var records: Int64
    }

    /// Reads line 1; refuses a file that is not an export, or one of a major
    /// version this build does not read.
    static func header(_ text: String) throws -> Header {
        let fields = try object(text, line: 1)
        guard fields["kind"] == .string("header"), fields["format"] == .string(ExportFormat.name) else {
            throw MnemoError(.invalid, "line 1: not a Mnemo export (its first line must be the header, kind \"header\", format \"\(ExportFormat.name)\")")
        }
        let reader = FieldReader(fields: fields, line: 1)
        let version = try reader.string("version")
        let parts = version.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let major = Int(parts[0]), Int(parts[1]) != nil, major >= 0 else {
            throw MnemoError(.invalid, "line 1: version \"\(version)\" is not MAJOR.MINOR")
        }
        guard major == ExportFormat.major else {
            throw MnemoError(
                .invalid,
                "line 1: the file is export format version \(version); this Mnemo reads version \(ExportFormat.major) (up to \(ExportFormat.version))"
                    + (major > ExportFormat.major ? ": import it with a newer Mnemo" : ""))
        }
        var counts: [ExportRecord.Kind: Int64] = [:]
        guard case .object(let members) = fields["counts"] ?? .null else { throw reader.wrongType("counts", "an object") }
        var records: Int64 = 0
        for (name, value) in members {
            guard let kind = ExportRecord.Kind(rawValue: name) else { continue }
            guard case .int(let n) = value, n >= 0 else { throw reader.wrongType("counts.\(name)", "a count") }
            counts[kind] = n
            let (sum, overflow) = records.addingReportingOverflow(n)
            guard !overflow else { throw reader.wrongType("counts.\(name)", "a count") }
            records = sum
        }
        let contents = ExportContents(derived: try reader.bool("derived"), activation: try reader.bool("activation"))
        return Header(version: version, contents: contents, counts: counts, records: records)
    }

    /// Reads one record line.
    static func record(_ text: String, line: Int) throws -> ExportRecord {
        let r = FieldReader(fields: try object(text, line: line), line: line)
        let kind = try r.string("kind")
        switch kind {
        case "predicate":
            let roles: [String]? = try r.optional("roles") { try r.strings($0, "roles") }
            return .predicate(
                .init(
                    id: try r.int("id", in: Self.ids), name: try r.string("name"), roles: roles, functional: try r.bool("functional"),
                    declaredAt: try r.optionalTime("declared_at")))
        case "entity":
            return .entity(
                .init(
                    id: try r.id("id", .entity), name: try r.string("name"), type: try r.optionalString("type"), createdAt: try r.time("created_at"),
                    archived: try r.bool("archived"),
                    aliases: try r.objects("aliases").map { a in .init(alias: try a.string("alias"), createdAt: try a.time("created_at")) }))
        case "scene":
            return .scene(
                .init(
                    id: try r.id("id", .scene), title: try r.string("title"), openedAt: try r.time("opened_at"), closedAt: try r.optionalTime("closed_at"),
                    place: try r.optionalID("place", .entity), automatic: try r.bool("automatic"), createdAt: try r.time("created_at"),
                    members: try r.members("members"), summary: try r.optionalString("summary"), reflection: try r.optionalString("reflection")))
        case "episode":
            return .episode(
                .init(
                    id: try r.id("id", .episode), text: try r.string("text"), speaker: try r.optionalID("speaker", .entity), at: try r.time("at"),
                    scene: try r.optionalID("scene", .scene), ref: try r.optionalString("ref"), importance: try r.double("importance", in: 0...1),
                    recordedAt: try r.time("recorded_at"), archived: try r.bool("archived"), entities: try r.members("entities"),
                    times: try r.objects("times").map { t in
                        .init(
                            position: try t.int("position", in: 0...Self.maximumPosition), text: try t.string("text"), from: try t.time("from"),
                            to: try t.time("to"))
                    }))
        case "fact":
            return .fact(
                .init(
                    id: try r.id("id", .fact), predicate: try r.int("predicate", in: Self.ids),
                    valid: try r.interval("valid_from", "valid_to"), recordedAt: try r.time("recorded_at"),
                    retractedAt: try r.optionalTime("retracted_at"), confidence: try r.double("confidence", in: 0...1), origin: try r.string("origin"),
                    note: try r.optionalString("note"), scene: try r.optionalID("scene", .scene), supersededBy: try r.optionalID("superseded_by", .fact),
                    archived: try r.bool("archived"), roles: try r.objects("roles").map { try role($0) },
                    sources: try r.ids("sources", .episode),
                    beliefs: try r.objects("beliefs").map { b in
                        .init(
                            valid: try b.interval("valid_from", "valid_to"),
                            recordedAt: try b.time("recorded_at"), retractedAt: try b.time("retracted_at"))
                    }))
        case "persona":
            return .persona(
                .init(
                    id: try r.id("id", .persona), entity: try r.id("entity", .entity), name: try r.string("name"), value: try r.json("value"),
                    pinned: try r.bool("pinned"), category: try r.string("category"),
                    valid: try r.interval("valid_from", "valid_to"), confidence: try r.double("confidence", in: 0...1),
                    firstSeen: try r.optionalTime("first_seen"), lastSeen: try r.optionalTime("last_seen"), recordedAt: try r.time("recorded_at"),
                    retractedAt: try r.optionalTime("retracted_at"), support: try r.nodes("support")))
        case "insight":
            let data: String? = try r.optional("data") { _ in try r.json("data") }
            return .insight(
                .init(
                    id: try r.id("id", .insight), type: try r.string("type"), subject: try r.optionalID("subject", .entity), text: try r.string("text"),
                    data: data, key: try r.optionalString("key"), createdAt: try r.time("created_at"), support: try r.nodes("support")))
        case "link":
            return .link(
                .init(
                    from: try r.id("from", .entity), to: try r.id("to", .entity), type: try r.string("type"), evidence: try r.optionalString("evidence"),
                    createdAt: try r.time("created_at")))
        case "activation":
            guard let node = NodeID(try r.string("node")) else { throw r.wrongType("node", "a node id such as e:12") }
            return .activation(
                .init(
                    node: node,
                    accesses: try r.objects("accesses").map { a in .init(at: try a.time("at"), event: try a.string("event")) },
                    folded: try r.objects("folded").map { f in
                        .init(count: try f.int("count", in: 1...Self.maximumFoldedCount), first: try f.time("first"), last: try f.time("last"))
                    }))
        case "forgotten":
            return .forgotten(.init(id: try r.int("id", in: Self.ids), at: try r.time("at"), target: try r.string("target"), deleted: try r.json("deleted")))
        case "header":
            throw MnemoError(.invalid, "line \(line): a second header line")
        default:
            throw MnemoError(.invalid, "line \(line): unknown kind \"\(kind)\"")
        }
    }

    /// The largest role position, list item or time-expression position a
    /// file may give: far past any statement's, and small enough that every
    /// reader's arithmetic on it stays exact.
    static let maximumPosition: Int64 = 1 << 20
    /// The ids a file may give: positive, with room above the largest for
    /// the ids SQLite gives what is written after the import.
    static let ids: ClosedRange<Int64> = 1...(1 << 53)
    /// The most accesses one folded segment of the activation log may count.
    static let maximumFoldedCount: Int64 = 1 << 40

    private static func role(_ r: FieldReader) throws -> ExportRecord.Role {
        let filler: StoredFiller
        if r.fields["entity"] != nil {
            filler = .entity(try r.id("entity", .entity))
        } else if r.fields["text"] != nil {
            filler = .literal(.text(try r.string("text")))
        } else if r.fields["number"] != nil {
            filler = .literal(.number(try r.double("number")))
        } else if r.fields["time"] != nil {
            filler = .literal(.time(try r.time("time")))
        } else {
            throw MnemoError(.invalid, "line \(r.line): a role needs one of entity, text, number or time")
        }
        return .init(
            position: try r.int("position", in: 0...maximumPosition), item: try r.int("item", in: -1...maximumPosition), role: try r.string("role"),
            filler: filler)
    }

    /// The line as a JSON object.
    private static func object(_ text: String, line: Int) throws -> JSONValue {
        let value: JSONValue
        do {
            value = try JSONValue.parse(text)
        } catch {
            throw MnemoError(.invalid, "line \(line): not valid JSON (\(error))")
        }
        guard case .object = value else { throw MnemoError(.invalid, "line \(line): not a JSON object") }
        return value
    }
}

/// Typed access to the fields of one JSON object of a line, with errors that
/// name the line and the field.
private struct FieldReader {
    let fields: JSONValue
    let line: Int

    func wrongType(_ name: String, _ expected: String) -> MnemoError {
        MnemoError(.invalid, "line \(line): field \"\(name)\" must be \(expected)")
    }

    func value(_ name: String) throws -> JSONValue {
        guard let value = fields[name] else { throw MnemoError(.invalid, "line \(line): field \"\(name)\" is missing") }
        return value
    }

    /// `nil` for a field that is null or absent, else `read` of its value.
    func optional<T>(_ name: String, _ read: (JSONValue) throws -> T) throws -> T? {
        guard let value = fields[name], value != .null else { return nil }
        return try read(value)
    }

    func string(_ name: String) throws -> String {
        guard case .string(let s) = try value(name) else { throw wrongType(name, "a string") }
        return s
    }
    func optionalString(_ name: String) throws -> String? { try optional(name) { _ in try string(name) } }

    func int(_ name: String) throws -> Int64 {
        guard case .int(let n) = try value(name) else { throw wrongType(name, "an integer") }
        return n
    }

    func double(_ name: String) throws -> Double {
        switch try value(name) {
        case .int(let n): return Double(n)
        case .double(let d): return d
        default: throw wrongType(name, "a number")
        }
    }

    func bool(_ name: String) throws -> Bool {
        guard case .bool(let b) = try value(name) else { throw wrongType(name, "true or false") }
        return b
    }

    func time(_ name: String) throws -> Timestamp {
        guard let t = Self.time(try value(name)) else { throw wrongType(name, "a time (ISO 8601, or microseconds since 1970)") }
        return t
    }
    func optionalTime(_ name: String) throws -> Timestamp? { try optional(name) { _ in try time(name) } }

    /// A time as `ExportFormat.time` writes it: ISO 8601, or microseconds;
    /// nil outside `times`.
    private static func time(_ value: JSONValue) -> Timestamp? {
        let t: Timestamp? =
            switch value {
            case .int(let n): Timestamp(microseconds: n)
            case .string(let s): Timestamp(iso8601: s)
            default: nil
            }
        guard let t, times.contains(t.microseconds) else { return nil }
        return t
    }

    /// The times a statement can write (years of four digits, and a day
    /// either side for time zones). A time outside them is none this memory
    /// could have stored, and would overflow where it is shown.
    static let times: ClosedRange<Int64> = {
        let first = Timestamp(year: 0, month: 1, day: 1).microseconds - Timestamp.microsecondsPerDay
        let last = Timestamp(year: 10_000, month: 1, day: 1).microseconds + Timestamp.microsecondsPerDay
        return first...last
    }()

    /// An integer within `range`, which the file's version allows for it.
    func int(_ name: String, in range: ClosedRange<Int64>) throws -> Int64 {
        let n = try int(name)
        guard range.contains(n) else { throw wrongType(name, "an integer from \(range.lowerBound) to \(range.upperBound)") }
        return n
    }

    /// A number within `range`.
    func double(_ name: String, in range: ClosedRange<Double>) throws -> Double {
        let d = try double(name)
        guard range.contains(d) else { throw wrongType(name, "a number from \(range.lowerBound) to \(range.upperBound)") }
        return d
    }

    /// A valid interval: `from` before `to` when it has both.
    func interval(_ from: String, _ to: String) throws -> TimeRange {
        let range = TimeRange(from: try optionalTime(from), to: try optionalTime(to))
        if let start = range.from, let end = range.to, start > end { throw wrongType(to, "a time not before \(from)") }
        return range
    }

    func id(_ name: String, _ kind: NodeKind) throws -> Int64 {
        guard case .string(let s) = try value(name), let id = NodeID(s), id.kind == kind, ExportLineDecoder.ids.contains(id.number) else {
            throw wrongType(name, "an id such as \(kind.rawValue):12")
        }
        return id.number
    }
    func optionalID(_ name: String, _ kind: NodeKind) throws -> Int64? {
        try optional(name) { _ in try id(name, kind) }
    }

    func array(_ name: String) throws -> [JSONValue] {
        guard case .array(let items) = try value(name) else { throw wrongType(name, "an array") }
        return items
    }

    func objects(_ name: String) throws -> [FieldReader] {
        var readers: [FieldReader] = []
        for item in try array(name) {
            guard case .object = item else { throw wrongType(name, "an array of objects") }
            readers.append(FieldReader(fields: item, line: line))
        }
        return readers
    }

    func strings(_ value: JSONValue, _ name: String) throws -> [String] {
        guard case .array(let items) = value else { throw wrongType(name, "an array of strings") }
        var strings: [String] = []
        for item in items {
            guard case .string(let s) = item else { throw wrongType(name, "an array of strings") }
            strings.append(s)
        }
        return strings
    }

    func ids(_ name: String, _ kind: NodeKind) throws -> [Int64] {
        var ids: [Int64] = []
        for item in try array(name) {
            guard case .string(let s) = item, let id = NodeID(s), id.kind == kind else { throw wrongType(name, "an array of ids such as \(kind.rawValue):12") }
            ids.append(id.number)
        }
        return ids
    }

    func nodes(_ name: String) throws -> [NodeID] {
        var nodes: [NodeID] = []
        for item in try array(name) {
            guard case .string(let s) = item, let id = NodeID(s) else { throw wrongType(name, "an array of ids such as e:12") }
            nodes.append(id)
        }
        return nodes
    }

    func members(_ name: String) throws -> [ExportRecord.Member] {
        var members: [ExportRecord.Member] = []
        for m in try objects(name) { members.append(.init(entity: try m.id("entity", .entity), role: try m.string("role"))) }
        return members
    }

    /// A field holding embedded JSON, as the text the store keeps.
    func json(_ name: String) throws -> String { try value(name).serialized }
}
