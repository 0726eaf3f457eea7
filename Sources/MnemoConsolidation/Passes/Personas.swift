import Foundation
import MnemoModel
import MnemoStore

/// Pass 5: each person's profile (SPEC §1) derived from facts and episodes
/// (the current values of facts about them, category `attribute`, are read
/// live by `persona` and not copied here):
/// - `topic` and `activity`: what they talk about and do, recurring in at least
///   `personaMinScenes` scenes;
/// - `relationship`: who they share scenes with, and the relations they mention ("my sister");
/// - `timeline`: their dated episodes (those with a resolved temporal expression).
/// Each derived attribute keeps its support, first/last seen and a confidence
/// that grows with its support. Pinned attributes are never touched and come
/// first in `persona`. A scene's fact that contradicts a stable attribute (a
/// pinned one, or one supported by several episodes) is flagged as a
/// `calibration` insight.
struct Personas: ConsolidationPass {
    let name = "personas"

    struct Derived {
        var category: String
        var name: String
        var value: String
        var first: Int64?
        var last: Int64?
        var confidence: Double
        var support: [(String, Int64)]
        var key: String { "\(category)|\(name)|\(value)" }
    }

    func run(_ context: PassContext) throws {
        let crowd = try context.shared.crowd(context.read)
        let profiles = try context.shared.profiles(context.read)
        let subjects = try SubjectFacts(context.read, subjects: Set(profiles.flatMap(\.identities)), now: context.now)
        // What is stored now, for everyone at once (not two queries per person).
        var stored: [Int64: [DerivedAttribute]] = [:]
        for attribute in try context.read.derivedAttributes() {
            stored[attribute.entity, default: []].append(attribute)
        }
        var pinned: [Int64: [(name: String, value: String)]] = [:]
        for attribute in try context.read.pinnedAttributeValues(at: context.now) {
            pinned[attribute.entity, default: []].append((attribute.name, attribute.value))
        }
        var calibrations: Set<String> = []
        for profile in profiles {
            try context.checkCancelled()
            let facts = subjects.facts(of: profile.identities)
            // Attributes from facts are read live by `persona`; they are derived
            // here only to find the stable ones for calibration.
            let attributes = attributes(facts)
            var derived = recurring(profile, crowd: crowd, context)
            derived += relationships(profile, context)
            derived += try timeline(profile, context)
            let existing = stored[profile.entity] ?? []
            if !derived.isEmpty || !existing.isEmpty { try store(derived, existing: existing, for: profile.entity, context) }
            calibrations.formUnion(try calibrate(profile, facts: facts, derived: attributes, pinned: pinned[profile.entity] ?? [], context))
        }
        context.count("calibrations_removed", try context.write.pruneInsights(kind: "calibration", keep: calibrations))
    }

    private func attributes(_ facts: [SubjectFacts.Item]) -> [Derived] {
        facts.filter { $0.otherRoles > 0 }.map { fact in
            let first = fact.validFrom ?? fact.sourceTimes.min() ?? fact.recordedAt
            return Derived(
                category: "attribute", name: fact.predicate, value: fact.value, first: first,
                last: fact.sourceTimes.max() ?? first, confidence: fact.confidence,
                support: [("f", fact.id)] + fact.sources.map { ("e", $0) })
        }
    }

    private func recurring(_ profile: PersonProfile, crowd: Crowd, _ context: PassContext) -> [Derived] {
        let s = context.settings
        var result: [Derived] = []
        for (category, activities) in [("topic", false), ("activity", true)] {
            for found in profile.recurring(
                activities: activities, minScenes: s.personaMinScenes, minLift: s.personaMinLift, crowd: crowd, limit: s.personaTopics)
            {
                let term = found.term
                result.append(
                    Derived(
                        category: category, name: category, value: JSONString.quoted(term.display),
                        first: term.first, last: term.last, confidence: found.confidence,
                        support: term.scenes.sorted().map { ("s", $0) } + term.episodes.map { ("e", $0) }))
            }
        }
        return result
    }

    private func relationships(_ profile: PersonProfile, _ context: PassContext) -> [Derived] {
        var result: [Derived] = []
        let times = profile.sceneTimes
        for (_, companion) in profile.companions.sorted(by: { $0.key < $1.key }) where companion.scenes.count >= context.settings.personaMinScenes {
            let when = companion.scenes.compactMap { times[$0] }
            result.append(
                Derived(
                    category: "relationship", name: "talks_with", value: JSONString.quoted(companion.name),
                    first: when.min(), last: when.max(), confidence: Self.confidence(companion.scenes.count),
                    support: companion.scenes.sorted().map { ("s", $0) }))
        }
        let at = Dictionary(profile.spoken.map { ($0.id, $0.at) }, uniquingKeysWith: { a, _ in a })
        for (relation, episodes) in profile.relations.sorted(by: { $0.key < $1.key }) {
            let when = episodes.compactMap { at[$0] }
            result.append(
                Derived(
                    category: "relationship", name: "mentions", value: JSONString.quoted(relation),
                    first: when.min(), last: when.max(), confidence: Self.confidence(episodes.count),
                    support: episodes.map { ("e", $0) }))
        }
        return result
    }

