import Foundation
import GRDB
import MnemoIngest
import MnemoModel
import MnemoRegex

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

    /// The people with a persona: entities of kind person that are not linked
    /// to another entity as its duplicate.
    static func persons(_ db: Database) throws -> [(Int64, String)] {
        try Row.fetchAll(db, sql: """
            SELECT id, name FROM entity WHERE kind = 'person' AND archived = 0
            AND id NOT IN (SELECT from_id FROM entity_link WHERE kind = 'same_as') ORDER BY id
            """).map { ($0[0], $0[1]) }
    }

    /// Document frequency of each term over every spoken episode (for weighting).
    struct Corpus {
        var episodes = 0
        var frequency: [String: Int] = [:]
        func idf(_ term: String) -> Double { log(1 + Double(episodes) / Double(max(frequency[term] ?? 1, 1))) }
    }

    static func corpus(_ db: Database) throws -> Corpus {
        var corpus = Corpus()
        let rows = try Row.fetchCursor(db, sql: "SELECT text FROM episode WHERE speaker_id IS NOT NULL")
        while let row = try rows.next() {
            corpus.episodes += 1
            for term in Set(Analyzer.terms(row[0])) { corpus.frequency[term, default: 0] += 1 }
        }
        return corpus
    }

    init(entity: Int64, name: String, db: Database) throws {
        self.entity = entity
        self.name = name
        identities = [entity] + (try Int64.fetchAll(db, sql: "SELECT from_id FROM entity_link WHERE to_id = ? AND kind = 'same_as'", arguments: [entity]))
        let list = identities.map(String.init).joined(separator: ",")
        for row in try Row.fetchAll(db, sql: """
            SELECT e.id, e.scene_id, e.at, e.text, s.opened_at FROM episode e LEFT JOIN scene s ON s.id = e.scene_id
            WHERE e.speaker_id IN (\(list)) ORDER BY e.at, e.id
            """) {
            let episode = Spoken(id: row[0], scene: row[1], at: row[2], text: row[3])
            spoken.append(episode)
            if let scene = episode.scene { sceneTimes[scene] = row[4] }
            note(episode)
        }
        // Things (not people) they talk about, as entities.
        for row in try Row.fetchAll(db, sql: """
            SELECT n.id, n.name, e.id, e.scene_id, e.at FROM episode e JOIN episode_entity x ON x.episode_id = e.id
            JOIN entity n ON n.id = x.entity_id
            WHERE e.speaker_id IN (\(list)) AND x.role = 'mention' AND (n.kind IS NULL OR n.kind NOT IN ('person'))
            AND n.id NOT IN (\(list))
            """) {
            let key = "n:\(row[0] as Int64)"
            var term = terms[key] ?? Term(display: row[1], activity: false)
            add(&term, episode: row[2], scene: row[3], at: row[4])
            terms[key] = term
        }
        // The people they share scenes with.
        if !sceneTimes.isEmpty {
            for row in try Row.fetchAll(db, sql: """
                SELECT DISTINCT e.scene_id, p.id, p.name FROM episode e JOIN entity p ON p.id = e.speaker_id
                WHERE e.scene_id IN (SELECT DISTINCT scene_id FROM episode WHERE speaker_id IN (\(list)))
                AND e.speaker_id NOT IN (\(list))
                """) {
                let other: Int64 = row[1]
                companions[other, default: (row[2], [])].scenes.insert(row[0])
            }
        }
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

    private mutating func note(_ episode: Spoken) {
        var seen: Set<String> = []
        for token in Analyzer.tokens(episode.text) {
            let word = token.text
            guard word.count >= 4, word.allSatisfy(\.isLetter), !Analyzer.stopWords.contains(word),
                  !Self.fillers.contains(word), !word.hasSuffix("ly"), !(word.hasSuffix("ed") && word.count > 5) else { continue }
            let stem = PorterStemmer.stem(word)
            guard seen.insert(stem).inserted else { continue }
            let activity = word.hasSuffix("ing") && stem != word && stem.count >= 3 && !Self.notActivities.contains(word)
            var term = terms[stem] ?? Term(display: word, activity: activity)
            if activity && !term.activity { term.display = word; term.activity = true }
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
        for (key, term) in terms where term.activity == activities && term.scenes.count >= minScenes {
            let isEntity = key.hasPrefix("n:")
            let weight = isEntity ? 2.0 : corpus.idf(key)
            ranked.append((key, term, Double(term.scenes.count) * weight))
        }
        ranked.sort { $0.score != $1.score ? $0.score > $1.score : $0.key < $1.key }
        return ranked.prefix(limit).map { ($0.key, $0.term) }
    }

    static let relationPattern = try! RegexPattern(
        #"\bmy (?:best |little |older |younger |big |new )?(mom|mother|dad|father|parents|husband|wife|partner|boyfriend|girlfriend|fiance|fiancee|son|daughter|kids|children|child|brother|sister|siblings|grandma|grandmother|grandpa|grandfather|aunt|uncle|cousin|friend|friends|boss|coworker|coworkers|colleague|colleagues|neighbor|neighbour|dog|dogs|cat|cats|pet|pets|family)\b"#)

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
    ])

    /// Words ending in -ing that are not activities.
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
