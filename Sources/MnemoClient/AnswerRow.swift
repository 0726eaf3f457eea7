import Foundation

/// One JSON line of an answer as the table formatter reads it: its `kind`
/// and its other members in the order the daemon wrote them, each value's
/// JSON text as sent (`JSONLine`).
struct AnswerRow {
    var kind: String
    var members: [JSONLine.Member]

    /// Reads a line with `JSONLine`'s scanner (JSONSerialization only when
    /// the scanner cannot follow it). A line that is not a JSON object is kept
    /// whole under the kind `(not a JSON object)`; an object without a string
    /// `kind` has the kind `(no kind)`.
    init(line: String) {
        if let scanned = JSONLine.members(line) {
            let kind = scanned.first { $0.key == "kind" }.flatMap { JSONLine.string($0.raw) }
            self.kind = kind ?? "(no kind)"
            members = scanned.filter { $0.key != "kind" }
            return
        }
        guard let valid = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
            kind = "(not a JSON object)"
            members = [JSONLine.Member(key: "line", raw: StatementInfo.quoted(line))]
            return
        }
        // Valid JSON our scanner did not follow: fall back to sorted keys.
        kind = (valid["kind"] as? String) ?? "(no kind)"
        members = valid.keys.sorted().filter { $0 != "kind" }.map { key in
            let data = try? JSONSerialization.data(
                withJSONObject: valid[key] ?? NSNull(), options: [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes])
            return JSONLine.Member(key: key, raw: data.map { String(decoding: $0, as: UTF8.self) } ?? "null")
        }
    }

    /// The JSON text of the member `key`; nil when the row has none.
    func raw(_ key: String) -> String? {
        members.first { $0.key == key }?.raw
    }
}
