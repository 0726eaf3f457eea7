import Foundation
import GRDB
import MnemoModel

extension WriteContext {
    /// Pins a persona attribute (`persona caroline set occupation = "counsellor"
    /// from 2023-09-01`). A pinned value of the same name that is still valid is
    /// closed where the new one starts and stays in the record.
    public func pinPersonaAttribute(entity: String, name: String, valueJSON: String, from: Timestamp? = nil) throws -> Int64 {
        try pinPersonaAttributeClosing(entity: entity, name: name, valueJSON: valueJSON, from: from).id
    }

    /// As `pinPersonaAttribute`, also returning the ids of the values it closed.
    public func pinPersonaAttributeClosing(entity: String, name: String, valueJSON: String, from: Timestamp? = nil) throws -> (id: Int64, closed: [Int64]) {
        var closed: [Int64] = []
        let attribute = Name.normalize(name)
        guard !attribute.isEmpty else { throw MnemoError(.invalid, "an attribute needs a name") }
        guard (try? JSONSerialization.jsonObject(with: Data(valueJSON.utf8), options: [.fragmentsAllowed])) != nil else {
            throw MnemoError(.invalid, "the value of \(attribute) is not valid JSON: \(valueJSON)")
        }
        let entityID = try entityID(named: entity, kind: "person")
        let start = from ?? now
        var end: Timestamp? = nil
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT id, valid_from FROM persona_attribute
                WHERE entity_id = ? AND name = ? AND pinned = 1 AND retracted_at IS NULL AND (valid_to IS NULL OR valid_to > ?)
                """, arguments: [entityID, attribute, start.microseconds])
        {
            let id: Int64 = row[0]
            let oldFrom = Timestamp(databaseMicroseconds: row[1])
            if let oldFrom, oldFrom > start {
                // A value recorded as starting later closes the new one, like facts do.
                end = min(end ?? oldFrom, oldFrom)
            } else if let oldFrom, oldFrom == start {
                // Replaced from its very start: the memory no longer believes it.
                try db.execute(sql: "UPDATE persona_attribute SET retracted_at = ? WHERE id = ?", arguments: [now.microseconds, id])
                closed.append(id)
            } else {
                try db.execute(sql: "UPDATE persona_attribute SET valid_to = ? WHERE id = ?", arguments: [start.microseconds, id])
                closed.append(id)
            }
        }
        try db.execute(
            sql: """
                INSERT INTO persona_attribute(entity_id, name, value, pinned, valid_from, valid_to, confidence, first_seen, last_seen, recorded_at)
                VALUES (?, ?, ?, 1, ?, ?, 1.0, ?, ?, ?)
                """,
            arguments: [entityID, attribute, valueJSON, from.databaseValue, end.databaseValue, start.microseconds, start.microseconds, now.microseconds])
        return (db.lastInsertedRowID, closed)
    }
}

extension ReadContext {
    /// One persona attribute by id, whatever its state; a derived one with its
    /// category, first and last seen, and support.
    public func personaAttribute(id: Int64) throws -> PersonaAttribute? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT p.id, p.name, p.value, p.pinned, p.valid_from, p.valid_to, p.confidence, p.recorded_at, e.name,
                           p.category, p.first_seen, p.last_seen
                    FROM persona_attribute p JOIN entity e ON e.id = p.entity_id WHERE p.id = ?
                    """, arguments: [id])
        else { return nil }
        var attribute = PersonaAttribute(
            id: row[0], entity: row[8], name: row[1], valueJSON: row[2], pinned: row[3],
            valid: TimeRange(from: Timestamp(databaseMicroseconds: row[4]), to: Timestamp(databaseMicroseconds: row[5])),
            confidence: row[6], recordedAt: Timestamp(microseconds: row[7]))
        if !attribute.pinned {
            attribute.category = row[9]
            attribute.firstSeen = Timestamp(databaseMicroseconds: row[10])
            attribute.lastSeen = Timestamp(databaseMicroseconds: row[11])
            attribute.support = try support(owner: "p", id: attribute.id)
        }
        return attribute
    }

    /// A person's persona believed now: pinned attributes first, then the
    /// current values of facts about them (read live, so always up to date),
    /// then what consolidation derived (relationships, topics, activities,
    /// timeline), each with its support; with `asOf`, only those valid then.
    /// At most `limit` attributes, in that order.
    public func persona(of entity: String, asOf: Timestamp? = nil, now: Timestamp = .now(), limit: Int = .max) throws -> [PersonaAttribute] {
        guard let id = try entityID(named: entity), let name = try entityName(id) else {
            throw MnemoError(.notFound, "no entity \"\(Name.display(entity))\"")
        }
        var result: [PersonaAttribute] = []
        var derived: [PersonaAttribute] = []
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT id, name, value, pinned, valid_from, valid_to, confidence, recorded_at, category, first_seen, last_seen
                FROM persona_attribute WHERE entity_id = ? AND retracted_at IS NULL
                ORDER BY pinned DESC, CASE category WHEN 'relationship' THEN 1 WHEN 'topic' THEN 2
                         WHEN 'activity' THEN 3 WHEN 'timeline' THEN 4 ELSE 5 END,
                         CASE WHEN category = 'timeline' THEN first_seen END, confidence DESC, name, valid_from, id
                """, arguments: [id])
        {
            try cancellation.check()
            try budget.charge(200 + ((row[2] as String?)?.utf8.count ?? 0) + ((row[1] as String?)?.utf8.count ?? 0))
            let valid = TimeRange(from: Timestamp(databaseMicroseconds: row[4]), to: Timestamp(databaseMicroseconds: row[5]))
            if let asOf, !valid.contains(asOf) { continue }
            if asOf == nil, valid.to != nil { continue }
            var attribute = PersonaAttribute(
                id: row[0], entity: name, name: row[1], valueJSON: row[2], pinned: row[3], valid: valid,
                confidence: row[6], recordedAt: Timestamp(microseconds: row[7]))
            if attribute.pinned {
                result.append(attribute)
            } else {
                attribute.category = row[8]
                attribute.firstSeen = Timestamp(databaseMicroseconds: row[9])
                attribute.lastSeen = Timestamp(databaseMicroseconds: row[10])
                derived.append(attribute)
            }
        }
        try addSupport(owner: "p", to: &derived, id: \.id, support: \.support)
        return Array((result + (try factAttributes(of: id, name: name, at: asOf ?? now)) + derived).prefix(limit))
    }

    /// The facts in which the person (or a name linked to them `same_as`) fills
    /// the first role and that hold at `time`, as persona attributes: the
    /// predicate, the other roles' value, the fact and its sources as support.
    private func factAttributes(of id: Int64, name: String, at time: Timestamp) throws -> [PersonaAttribute] {
        let identities = [id] + (try Int64.fetchAll(db, sql: "SELECT from_id FROM entity_link WHERE to_id = ? AND kind = 'same_as'", arguments: [id]))
        var result: [PersonaAttribute] = []
        for identity in identities {
            // The facts whose first role the person fills, believed now, a chunk at a time.
            let ids = try Int64.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT DISTINCT x.fact_id FROM fact_filler x JOIN fact f ON f.id = x.fact_id
                        WHERE x.value = ? AND x.kind = 0 AND x.position = 0 AND f.retracted_at IS NULL ORDER BY x.fact_id
                        """), arguments: [identity])
            try forEachChunk(of: ids) { slice in
                let chunk = Array(slice)
                let facts = try facts(ids: chunk)
                // When the episodes each fact came from happened: its first and last sighting.
                var seen: [Int64: (first: Int64, last: Int64)] = [:]
                for row in try Row.fetchAll(
                    db.cachedStatement(
                        sql: """
                            SELECT s.fact_id, MIN(e.at), MAX(e.at) FROM fact_source s JOIN episode e ON e.id = s.episode_id
                            WHERE s.fact_id IN (SELECT value FROM json_each(?)) GROUP BY s.fact_id
                            """), arguments: [Self.jsonList(chunk)])
                {
                    seen[row[0]] = (row[1], row[2])
                }
                for id in chunk {
                    guard let fact = facts[id], case .entity(let subject, _) = fact.roleValues.first, subject == identity,
                        fact.rolePositions.first == 0, fact.roleValues.count > 1, fact.valid.contains(time)
                    else { continue }
                    try budget.charge(fact.answerBytes)
                    let others = Array(fact.roles.dropFirst())
                    let value =
                        others.count == 1
                        ? others[0].value.jsonText
                        : "{" + others.map { "\(JSONString.quoted($0.name)):\($0.value.jsonText)" }.joined(separator: ",") + "}"
                    let recorded = fact.recorded.from ?? time
                    var attribute = PersonaAttribute(
                        id: fact.id, entity: name, name: fact.predicate, valueJSON: value, pinned: false,
                        valid: fact.valid, confidence: fact.confidence, recordedAt: recorded)
                    attribute.category = "attribute"
                    attribute.fact = fact.id
                    attribute.firstSeen = fact.valid.from ?? seen[id].map { Timestamp(microseconds: $0.first) } ?? recorded
                    attribute.lastSeen = seen[id].map { Timestamp(microseconds: $0.last) } ?? attribute.firstSeen
                    attribute.support = [NodeID(.fact, fact.id)] + fact.sources.map { NodeID(.episode, $0) }
                    result.append(attribute)
                }
            }
        }
        return result.sorted { NameOrder.precedes(($0.name, $0.id), ($1.name, $1.id)) }
    }
}
