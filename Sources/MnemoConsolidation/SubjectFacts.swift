import Foundation
import MnemoModel
import MnemoStore

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

    init(_ read: ReadContext, subjects: Set<Int64>, now: Timestamp) throws {
        guard !subjects.isEmpty else { return }
        let predicates = try read.predicateNames()
        var index: [Int64: (subject: Int64, position: Int)] = [:]
        try read.forEachSubjectFact(validAt: now) { fact in
            guard subjects.contains(fact.subject) else { return }
            let item = Item(
                id: fact.id, predicate: predicates[fact.predicateID] ?? "?", validFrom: fact.validFrom, recordedAt: fact.recordedAt,
                confidence: fact.confidence, scene: fact.scene)
            index[item.id] = (fact.subject, bySubject[fact.subject, default: []].count)
            bySubject[fact.subject, default: []].append(item)
        }
        guard !index.isEmpty else { return }
        let names = try read.entityNames()

        // The other roles, grouped per fact and per position (list items in order).
        var roles: [Int64: [(role: String, position: Int64, isList: Bool, values: [String])]] = [:]
        let indexed: (Int64) -> Bool = { index[$0] != nil }
        try read.forEachOtherRole(of: indexed) { row in
            let value: String
            switch row.filler {
            case .entity(let id): value = JSONString.quoted(names[id] ?? "?")
            case .literal(.text(let text)): value = JSONString.quoted(text)
            case .literal(.number(let number)): value = Value.literal(.number(number)).jsonText
            case .literal(.time(let time)): value = JSONString.quoted(time.iso8601)
            }
            var list = roles[row.fact] ?? []
            if let last = list.last, last.position == row.position {
                list[list.count - 1].values.append(value)
            } else {
                list.append((row.role, row.position, row.item >= 0, [value]))
            }
            roles[row.fact] = list
        }
        for (fact, list) in roles {
            let (subject, at) = index[fact]!
            func rendered(_ r: (role: String, position: Int64, isList: Bool, values: [String])) -> String {
                r.isList ? "[" + r.values.joined(separator: ",") + "]" : r.values[0]
            }
            bySubject[subject]![at].otherRoles = list.count
            bySubject[subject]![at].value =
                list.count == 1
                ? rendered(list[0])
                : "{" + list.map { "\(JSONString.quoted($0.role)):\(rendered($0))" }.joined(separator: ",") + "}"
        }
        try read.forEachFactSource { fact, episode, at in
            guard let (subject, position) = index[fact] else { return }
            bySubject[subject]![position].sources.append(episode)
            bySubject[subject]![position].sourceTimes.append(at)
        }
    }
}
