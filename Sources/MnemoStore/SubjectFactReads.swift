import GRDB
import MnemoModel

/// A believed, current fact whose first role an entity fills (times in microseconds).
package struct SubjectFact: Sendable {
    package var id: Int64
    package var predicateID: Int64
    package var validFrom: Int64?
    package var recordedAt: Int64
    package var confidence: Double
    package var scene: Int64?
    /// The entity in the first role.
    package var subject: Int64
}

/// A role of a fact after the first: one filler, or one item of a list.
package struct OtherRole: Sendable {
    package var fact: Int64
    package var position: Int64
    /// The item's index in a list; -1 when the role holds one filler.
    package var item: Int64
    package var role: String
    package var filler: StoredFiller
}

/// The scans consolidation reads the facts about people from: every
/// believed, current fact with an entity as its subject, the other roles of
/// every fact, and every fact's source episodes, each in a single pass over
/// its table (the persona pass needs them for everyone at once).
extension ReadContext {
    /// Every predicate's name, by id.
    package func predicateNames() throws -> [Int64: String] {
        var names: [Int64: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, name FROM predicate") { names[row[0]] = row[1] }
        return names
    }

    /// Every entity's name, by id.
    package func entityNames() throws -> [Int64: String] {
        var names: [Int64: String] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT id, name FROM entity")
        while let row = try rows.next() { names[row[0]] = row[1] }
        return names
    }

    /// Every fact believed and not superseded nor archived, valid at `time`
    /// or later, whose first role is one entity, by id.
    package func forEachSubjectFact(validAt time: Timestamp, _ body: (SubjectFact) throws -> Void) throws {
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT f.id, f.predicate_id, f.valid_from, f.recorded_at, f.confidence, f.scene_id, r.value FROM fact f
                JOIN fact_role r ON r.fact_id = f.id AND r.position = 0 AND r.kind = 0 AND r.item = -1
                WHERE f.retracted_at IS NULL AND f.superseded_by IS NULL AND f.archived = 0 AND (f.valid_to IS NULL OR f.valid_to > ?)
                ORDER BY f.id
                """, arguments: [time.microseconds])
        while let row = try rows.next() {
            try body(
                SubjectFact(
                    id: row[0], predicateID: row[1], validFrom: row[2], recordedAt: row[3], confidence: row[4],
                    scene: row[5], subject: row[6]))
        }
    }

    /// Every role but the first of the facts `wanted` accepts, by fact,
    /// position and list item. (The others' fillers are not even decoded.)
    package func forEachOtherRole(of wanted: (Int64) -> Bool, _ body: (OtherRole) throws -> Void) throws {
        let rows = try Row.fetchCursor(
            db, sql: "SELECT fact_id, position, item, role, kind, value FROM fact_role WHERE position > 0 ORDER BY fact_id, position, item")
        while let row = try rows.next() {
            guard wanted(row[0]) else { continue }
            let filler: StoredFiller =
                switch row[4] as Int64 {
                case FillerKind.entity.rawValue: .entity(row[5])
                case FillerKind.text.rawValue: .literal(.text(row[5]))
                case FillerKind.number.rawValue: .literal(.number(row[5]))
                default: .literal(.time(Timestamp(microseconds: row[5])))
                }
            try body(OtherRole(fact: row[0], position: row[1], item: row[2], role: row[3], filler: filler))
        }
    }

    /// Every source of every fact: the fact, the episode and when it
    /// happened (microseconds), by fact and episode.
    package func forEachFactSource(_ body: (_ fact: Int64, _ episode: Int64, _ at: Int64) throws -> Void) throws {
        let rows = try Row.fetchCursor(
            db, sql: "SELECT s.fact_id, e.id, e.at FROM fact_source s JOIN episode e ON e.id = s.episode_id ORDER BY s.fact_id, e.id")
        while let row = try rows.next() { try body(row[0], row[1], row[2]) }
    }
}
