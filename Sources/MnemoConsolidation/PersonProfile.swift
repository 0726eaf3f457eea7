import Foundation
import MnemoIngest
import MnemoModel
import MnemoRegex
import MnemoStore

/// What a person's own words say about them, across scenes: the content words
/// and things they talk about, the activities they name, the people they
/// share scenes with, the relations they mention ("my sister"), and their
/// dated episodes. Personas and insights are both read from it.
struct PersonProfile {
    let entity: Int64
    let name: String
    /// The entity and those linked to it `same_as`.
    let identities: [Int64]

    struct Term {
        var display: String
        /// Uses of the word in a form in -ing that is not its stem (climbing, painting).
        var verbForms = 0
        /// Uses in any form.
        var uses = 0
        /// How often each form was said, to show the commonest.
        var forms: [String: Int] = [:]
        var scenes: Set<Int64> = []
        var episodes: [Int64] = []
        var first = Int64.max
        var last = Int64.min
        /// Scene start times, for trends.
        var sceneTimes: [Int64: Int64] = [:]

        /// An activity when a verb form in -ing was said at least twice, or is
        /// most of its uses.
        var activity: Bool { verbForms >= 2 || (verbForms > 0 && 2 * verbForms >= uses) }
    }

    struct Spoken {
        var id: Int64
        var scene: Int64?
        var at: Int64
        var text: String
    }

    var spoken: [Spoken] = []
    var terms: [String: Term] = [:]
    var companions: [Int64: (name: String, scenes: Set<Int64>)] = [:]
    var relations: [String: [Int64]] = [:]
    /// When each of the person's scenes began.
    var sceneTimes: [Int64: Int64] = [:]

    /// The first resolved time expression of each of their dated episodes.
    var dated: [Int64: (from: Int64, to: Int64, expression: String)] = [:]

    init(entity: Int64, name: String, identities: [Int64]) {
        self.entity = entity
        self.name = name
        self.identities = identities
    }

    /// Every person's profile, and the corpus, in a few scans of the store
    /// (not a few queries per person: a memory may know 100,000 people).
    /// The people with a persona are the entities of kind person that are not
    /// linked to another entity as its duplicate.
    static func all(_ read: ReadContext) throws -> (profiles: [PersonProfile], crowd: Crowd) {
        var links: [Int64: [Int64]] = [:]
        var duplicates: Set<Int64> = []
        for link in try read.sameAsLinks() {
            links[link.to, default: []].append(link.from)
            duplicates.insert(link.from)
        }
        var profiles: [PersonProfile] = []
        var owner: [Int64: Int] = [:] // entity → index of the profile it speaks for
        for person in try read.persons() {
            guard !duplicates.contains(person.id) else { continue }
            let identities = [person.id] + (links[person.id] ?? []).sorted()
            for identity in identities { owner[identity] = profiles.count }
            profiles.append(PersonProfile(entity: person.id, name: person.name, identities: identities))
        }
        var names: [Int64: String] = [:]
        for profile in profiles { names[profile.entity] = profile.name }
        // People's names are not topics (who they talk with is a relationship).
        var personWords: Set<String> = []
        for name in try read.personNames() {
            for token in Analyzer.tokens(name) { personWords.insert(token.text) }
        }
        var sceneOpened: [Int64: Int64] = [:]
        for scene in try read.sceneOpenings() { sceneOpened[scene.id] = scene.openedAt }

        // Their own words, and everybody's for the crowd; who speaks in which scene.
        var crowd = Crowd()
        var sceneSpeakers: [Int64: Set<Int>] = [:]
        var speakerOfEpisode: [Int64: Int] = [:]
        let cache = TermCache()
        try read.forEachSpokenEpisode { row in
            let tokens = Analyzer.tokens(row.text)
            crowd.count(episodeTerms: Set(cache.terms(tokens)))
            guard let index = owner[row.speaker] else { return }
            let episode = Spoken(id: row.id, scene: row.scene, at: row.at, text: row.text)
            speakerOfEpisode[episode.id] = index
            if let scene = episode.scene {
                profiles[index].sceneTimes[scene] = sceneOpened[scene] ?? episode.at
                sceneSpeakers[scene, default: []].insert(index)
            }
            profiles[index].spoken.append(episode)
            profiles[index].note(episode, tokens: tokens, skipping: personWords, cache: cache)
        }
        // Things (not people) they talk about, as entities.
        try read.forEachThingMentioned { mention in
            guard let index = owner[mention.speaker], !profiles[index].identities.contains(mention.entity) else { return }
            let key = "n:\(mention.entity)"
            var term = profiles[index].terms[key] ?? Term(display: mention.name)
            profiles[index].add(&term, episode: mention.episode, scene: mention.scene, at: mention.at)
            profiles[index].terms[key] = term
        }
        // The people they share scenes with.
        for (scene, speakers) in sceneSpeakers where speakers.count > 1 {
            for index in speakers {
                for other in speakers where other != index {
                    let id = profiles[other].entity
                    profiles[index].companions[id, default: (names[id] ?? "", [])].scenes.insert(scene)
                }
            }
        }
        // Dated episodes.
        try read.forEachDatedEpisode { time in
            guard let index = speakerOfEpisode[time.episode], profiles[index].dated[time.episode] == nil else { return }
            profiles[index].dated[time.episode] = (time.from, time.to, time.expression)
        }
        crowd.count(profiles)
        return (profiles, crowd)
    }

