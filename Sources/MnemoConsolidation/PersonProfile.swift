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
        var activity: Bool
        var scenes: Set<Int64> = []
        var episodes: [Int64] = []
        var first = Int64.max
        var last = Int64.min
        /// Scene start times, for trends.
        var sceneTimes: [Int64: Int64] = [:]
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

    /// Document frequency of each term over every spoken episode (for weighting).
    struct Corpus {
        var episodes = 0
        var frequency: [String: Int] = [:]
        func idf(_ term: String) -> Double { log(1 + Double(episodes) / Double(max(frequency[term] ?? 1, 1))) }
    }

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
    static func all(_ read: ReadContext) throws -> (profiles: [PersonProfile], corpus: Corpus) {
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

        // Their own words, and everybody's for the corpus; who speaks in which scene.
        var corpus = Corpus()
        var sceneSpeakers: [Int64: Set<Int>] = [:]
        var speakerOfEpisode: [Int64: Int] = [:]
        let cache = TermCache()
        try read.forEachSpokenEpisode { row in
            let tokens = Analyzer.tokens(row.text)
            corpus.episodes += 1
            for term in Set(cache.terms(tokens)) { corpus.frequency[term, default: 0] += 1 }
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
            var term = profiles[index].terms[key] ?? Term(display: mention.name, activity: false)
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
        return (profiles, corpus)
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

    private mutating func note(_ episode: Spoken, tokens: [Analyzer.Token], skipping names: Set<String>, cache: TermCache) {
        var seen: Set<String> = []
        for token in tokens {
            let word = token.text
            guard word.utf8.count >= 4, !word.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 }), !Analyzer.stopWords.contains(word),
                !Self.fillers.contains(word), !names.contains(word),
                !Self.notActivities.contains(word) || Self.nouns.contains(word),
                !word.hasSuffix("ly"), !(word.hasSuffix("ed") && word.count > 5)
            else { continue }
            let stem = cache.stem(word)
            guard seen.insert(stem).inserted else { continue }
            let activity = word.hasSuffix("ing") && stem != word && stem.count >= 3 && !Self.notActivities.contains(word)
            var term = terms[stem] ?? Term(display: word, activity: activity)
            if activity && !term.activity {
                term.display = word
                term.activity = true
            }
            add(&term, episode: episode.id, scene: episode.scene, at: episode.at)
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

    /// Ranked recurring terms: in at least `minScenes` scenes, ranked by scenes
    /// times the word's inverse document frequency over everyone's speech (so
    /// a word everybody uses all the time ranks low); named things count double.
    func recurring(activities: Bool, minScenes: Int, corpus: Corpus, limit: Int) -> [(key: String, term: Term)] {
        var ranked: [(key: String, term: Term, score: Double)] = []
        // A word that names a thing they talk about counts once, as that thing.
        let named = Set(terms.filter { $0.key.hasPrefix("n:") }.flatMap { Analyzer.terms($0.value.display) })
        for (key, term) in terms where term.activity == activities && term.scenes.count >= minScenes {
            let isEntity = key.hasPrefix("n:")
            if !isEntity && named.contains(key) { continue }
            let weight = isEntity ? 2.0 : corpus.idf(key)
            ranked.append((key, term, Double(term.scenes.count) * weight))
        }
        ranked.sort { $0.score != $1.score ? $0.score > $1.score : $0.key < $1.key }
        return ranked.prefix(limit).map { ($0.key, $0.term) }
    }

    static let relationPattern = try! RegexPattern(
        #"\bmy (?:best |little |older |younger |big |new )?(mom|mother|dad|father|parents|husband|wife|partner|boyfriend|girlfriend|fiance|fiancee|son|daughter|kids|children|child|brother|sister|siblings|grandma|grandmother|grandpa|grandfather|aunt|uncle|cousin|friend|friends|boss|coworker|coworkers|colleague|colleagues|neighbor|neighbour|dog|dogs|cat|cats|pet|pets|family)\b"#
    )

    /// Conversational words that say little about a person.
    static let fillers: Set<String> = Set([
        "really", "think", "great", "know", "love", "like", "feel", "good", "also", "just", "thank", "thanks", "yeah",
        "glad", "awesome", "amazing", "cool", "nice", "sure", "hope", "much", "lots", "things", "thing", "want", "make",
        "sounds", "sound", "well", "totally", "definitely", "always", "even", "still", "people", "pretty", "right", "able",
        "keep", "take", "time", "times", "made", "said", "back", "look", "looks", "looking", "getting", "going", "doing",
        "something", "anything", "everything", "nothing", "would", "could", "should", "maybe", "actually", "super",
        "happy", "wonderful", "fantastic", "incredible", "exciting", "excited", "interesting", "beautiful", "lovely",
        "hear", "heard", "tell", "told", "means", "mean", "lately", "recently", "today", "yesterday", "week", "weeks",
        "year", "years", "month", "months", "last", "next", "kind", "sorts", "stuff", "what", "whats", "yours", "mine",
        "wish", "wishes", "luck", "proud", "share", "sharing", "chat", "talk", "talking", "catch", "soon", "care",
        "give", "gave", "given", "went", "gone", "since", "others", "other", "self", "help", "helps", "many", "each",
        "every", "around", "away", "another", "better", "best", "hard", "long", "little", "different", "important",
        "special", "real", "true", "whole", "part", "place", "ways", "days", "night", "world", "find", "found", "feels",
        "felt", "makes", "keeps", "takes", "took", "come", "came", "comes", "goes", "gets", "seen", "seems", "saw", "done",
        "used", "give", "start", "started", "thought", "believe", "remember", "reminds", "totally", "absolutely", "yeah",
        "thanks", "okay", "hope", "hopes", "enjoy", "enjoyed", "love", "loved", "loves", "lovely", "wait", "glad",
        "together", "what", "where", "when", "which", "while", "though", "through", "almost", "enough", "again",
        "away", "sometimes", "always", "never", "ever", "someone", "somebody", "everyone", "anyone", "there", "here",
        "those", "these", "their", "theirs", "them", "they", "your", "with", "from", "into", "onto", "upon", "about",
        "experience", "moment", "moments", "support", "step", "steps", "positive", "awesome", "stuff", "idea", "ideas",
        "brings", "congrats", "gorgeous", "tough", "stories", "story", "photo", "photos", "picture", "pictures", "shares",
        "show", "shows", "showed", "life", "appreciate", "amaze", "wonder", "cause", "reason", "chance", "matter",
    ])

    /// Words ending in -ing that are things, not activities: they may be topics.
    static let nouns: Set<String> = ["wedding", "building", "spring", "ring", "king", "ceiling", "sibling", "siblings", "string"]

    /// Words ending in -ing that are not activities (nor, but for `nouns`, topics).
    static let notActivities: Set<String> = Set([
        "morning", "evening", "during", "being", "having", "feeling", "thinking", "saying", "making", "coming", "trying",
        "taking", "bring", "interesting", "amazing", "exciting", "inspiring", "everything", "something", "anything",
        "nothing", "thing", "things", "wedding", "meaning", "building", "string", "spring", "ring", "king", "sing",
        "nothing", "ceiling", "darling", "sibling", "siblings", "seeing", "knowing", "letting", "putting", "giving",
        "keeping", "starting", "wanting", "needing", "loving", "telling", "asking", "hoping", "missing", "getting",
        "going", "doing", "looking", "happening", "touching", "fascinating", "relaxing", "rewarding", "challenging",
        "encouraging", "surprising", "outstanding", "stunning", "charming", "boring", "willing", "lasting",
        "holding", "sitting", "standing", "wearing", "smiling", "posing", "showing", "appreciating", "reminding",
        "expressing", "finding", "bringing", "working", "creating", "connecting", "learning", "planning", "following",
    ])
}
