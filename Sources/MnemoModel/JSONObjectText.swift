/// Writes one JSON object straight into its text, member by member, in the
/// order given, and hands it back as a `.raw` value.
///
/// A row of a big answer built as a `JSONValue` tree costs an allocation per
/// member, array and nested object, and then a walk to serialise it; written
/// this way it costs one buffer. The text is the same as the tree's.
public struct JSONObjectText {
    private var out: JSONBuffer
    private var empty = true

    public init(capacity: Int = 256) {
        out = JSONBuffer(capacity: capacity)
        out.append("{")
    }

    /// Adds `"key":value`.
    public mutating func add(_ key: StaticString, _ value: JSONValue) {
        startMember(key)
        value.write(to: &out)
    }

    /// Adds `"key":` and lets `write` append the value's text (an array or
    /// object written in place, without a tree).
    public mutating func add(_ key: StaticString, writing write: (inout JSONBuffer) -> Void) {
        startMember(key)
        write(&out)
    }

    /// Adds each of `members` in turn.
    public mutating func add(_ members: [(String, JSONValue)]) {
        for (key, value) in members {
            if !empty { out.append(",") }
            empty = false
            out.appendQuoted(key)
            out.append(":")
            value.write(to: &out)
        }
    }

    /// The object, closed.
    public consuming func finished() -> JSONValue {
        out.append("}")
        return .raw(out.string)
    }

    /// `,"key":` (the comma after the first member). Keys are plain words: no escapes.
    private mutating func startMember(_ key: StaticString) {
        if !empty { out.append(",") }
        empty = false
        out.append("\"")
        out.append(key)
        out.append("\":")
    }

    /// Appends `items` as a JSON array, each written by `write`.
    public static func writeArray<C: Collection>(_ items: C, to out: inout JSONBuffer, _ write: (C.Element, inout JSONBuffer) -> Void) {
        out.append("[")
        var first = true
        for item in items {
            if !first { out.append(",") }
            first = false
            write(item, &out)
        }
        out.append("]")
    }
}
