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
        try db.execute(sql: "UPDATE entity SET kind = 'person' WHERE id = ? AND kind IS NULL", arguments: [entityID])
        let start = from ?? now
        var end: Timestamp? = nil
        for row in try Row.fetchAll(db, sql: """
            SELECT id, valid_from FROM persona_attribute
            WHERE entity_id = ? AND name = ? AND pinned = 1 AND retracted_at IS NULL AND (valid_to IS NULL OR valid_to > ?)
            """, arguments: [entityID, attribute, start.microseconds]) {
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
        try db.execute(sql: """
            INSERT INTO persona_attribute(entity_id, name, value, pinned, valid_from, valid_to, confidence, first_seen, last_seen, recorded_at)
            VALUES (?, ?, ?, 1, ?, ?, 1.0, ?, ?, ?)
            """, arguments: [entityID, attribute, valueJSON, from.databaseValue, end.databaseValue, start.microseconds, start.microseconds, now.microseconds])
        return (db.lastInsertedRowID, closed)
    }
}

extension ReadContext {
    /// One persona attribute by id, whatever its state.
    public func personaAttribute(id: Int64) throws -> PersonaAttribute? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT p.id, p.name, p.value, p.pinned, p.valid_from, p.valid_to, p.confidence, p.recorded_at, e.name
            FROM persona_attribute p JOIN entity e ON e.id = p.entity_id WHERE p.id = ?
            """, arguments: [id]) else { return nil }
        return PersonaAttribute(id: row[0], entity: row[8], name: row[1], valueJSON: row[2], pinned: row[3],
                                valid: TimeRange(from: Timestamp(databaseMicroseconds: row[4]), to: Timestamp(databaseMicroseconds: row[5])),
                                confidence: row[6], recordedAt: Timestamp(microseconds: row[7]))
    }

    /// A person's persona believed now: pinned attributes first, then what
    /// consolidation derived (attributes, relationships, topics, activities,
    /// timeline), each with its support; with `asOf`, only those valid then.
    public func persona(of entity: String, asOf: Timestamp? = nil) throws -> [PersonaAttribute] {
        guard let id = try entityID(named: entity), let name = try entityName(id) else {
            throw MnemoError(.notFound, "no entity \"\(Name.display(entity))\"")
        }
        return try Row.fetchAll(db, sql: """
            SELECT id, name, value, pinned, valid_from, valid_to, confidence, recorded_at, category, first_seen, last_seen
            FROM persona_attribute WHERE entity_id = ? AND retracted_at IS NULL
            ORDER BY pinned DESC, CASE category WHEN 'attribute' THEN 0 WHEN 'relationship' THEN 1 WHEN 'topic' THEN 2
                     WHEN 'activity' THEN 3 WHEN 'timeline' THEN 4 ELSE 5 END,
                     CASE WHEN category = 'timeline' THEN first_seen END, confidence DESC, name, valid_from, id
            """, arguments: [id]).compactMap { row in
            let valid = TimeRange(from: Timestamp(databaseMicroseconds: row[4]), to: Timestamp(databaseMicroseconds: row[5]))
            if let asOf, !valid.contains(asOf) { return nil }
            if asOf == nil, valid.to != nil { return nil }
            var attribute = PersonaAttribute(id: row[0], entity: name, name: row[1], valueJSON: row[2], pinned: row[3], valid: valid,
                                             confidence: row[6], recordedAt: Timestamp(microseconds: row[7]))
            if !attribute.pinned {
                attribute.category = row[8]
                attribute.firstSeen = Timestamp(databaseMicroseconds: row[9])
                attribute.lastSeen = Timestamp(databaseMicroseconds: row[10])
                attribute.support = try support(owner: "p", id: attribute.id)
            }
            return attribute
        }
    }
}
