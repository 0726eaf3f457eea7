import Foundation
import MnemoModel
import MnemoStore

/// Pass 1: entities that are one and the same are linked `same_as` (from the
/// duplicate to the canonical entity), never merged in place, so a run's
/// links can be undone. Two kinds of evidence count:
/// - spelling: the names agree once case, punctuation and a possessive are
///   set aside ("Dr. Smith" / "Dr Smith", "Caroline's" / "Caroline");
/// - nicknames: a one-word name that is a known nickname or a prefix of a
///   person's first name ("Mel" / "Melanie"), backed by co-occurrence: the two
///   appear in the same scenes at least `nicknameMinScenes` times and never
///   side by side in one episode, and no other person fits as well.
struct EntityResolution: ConsolidationPass {
    let name = "entities"

    func run(_ context: PassContext) throws {
        let read = context.read
        var linked = Set(try read.sameAsLinks().map(\.from))
        var entities: [Int64: (name: String, kind: String?, mentions: Int)] = [:]
        for entity in try read.entityUsage() {
            entities[entity.id] = (entity.name, entity.kind, entity.mentions)
        }
        func canonical(_ id: Int64) throws -> Int64 {
            var current = id
            var seen: Set<Int64> = []
            while seen.insert(current).inserted, let next = try read.sameAsTarget(of: current) {
                current = next
            }
            return current
        }
        func link(_ from: Int64, _ to: Int64, _ evidence: [String: JSONValue]) throws {
            let target = try canonical(to)
            guard target != from, !linked.contains(from) else { return }
            let json = JSONValue.sortedObject(evidence).serialized
            try context.write.linkSameAs(from, to: target, evidence: json, runID: context.runID, at: context.now)
            linked.insert(from)
            context.count("linked")
        }

        // Spelling variants.
        var groups: [String: [Int64]] = [:]
        for (id, e) in entities { groups[Self.spellingKey(e.name), default: []].append(id) }
        for (_, ids) in groups where ids.count > 1 {
            try context.checkCancelled()
            let ordered = ids.sorted { a, b in
                let x = entities[a]!
                let y = entities[b]!
                if x.mentions != y.mentions { return x.mentions > y.mentions }
                if (x.kind == "person") != (y.kind == "person") { return x.kind == "person" }
                return a < b
            }
            for other in ordered.dropFirst() {
                try link(other, ordered[0], ["reason": "spelling", "name": .string(entities[other]!.name), "same_as": .string(entities[ordered[0]]!.name)])
            }
        }

        // Nicknames backed by co-occurrence.
        let speakers = Set(try read.speakerIDs())
        let persons = entities.filter { $0.value.kind == "person" }
        var byFirstName: [String: [Int64]] = [:]
        for (id, e) in persons {
            if let first = Name.normalize(e.name).split(separator: " ").first { byFirstName[String(first), default: []].append(id) }
        }
        for (id, e) in entities.sorted(by: { $0.key < $1.key }) where !linked.contains(id) && !speakers.contains(id) {
            try context.checkCancelled()
            let short = Name.normalize(e.name)
            guard !short.contains(" "), short.count >= 2, e.kind == nil || e.kind == "person" else { continue }
            let known = Nicknames.fullNames(of: short)
            var candidates: [Int64] = []
            for (first, ids) in byFirstName where first != short {
                if known.contains(first) || (short.count >= 3 && first.count > short.count && first.hasPrefix(short)) {
                    candidates.append(contentsOf: ids.filter { $0 != id })
                }
            }
            var supported: [(Int64, Int)] = []
            for candidate in candidates {
                guard try read.coMentions(id, candidate) == 0 else { continue }
                let scenes = try read.sharedScenes(id, candidate)
                if scenes >= context.settings.nicknameMinScenes { supported.append((candidate, scenes)) }
            }
            guard supported.count == 1 else {
                if supported.count > 1 { context.count("ambiguous") }
                continue
            }
            let (target, scenes) = supported[0]
            try link(
                id, target, ["reason": "nickname", "name": .string(e.name), "same_as": .string(entities[target]!.name), "shared_scenes": .int(Int64(scenes))])
        }
    }

    /// A name with case, punctuation and a trailing possessive set aside.
    static func spellingKey(_ name: String) -> String {
        var s = Name.normalize(name)
        for suffix in ["'s", "’s", "'", "’"] where s.hasSuffix(suffix) && s.count > suffix.count + 1 {
            s.removeLast(suffix.count)
            break
        }
        var out = ""
        for c in s {
            if c == "." || c == "," || c == "'" || c == "’" || c == "\"" { continue }
            out.append(c == "-" || c == "_" ? " " : c)
        }
        return out.split(separator: " ").joined(separator: " ")
    }
}

/// Common English nicknames and the first names they stand for.
enum Nicknames {
    static func fullNames(of nickname: String) -> Set<String> { table[nickname] ?? [] }

    static let table: [String: Set<String>] = [
        "al": ["albert", "alan", "alfred"], "alex": ["alexander", "alexandra", "alexis"], "andy": ["andrew"],
        "ben": ["benjamin"], "beth": ["elizabeth", "bethany"], "bill": ["william"], "bob": ["robert"],
        "cathy": ["catherine", "cathleen"], "charlie": ["charles", "charlotte"], "chris": ["christopher", "christine", "christina"],
        "dan": ["daniel"], "dave": ["david"], "deb": ["deborah"], "ed": ["edward", "edwin"], "fred": ["frederick"],
        "gabe": ["gabriel"], "greg": ["gregory"], "jim": ["james"], "jimmy": ["james"], "joe": ["joseph"],
        "jon": ["jonathan"], "kate": ["katherine", "kathryn", "catherine"], "katie": ["katherine", "kathryn"],
        "liz": ["elizabeth"], "maggie": ["margaret"], "matt": ["matthew"], "meg": ["margaret", "megan"],
        "mel": ["melanie", "melissa", "melvin"], "mike": ["michael"], "nick": ["nicholas"], "pat": ["patrick", "patricia"],
        "peggy": ["margaret"], "rob": ["robert"], "sam": ["samuel", "samantha"], "steve": ["steven", "stephen"],
        "sue": ["susan", "suzanne"], "tom": ["thomas"], "tony": ["anthony"], "will": ["william"],
    ]
}
