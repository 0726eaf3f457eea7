import Foundation
import GRDB
import MnemoModel

/// The believed, current facts in which each person fills the first role,
/// read for everyone at once in three scans (facts, roles, sources), with
/// what the persona pass needs of each: the predicate, the other roles as a
/// JSON value, when, how sure, in which scene, from which episodes.
struct SubjectFacts {
    struct Item {
        var id: Int64
        var predicate: String
        /// The other roles: one role's filler, or an object of role → filler.
        var value = ""
        var otherRoles = 0
        var validFrom: Int64?
        var recordedAt: Int64
        var confidence: Double
        var scene: Int64?
        var sources: [Int64] = []
        var sourceTimes: [Int64] = []
    }

    /// Subject entity → its facts, in id order.
    private(set) var bySubject: [Int64: [Item]] = [:]

    func facts(of identities: [Int64]) -> [Item] { identities.flatMap { bySubject[$0] ?? [] } }

    init(_ db: Database, subjects: Set<Int64>, now: Timestamp) throws {
        guard !subjects.isEmpty else { return }
        var predicates: [Int64: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, name FROM predicate") { predicates[row[0]] = row[1] }
        var index: [Int64: (subject: Int64, position: Int)] = [:]
        let facts = try Row.fetchCursor(db, sql: """
            SELECT f.id, f.predicate_id, f.valid_from, f.recorded_at, f.confidence, f.scene_id, r.value FROM fact f
            JOIN fact_role r ON r.fact_id = f.id AND r.position = 0 AND r.kind = 0 AND r.item = -1
            WHERE f.retracted_at IS NULL AND f.superseded_by IS NULL AND f.archived = 0 AND (f.valid_to IS NULL OR f.valid_to > ?)
            ORDER BY f.id
            """, arguments: [now.microseconds])
        while let row = try facts.next() {
            let subject: Int64 = row[6]
            guard subjects.contains(subject) else { continue }
            let item = Item(id: row[0], predicate: predicates[row[1]] ?? "?", validFrom: row[2], recordedAt: row[3],
                            confidence: row[4], scene: row[5])
            index[item.id] = (subject, bySubject[subject, default: []].count)
            bySubject[subject, default: []].append(item)
        }
        guard !index.isEmpty else { return }
        var names: [Int64: String] = [:]
        let entities = try Row.fetchCursor(db, sql: "SELECT id, name FROM entity")
        while let row = try entities.next() { names[row[0]] = row[1] }

        // The other roles, grouped per fact and per position (list items in order).
        var roles: [Int64: [(role: String, position: Int64, isList: Bool, values: [String])]] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT fact_id, position, item, role, kind, value FROM fact_role WHERE position > 0 ORDER BY fact_id, position, item")
        while let row = try rows.next() {
            let fact: Int64 = row[0]
            guard index[fact] != nil else { continue }
            let position: Int64 = row[1]
            let kind: Int64 = row[4]
            let value: String
            switch kind {
            case 0: value = JSONString.quoted(names[row[5] as Int64] ?? "?")
            case 1: value = JSONString.quoted(row[5] as String)
            case 2: value = Value.literal(.number(row[5] as Double)).jsonText
            default: value = JSONString.quoted(Timestamp(microseconds: row[5] as Int64).iso8601)
            }
            var list = roles[fact] ?? []
            if let last = list.last, last.position == position {
                list[list.count - 1].values.append(value)
            } else {
                list.append((row[3], position, (row[2] as Int64) >= 0, [value]))
            }
            roles[fact] = list
        }
        for (fact, list) in roles {
            let (subject, at) = index[fact]!
            func rendered(_ r: (role: String, position: Int64, isList: Bool, values: [String])) -> String {
                r.isList ? "[" + r.values.joined(separator: ",") + "]" : r.values[0]
            }
            bySubject[subject]![at].otherRoles = list.count
            bySubject[subject]![at].value = list.count == 1 ? rendered(list[0])
                : "{" + list.map { "\(JSONString.quoted($0.role)):\(rendered($0))" }.joined(separator: ",") + "}"
        }
        let sources = try Row.fetchCursor(db, sql: "SELECT s.fact_id, e.id, e.at FROM fact_source s JOIN episode e ON e.id = s.episode_id ORDER BY s.fact_id, e.id")
        while let row = try sources.next() {
            guard let (subject, at) = index[row[0]] else { continue }
            bySubject[subject]![at].sources.append(row[1])
            bySubject[subject]![at].sourceTimes.append(row[2])
        }
    }
}