    /// Their episodes that say when something happened, the most informative
    /// first, at most `personaTimeline`, in time order.
    private func timeline(_ profile: PersonProfile, _ context: PassContext) throws -> [Derived] {
        let dated = profile.dated
        let chosen = profile.spoken.filter { dated[$0.id] != nil }
            .sorted { a, b in a.text.count != b.text.count ? a.text.count > b.text.count : a.id < b.id }
            .prefix(context.settings.personaTimeline)
        return chosen.sorted { dated[$0.id]!.from != dated[$1.id]!.from ? dated[$0.id]!.from < dated[$1.id]!.from : $0.id < $1.id }.map { episode in
            let when = dated[episode.id]!
            let text = episode.text.count > 200 ? String(episode.text.prefix(197)) + "..." : episode.text
            let value = JSONValue.sortedObject([
                "from": .string(Timestamp(microseconds: when.from).iso8601), "to": .string(Timestamp(microseconds: when.to).iso8601),
                "when": .string(when.expression), "text": .string(text),
            ]).serialized
            return Derived(
                category: "timeline", name: "event", value: value, first: when.from, last: when.from,
                confidence: 0.8, support: [("e", episode.id)])
        }
    }

    /// Writes the difference between what was derived and what is stored.
    private func store(_ derived: [Derived], existing rows: [DerivedAttribute], for entity: Int64, _ context: PassContext) throws {
        let write = context.write
        var existing: [String: DerivedAttribute] = [:]
        for row in rows { existing["\(row.category)|\(row.name)|\(row.value)"] = row }
        var seen: Set<String> = []
        for d in derived where seen.insert(d.key).inserted {
            let id: Int64
            if let row = existing.removeValue(forKey: d.key) {
                id = row.id
                if row.firstSeen != d.first || row.lastSeen != d.last || abs(row.confidence - d.confidence) > 1e-9 {
                    try write.updateDerivedAttribute(id, firstSeen: d.first, lastSeen: d.last, confidence: d.confidence, runID: context.runID)
                    context.count("updated")
                }
            } else {
                id = try write.insertDerivedAttribute(
                    entity: entity, category: d.category, name: d.name, value: d.value, confidence: d.confidence,
                    firstSeen: d.first, lastSeen: d.last, runID: context.runID, at: context.now)
                context.count("derived")
            }
            try write.setSupport(owner: "p", id: id, items: d.support)
        }
        for (_, row) in existing.sorted(by: { $0.key < $1.key }) {
            try write.deleteDerivedAttribute(row.id)
            context.count("removed")
        }
    }

    /// Flags facts of a scene that contradict a stable attribute; returns the keys of the flags.
    private func calibrate(
        _ profile: PersonProfile, facts: [SubjectFacts.Item], derived: [Derived],
        pinned: [(name: String, value: String)], _ context: PassContext
    ) throws -> Set<String> {
        guard !facts.isEmpty else { return [] }
        var stable: [String: (value: String, why: String)] = [:]
        for attribute in pinned { stable[attribute.name] = (attribute.value, "pinned") }
        for d in derived where d.category == "attribute" && stable[d.name] == nil && d.support.filter({ $0.0 == "e" }).count >= 2 {
            stable[d.name] = (d.value, "supported by \(d.support.filter { $0.0 == "e" }.count) episodes")
        }
        var keys: Set<String> = []
        for fact in facts {
            guard let scene = fact.scene, let expected = stable[fact.predicate], fact.otherRoles == 1 else { continue }
            let value = fact.value
            guard value != expected.value else { continue }
            let key = "calibration:f:\(fact.id)"
            keys.insert(key)
            let text = "\(profile.name): s:\(scene) says \(fact.predicate) = \(value), but the persona holds \(expected.value) (\(expected.why))"
            let data = JSONValue.sortedObject(["fact": "f:\(fact.id)", "scene": "s:\(scene)", "attribute": .string(fact.predicate)]).serialized
            let (id, changed) = try context.write.upsertInsight(
                key: key, kind: "calibration", subject: profile.entity, text: text,
                data: data, runID: context.runID, at: context.now)
            try context.write.setSupport(owner: "i", id: id, items: [("f", fact.id), ("s", scene)])
            if changed { context.count("calibrations") }
        }
        return keys
    }

    static func confidence(_ support: Int) -> Double {
        ((1 - exp(-Double(support) / 3)) * 1000).rounded() / 1000
    }
}
