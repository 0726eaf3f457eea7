import Foundation
import GRDB
import MnemoModel

/// The texts recall seeds from besides episodes' own (which `episode_fts`
/// and recall's episode index hold): what a fact says in words (its text
/// fillers, `topic: "merger"`), a scene's title (unless segmentation made
/// it), summary and reflection, a persona attribute's name and value, an
/// insight's text. Recall's `NodeTextIndex` is built from `forEachRecallText`
/// and refreshed, thing by thing, from `recallText(of:)`.
extension ReadContext {
    /// Calls `body` with every fact, scene, persona attribute and insight that
    /// has text, and that text.
    package func forEachRecallText(_ body: (NodeID, String) throws -> Void) throws {
        for kind in Self.textKinds {
            let rows = try Row.fetchCursor(db, sql: Self.textQuery(kind))
            while let row = try rows.next() {
                let text = Self.recallText(kind, row)
                if !text.isEmpty { try body(NodeID(kind, row[0]), text) }
            }
        }
    }

    /// The text of one stored thing; `nil` when it is gone, has no text, or is
    /// of a kind whose text is elsewhere (episodes) or that has none (entities).
    package func recallText(of id: NodeID) throws -> String? {
        guard Self.textKinds.contains(id.kind), let row = try Row.fetchOne(db, sql: Self.textQuery(id.kind, one: true), arguments: [id.number])
        else { return nil }
        let text = Self.recallText(id.kind, row)
        return text.isEmpty ? nil : text
    }

    private static let textKinds: [NodeKind] = [.fact, .scene, .persona, .insight]

    /// The id and the text columns of a kind's rows, or (`one`) of the row
    /// whose id is the query's parameter.
    private static func textQuery(_ kind: NodeKind, one: Bool = false) -> String {
        let only = one ? " WHERE id = ?" : ""
        return switch kind {
        case .fact:
            "SELECT fact_id, group_concat(value, ' ') FROM fact_role WHERE kind = \(FillerKind.text.rawValue)"
                + (one ? " AND fact_id = ?" : "") + " GROUP BY fact_id"
        case .scene: "SELECT id, CASE WHEN automatic THEN '' ELSE title END, summary, reflection FROM scene" + only
        case .persona: "SELECT id, name, value FROM persona_attribute" + only
        default: "SELECT id, text FROM insight" + only
        }
    }

    /// A row's text: its text columns joined, a persona attribute's name with
    /// its underscores as spaces and the strings of its JSON value (but
    /// `from` and `to`, a timeline event's times).
    private static func recallText(_ kind: NodeKind, _ row: Row) -> String {
        switch kind {
        case .persona:
            let name = (row[1] as String? ?? "").replacingOccurrences(of: "_", with: " ")
            return ([name] + jsonStrings(row[2] as String? ?? "")).joined(separator: " ")
        case .scene: return [row[1], row[2], row[3]].compactMap { $0 as String? }.filter { !$0.isEmpty }.joined(separator: "\n")
        default: return row[1] as String? ?? ""
        }
    }

    private static func jsonStrings(_ json: String) -> [String] {
        guard let value = try? JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed]) else { return [json] }
        var strings: [String] = []
        func collect(_ value: Any) {
            switch value {
            case let text as String: strings.append(text)
            case let array as [Any]: array.forEach(collect)
            case let object as [String: Any]:
                for key in object.keys.sorted() where key != "from" && key != "to" { collect(object[key]!) }
            default: break
            }
        }
        collect(value)
        return strings
    }
}
