/// A JSON value with ordered object keys, serialised to one line.
///
/// Answers put `"kind"` and `"id"` first so that people reading raw protocol
/// output find them at once; Foundation's encoders do not keep key order.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])
    /// Text that is already valid JSON (e.g. a stored persona value), written as is.
    case raw(String)

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.serialized == b.serialized }
    public func hash(into hasher: inout Hasher) { hasher.combine(serialized) }

    /// Compact JSON text.
    public var serialized: String {
        if case .raw(let json) = self { return json }
        var out = JSONBuffer()
        write(to: &out)
        return out.string
    }

    public func write(to out: inout String) {
        if case .raw(let json) = self {
            out += json
            return
        }
        out += serialized
    }

    public func write(to out: inout JSONBuffer) {
        switch self {
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .int(let i): out.append(i)
        case .double(let d): out.append(number: d)
        case .string(let s): out.appendQuoted(s)
        case .raw(let json): out.append(raw: json)
        case .array(let items):
            out.append("[")
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(",") }
                item.write(to: &out)
            }
            out.append("]")
        case .object(let fields):
            out.append("{")
            for (i, (key, value)) in fields.enumerated() {
                if i > 0 { out.append(",") }
                out.appendQuoted(key)
                out.append(":")
                value.write(to: &out)
            }
            out.append("}")
        }
    }

    /// Appends `s` as a JSON string literal (see `JSONString`).
    public static func writeString(_ s: String, to out: inout String) {
        JSONString.write(s, to: &out)
    }
}

extension JSONValue {
    /// An object with its members in key order, for JSON that is stored or
    /// sent to another program: the same members always give the same text.
    public static func sortedObject(_ members: [String: JSONValue]) -> JSONValue {
        .object(members.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    /// A string, or `null` when there is none.
    public static func string(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByStringInterpolation, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}
