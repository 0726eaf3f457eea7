import Foundation
import MnemoIngest
import MnemoModel
import MnemoQuery
import MnemoStore
import Synchronization

/// The ingestion state of one space: the dictionary of names it knows and what
/// the segmenter remembers of recent scenes. Built from the store on first use,
/// then kept current by every `remember` and `assert` through it.
public final class SpaceIngestor: Sendable {
    let dictionary: EntityDictionary
    let settings: IngestSettings
    private let scenes = Mutex<[Int64: SceneSegmenter.SceneState]>([:])
    private let temporal = TemporalResolver()
    /// Where warnings go (the daemon's log).
    private let warn: @Sendable (String) -> Void

    init(store: MemoryStore, settings: IngestSettings, warn: @escaping @Sendable (String) -> Void = { _ in }) throws(MnemoError) {
        self.settings = settings
        self.warn = warn
        let names = try store.read { r in try r.allNames() }
        dictionary = EntityDictionary()
        for (name, display) in names { dictionary.add(name, display: display) }
    }

    /// What `remember` finds in its text before touching the store: entities,
    /// times, the terms segmentation compares and the facts the rules extract.
    /// It reads only the name dictionary, which changes only after a commit, so
    /// a batch can prepare its episodes on another thread while it writes.
    struct Prepared: Sendable {
        var mentions: [String]
        var addressees: [String]
        var terms: [String]
        var times: [TimeMention]
        var facts: [ExtractionRules.Found]
    }

    func prepare(_ r: Remember, now: Timestamp) -> Prepared {
        let at = r.at ?? now
        var extracted = EntityExtractor(dictionary: dictionary).extract(r.text)
        if let speaker = r.speaker {
            extracted.mentions.removeAll { Name.normalize($0) == Name.normalize(speaker) }
            extracted.addressees.removeAll { Name.normalize($0) == Name.normalize(speaker) }
        }
        // Terms only matter to segmentation, which only places unnamed episodes.
        let terms = r.scene == nil && r.speaker != nil ? Analyzer.terms(r.text) : []
        return Prepared(
            mentions: extracted.mentions, addressees: extracted.addressees, terms: terms,
            times: temporal.resolve(r.text, at: at), facts: settings.rules.apply(to: r.text, speaker: r.speaker))
    }

    /// Extracts (unless `prepared` already did), places in a scene and stores one
    /// episode, with the facts the rules find in it, in the caller's transaction.
    func remember(_ r: Remember, prepared: Prepared? = nil, now: Timestamp, in w: WriteContext) throws -> (outcome: EpisodeOutcome, episode: Episode) {
        let at = r.at ?? now
        let found = prepared ?? prepare(r, now: now)
        var scene = r.scene
        if scene == nil, let speaker = r.speaker {
            scene = try segment(speaker: speaker, at: at, terms: found.terms, entities: found.mentions, in: w)
        }
        let input = EpisodeInput(
            text: r.text, speaker: r.speaker, at: at, scene: scene, ref: r.ref, importance: r.importance ?? 0.5,
            mentions: found.mentions.filter { !found.addressees.contains($0) }, addressees: found.addressees,
            times: found.times)
        let outcome = try w.createEpisode(input)
        for fact in found.facts {
            // A rule's fact that cannot be stored (an empty capture, roles its
            // predicate's declaration lacks) is left out and logged: the
            // episode is what the client asked for, the fact a guess of the daemon's.
            do {
                try w.savepoint {
                    _ = try w.assert(FactAssertion(fact.predicate, fact.arguments, sources: [outcome.episodeID], origin: "rule", scene: scene))
                }
            } catch let lost as TransactionLost {
                // SQLite rolled the whole transaction back (a full disk): the
                // remember fails with it, as every statement of its batch does.
                throw lost
            } catch {
                let reason = (error as? MnemoError)?.message ?? "\(error)"
                warn("the rule of line \(fact.line) found \(fact.predicate)(…) in e:\(outcome.episodeID), which was not asserted: \(reason)")
            }
        }
        if let sceneID = outcome.sceneID, r.scene != nil {
            // A named scene's state is rebuilt from the store if segmentation ever needs it.
            _ = scenes.withLock { $0.removeValue(forKey: sceneID) }
        } else if let sceneID = outcome.sceneID {
            let vocabulary = Set(found.terms + found.mentions.map { Name.normalize($0) })
            scenes.withLock { states in
                var state = states[sceneID] ?? SceneSegmenter.SceneState(lastEpisodeAt: at, episodes: 0, vocabulary: [])
                state.lastEpisodeAt = max(state.lastEpisodeAt, at)
                state.episodes += 1
                state.vocabulary.formUnion(vocabulary)
                states[sceneID] = state
            }
        }
        return (outcome, try w.createdEpisode(outcome, from: input))
    }

    /// The title of the scene an unplaced episode of `speaker` belongs to,
    /// opening an automatic scene when the segmenter says so.
    private func segment(speaker: String, at: Timestamp, terms: [String], entities: [String], in w: WriteContext) throws -> String? {
        let current = try w.reader.openSceneOfSpeaker(speaker)
        var state: SceneSegmenter.SceneState?
        if let current {
            state = scenes.withLock { $0[current.id] }
            if state == nil {
                let texts = try w.reader.recentEpisodeTexts(inScene: current.id, limit: 20)
                state = SceneSegmenter.SceneState(
                    lastEpisodeAt: current.lastEpisodeAt ?? current.openedAt, episodes: current.episodes,
                    vocabulary: Set(texts.flatMap(Analyzer.terms)))
            }
        }
        switch settings.segmenter.decide(scene: state, at: at, terms: terms, entities: entities) {
        case .continueScene:
            return current?.title
        case .newScene:
            // A title of its own: a remember is never refused for a choice the daemon made.
            let title = try w.uniqueSceneTitle("\(Name.display(speaker)) \(at.iso8601)")
            _ = try w.openScene(title, at: at, participants: [speaker], automatic: true)
            return title
        }
    }

    /// Names that later episodes should find: called after a write committed.
    func learn(_ names: [String]) {
        for name in names { dictionary.add(name) }
    }
}