    private mutating func add(_ term: inout Term, episode: Int64, scene: Int64?, at: Int64) {
        if term.episodes.last != episode { term.episodes.append(episode) }
        if let scene {
            term.scenes.insert(scene)
            term.sceneTimes[scene] = sceneTimes[scene] ?? at
        }
        term.first = min(term.first, at)
        term.last = max(term.last, at)
    }

    /// Counts the content words of one of their episodes, grouped by stem:
    /// not the analyzer's stop words, not people's names, not numbers, words
    /// of at least four letters, not small talk (`SmallTalk`), and not
    /// adverbs in -ly (said of anything) nor compounds of -thing (something).
    private mutating func note(_ episode: Spoken, tokens: [Analyzer.Token], skipping names: Set<String>, cache: TermCache) {
        var seen: Set<String> = []
        for token in tokens {
            let word = token.text
            guard word.utf8.count >= 4, !word.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 }), !Analyzer.stopWords.contains(word),
                !names.contains(word), !word.hasSuffix("ly"), !word.hasSuffix("thing")
            else { continue }
            let stem = cache.stem(word)
            guard !SmallTalk.stems.contains(stem) else { continue }
            var term = terms[stem] ?? Term(display: word)
            term.uses += 1
            term.forms[word, default: 0] += 1
            if word.hasSuffix("ing") && stem != word && stem.utf8.count >= 3 && !SmallTalk.notActivities.contains(word) { term.verbForms += 1 }
            if seen.insert(stem).inserted { add(&term, episode: episode.id, scene: episode.scene, at: episode.at) }
            terms[stem] = term
        }
        let lower = episode.text.lowercased()
        for match in Self.relationPattern.matches(in: lower) {
            if let relation = match[1] {
                var word = String(relation)
                if word.hasSuffix("s"), !["boss", "kids"].contains(word) { word.removeLast() }
                if relations[word]?.last != episode.id { relations[word, default: []].append(episode.id) }
            }
        }
    }

    /// Their recurring terms of one kind (activities or not): in at least
    /// `minScenes` of their scenes and, in a group, distinctive of them
    /// (`Crowd.specificity`); ranked by their scenes times the word's inverse
    /// document frequency over everyone's speech (a named thing counts
    /// double). A word that names a thing they talk about counts once, as
    /// that thing.
    func recurring(activities: Bool, minScenes: Int, minLift: Double, crowd: Crowd, limit: Int) -> [Recurring] {
        var ranked: [Recurring] = []
        let named = Set(terms.filter { $0.key.hasPrefix("n:") }.flatMap { Analyzer.terms($0.value.display) })
        for (key, var term) in terms where term.scenes.count >= minScenes {
            let isEntity = key.hasPrefix("n:")
            guard term.activity == activities, isEntity || !named.contains(key) else { continue }
            guard let specificity = crowd.specificity(key, scenes: term.scenes.count, of: sceneTimes.count, lift: minLift) else { continue }
            if !isEntity, let commonest = term.forms.max(by: { Self.display($0, $1, activity: activities) }) { term.display = commonest.key }
            let weight = Double(term.scenes.count) * (isEntity ? 2 : crowd.idf(key))
            ranked.append(Recurring(key: key, term: term, specificity: specificity, weight: weight))
        }
        ranked.sort { a, b in a.weight != b.weight ? a.weight > b.weight : a.key < b.key }
        return Array(ranked.prefix(limit))
    }

    /// Orders two forms of a term for display: for an activity its forms in
    /// -ing first, then the commonest, then the shortest.
    private static func display(_ a: (key: String, value: Int), _ b: (key: String, value: Int), activity: Bool) -> Bool {
        if activity && a.key.hasSuffix("ing") != b.key.hasSuffix("ing") { return b.key.hasSuffix("ing") }
        if a.value != b.value { return a.value < b.value }
        return a.key.utf8.count != b.key.utf8.count ? a.key.utf8.count > b.key.utf8.count : a.key > b.key
    }

    /// A recurring term of theirs, with how distinctive of them it is.
    struct Recurring {
        var key: String
        var term: Term
        /// Their rate of scenes with the term against everyone's (1 with no group to compare).
        var specificity: Double
        /// What it is ranked by.
        var weight: Double
        /// Grows with the scenes that support it (`Personas.confidence`), scaled by specificity.
        var confidence: Double { (Personas.confidence(term.scenes.count) * specificity * 1000).rounded() / 1000 }
    }

    static let relationPattern = try! RegexPattern(
        #"\bmy (?:best |little |older |younger |big |new )?(mom|mother|dad|father|parents|husband|wife|partner|boyfriend|girlfriend|fiance|fiancee|son|daughter|kids|children|child|brother|sister|siblings|grandma|grandmother|grandpa|grandfather|aunt|uncle|cousin|friend|friends|boss|coworker|coworkers|colleague|colleagues|neighbor|neighbour|dog|dogs|cat|cats|pet|pets|family)\b"#
    )
}
