import Foundation
import MnemoIngest
import MnemoModel
import MnemoStore

/// Spreading-activation recall (SPEC §3, docs/recall.md): seeds from full-text
/// search (over episodes, and over the texts of facts, scenes, persona
/// attributes and insights), the entities named in the query, `about` and
/// `in scene`, spread over the graph
/// with decay, division by fan and a firing threshold, plus scene contiguity,
/// base-level activation and temporal fit.
///
/// `run` reads as the steps docs/recall.md numbers: `cues` finds what the
/// text names (step 1's seeds, the scene and time), `rank` runs steps 1–4
/// over the graph with an `Activation` (seeds, spread, contiguity, `Scoring`
/// into a `TopK`), and `answerLines` writes step 5's answers. `ranking(of:now:)`
/// and `answer(_:)` are its two halves, for a recall ranked on one thread
/// (from memory) and answered on another (from the store).
package struct RecallEngine: Sendable {
    /// Read only for what `cache` does not hold: a recall over cached rows
    /// opens no read transaction.
    let store: MemoryStore
    let graph: GraphIndex
    let text: TextIndex
    let nodeText: NodeTextIndex
    let dictionary: EntityDictionary
    let settings: RecallSettings
    package let cache: RecallCache
    let scratchPool: ScratchPool
    /// Asked between the steps of a recall run on a worker.
    package var cancellation: Cancellation = .never
    /// What the answer may hold (`max_answer_bytes`).
    package var budget: AnswerBudget = .unlimited
    /// Whether the recall may read SQLite for what `cache` does not hold. A
    /// recall on a network thread may not: it throws `NeedsStore` instead,
    /// and runs again on a worker.
    package var mayReadStore = true
    /// For a recall on a network thread (`mayReadStore` false): how long each
    /// of its reads of rows and names the cache does not hold may take on a
    /// connection of the network thread's own (`MemoryStore.readInline`);
    /// `nil`: it reads nothing, and throws `NeedsStore` instead.
    package var inlineReadBudget: Duration? = nil

    /// Thrown by a recall that may not read the store (`mayReadStore`) and
    /// needs to: it changed nothing, and runs again where it may.
    package struct NeedsStore: Error { package init() {} }

    package init(
        store: MemoryStore, graph: GraphIndex, text: TextIndex, nodeText: NodeTextIndex, dictionary: EntityDictionary,
        settings: RecallSettings, cache: RecallCache, scratchPool: ScratchPool
    ) {
        self.store = store
        self.graph = graph
        self.text = text
        self.nodeText = nodeText
        self.dictionary = dictionary
        self.settings = settings
        self.cache = cache
        self.scratchPool = scratchPool
    }

    /// A result before its answer line: the node, its stored id and the
    /// fields recall adds (score, paths).
    struct Ranked: Sendable {
        var node: UInt32
        var id: NodeID
        var extra: [(String, JSONValue)]
    }

    /// A recall's results in rank order, before their answer lines
    /// (`answer(_:)`): steps 1–4 done, step 5 to do.
    package struct Ranking: Sendable {
        let ranked: [Ranked]
        /// The recall's `known as of`: facts are answered as believed then.
        let knownAsOf: Timestamp?
        /// The results' nodes and stored ids, best first (which the caller reinforces).
        package var returned: [(node: UInt32, id: NodeID)] { ranked.map { ($0.node, $0.id) } }
    }

    /// Answers a recall at `now`: its answer lines, best first, and the
    /// nodes they stand for (which the caller reinforces).
    package func run(_ recall: Recall, now: Timestamp) throws -> (lines: [JSONValue], returned: [(node: UInt32, id: NodeID)]) {
        let ranking = try ranking(of: recall, now: now)
        return (try answer(ranking), ranking.returned)
    }

    /// Steps 1–4 of a recall at `now`: its best results, not yet answered.
    package func ranking(of recall: Recall, now: Timestamp) throws -> Ranking {
        let cues = try self.cues(of: recall, now: now)
        let beliefs = try recall.knownAsOf.map(self.beliefs(at:))
        try cancellation.check()
        func ranked(in view: GraphIndex.View) throws -> [Ranked] {
            guard let beliefs else { return try rank(recall, cues: cues, in: view, now: now) }
            let known = KnownBeliefs(beliefs, in: view)
            return try rank(recall, cues: cues, in: view.changingFlags(known.flags), known: known, now: now)
        }
        // A network thread does not wait for the graph (held by a refresh, or by
        // recalls a refresh waits for): a worker ranks the recall then.
        guard let ranked = try mayReadStore ? graph.withView(ranked(in:)) : graph.withViewIfFree(ranked(in:)) else {
            throw NeedsStore()
        }
        return Ranking(ranked: ranked, knownAsOf: recall.knownAsOf)
    }

    /// Step 5: the answer lines of a ranking, from the cache and, for the
    /// rows it does not hold, the store (`NeedsStore` if this engine may
    /// not read it: nothing changed, and a worker's engine can answer the
    /// same ranking).
    package func answer(_ ranking: Ranking) throws -> [JSONValue] {
        try answerLines(ranking.ranked, knownAsOf: ranking.knownAsOf)
    }

    /// How the memory's beliefs at `t` differ from now, for `known as of`:
    /// always read from the store (such a recall never runs on a network
    /// thread). A write that commits between this read and the spread may
    /// show through in the graph, as a row deleted meanwhile is left out of
    /// the answers.
    private func beliefs(at t: Timestamp) throws -> BeliefsAt {
        guard mayReadStore else { throw NeedsStore() }
        return try store.read(cancellation: cancellation) { reader in try reader.beliefs(at: t) }
    }

    /// Step 1 before the graph: the text's words and the time it names, the
    /// entities its names and `about` denote, the `in scene` scene, and the
    /// best episodes and other texts by BM25 over the words that are not names.
    private func cues(of recall: Recall, now: Timestamp) throws -> RecallCues {
        // (A long text takes a while at each step: a recall stopped meanwhile
        // stops between them.)
        let tokens = Analyzer.tokens(recall.text)
        let words = tokens.map(\.text).filter { !Analyzer.stopWords.contains($0) }
        try cancellation.check()
        let window = TemporalResolver().resolve(recall.text, at: now).first
        try cancellation.check()
        let names = dictionary.find(in: tokens)
        try cancellation.check()
        let (scene, entities) = try lookUp(names: names.map(\.name), about: recall.about, scene: recall.scene)
        // Names the dictionary knows are seeded as entities; in the full-text query
        // they would only match every turn of a speaker.
        let named = Set(names.flatMap { Analyzer.tokens($0.name).map(\.text) })
        let unnamed = words.filter { !named.contains($0) }
        let searched = unnamed.isEmpty ? words : unnamed
        let cue = CueWord.distinct(searched, limit: Self.searchedWordsLimit)
        let terms = Self.terms(of: cue)
        try cancellation.check()
        let textHits = fullText(terms)
        try cancellation.check()
        return RecallCues(textHits: textHits, nodeHits: otherText(terms), words: cue, entities: entities, scene: scene, window: window)
    }

    /// At most how many distinct words a recall searches for: its text's
    /// first ones. A text of thousands of different words would take tens of
    /// milliseconds to search, on a large space.
    static let searchedWordsLimit = 256

    /// The terms a recall searches for: the stems of its distinct words (the
    /// first `searchedWordsLimit`), sorted by word, a stem as often as
    /// distinct words have it, as the FTS5 query `"w1" OR "w2" …` counts it.
    static func searchedTerms(_ words: [String]) -> [String] {
        terms(of: CueWord.distinct(words, limit: searchedWordsLimit))
    }

    /// The stems of `cue`, sorted by word (`searchedTerms`).
    static func terms(of cue: [CueWord]) -> [String] {
        cue.sorted { $0.word < $1.word }.map(\.stem)
    }

    /// Steps 1–4 and `explain` over the graph: seeds, spread, contiguity, and
    /// the best `limit` by score, each with its score (and explanation).
    /// (`known`: what a recall `known as of` sees in place of today's
    /// beliefs; `view` then has its flags.)
    private func rank(
        _ recall: Recall, cues: RecallCues, in view: GraphIndex.View, known: KnownBeliefs? = nil, now: Timestamp
    ) throws -> [Ranked] {
        // Working memory (a few bytes per node), pooled across recalls; only the
        // entries of touched nodes are written, and the pool resets them.
        let scratch = scratchPool.take(count: view.count)
        defer { scratchPool.give(scratch) }
        return try view.withBuffers { graph in
            var activation = Activation(
                view: view, graph: graph, scratch: scratch, exclusions: Activation.Exclusions(recall), answers: Activation.Answers(recall),
                trace: recall.explain ? ExplainTrace(settings) : nil)
            defer { activation.finish() }
            activation.seed(text: cues.textHits)
            activation.seed(nodes: cues.nodeHits, strength: settings.otherTextSeed)
            activation.seed(entities: cues.entities)
            activation.seed(scene: cues.scene, strength: settings.aboutSeed)
            activation.seed(window: cues.window?.range.microseconds, strength: settings.temporalSeed)
            try activation.spread(depth: recall.depth ?? settings.depth, settings: settings, cancellation: cancellation)
            activation.addContiguity(settings.contiguity, span: settings.contiguitySpan, falloff: settings.contiguityFalloff)
            activation.markLinked(to: Set(cues.entities.compactMap { view.node(NodeID(.entity, $0.id)) }))
            let top = try activation.best(
                recall.limit ?? settings.defaultLimit, by: Scoring(recall, cues: cues, settings: settings, view: view, known: known, now: now),
                cancellation: cancellation)
            // The words each text seed matched, found once for all the results.
            let seedWords =
                recall.explain
                ? SeedWords(
                    episodes: text.words(cues.words, in: cues.textHits.map(\.episode)),
                    others: nodeText.words(cues.words, in: cues.nodeHits.map(\.node)))
                : SeedWords()
            var ranked: [Ranked] = []
            let best = top.items
            ranked.reserveCapacity(best.count)
            for (i, (n, score)) in best.enumerated() {
                let id = view.id(n)
                var extra: [(String, JSONValue)] = [("score", .double((score * 10_000).rounded() / 10_000))]
                if let explanation = activation.explain(n) {
                    // Each result's explanation walks its neighbourhood.
                    if i % 64 == 63 { try cancellation.check() }
                    extra += explainFields(explanation, recall: recall, cues: cues, seedWords: seedWords, in: view)
                }
                ranked.append(Ranked(node: n, id: id, extra: extra))
            }
            return ranked
        }
    }

    /// `explain`'s fields of a result: its `activation`, the strongest path
    /// (`paths`, one) and the seeds that gave it the most (`seeds`, at most
    /// `explainedSeeds`), each with its `share` of the activation and its
    /// cue: the query words a text seed matched, the name of an entity or
    /// `in scene` seed.
    private func explainFields(
        _ explanation: ExplainTrace.Explanation, recall: Recall, cues: RecallCues, seedWords: SeedWords, in view: GraphIndex.View
    ) -> [(String, JSONValue)] {
        func rounded(_ x: Double) -> JSONValue { .double((x * 10_000).rounded() / 10_000) }
        func seed(_ origin: ExplainTrace.Origin, node: Bool = false) -> [(String, JSONValue)] {
            var fields: [(String, JSONValue)] = [("seed", .string(origin.kind.name))]
            if node { fields.append(("node", .string(view.id(origin.node).description))) }
            let id = view.id(origin.node)
            switch origin.kind {
            case .entity, .about: fields.append(("name", .string(origin.entity.map { cues.entities[$0].name } ?? "")))
            case .scene: fields.append(("name", .string(recall.scene ?? "")))
            case .time: fields.append(("name", .string(cues.window?.text ?? "")))
            case .text:
                let matched = (id.kind == .episode ? seedWords.episodes[id.number] : seedWords.others[id]) ?? []
                fields.append(("words", .array(matched.map(JSONValue.string))))
            }
            return fields
        }
        var fields: [(String, JSONValue)] = [("activation", rounded(explanation.activation))]
        if let path = explanation.path {
            let via = JSONValue.array(path.via.map { .string(view.id($0).description) })
            fields.append(("paths", .array([.object(seed(path.origin) + [("via", via), ("share", rounded(path.share))])])))
        }
        let seeds = explanation.seeds.prefix(Self.explainedSeeds).map { origin, share in
            JSONValue.object(seed(origin, node: true) + [("share", rounded(share))])
        }
        fields.append(("seeds", .array(Array(seeds))))
        return fields
    }

    /// The query words each text seed contains: episodes by id, other
    /// things by node.
    struct SeedWords {
        var episodes: [Int64: [String]] = [:]
        var others: [NodeID: [String]] = [:]
    }

    /// How many seeds `explain` lists for a result, largest share first.
    static let explainedSeeds = 5

    /// The scene `in scene` names and the entities the query names (found by
    /// the dictionary) or gives with `about`, as seeds. SQLite is read only for
    /// a scene or a name the cache does not hold.
    /// Each entity is seeded once, however often or by however many names
    /// ("Mel", "Melanie") the text names it.
    private func lookUp(names: [String], about: String?, scene: String?) throws -> (scene: Int64?, entities: [RecallCues.Entity]) {
        var seen: Set<String> = []
        let distinct = names.map { ($0, Name.normalize($0)) }.filter { seen.insert($0.1).inserted }
        let names = distinct.map(\.0)
        let wanted =
            distinct.map { ($0.1, settings.entitySeed, Seed.entity) }
            + (about.map { [(Name.normalize($0), settings.aboutSeed, Seed.about)] } ?? [])
        var known = wanted.map { cache.entity($0.0) }
        var sceneID: Int64?
        if scene != nil || known.contains(nil) {
            try readStore { reader in
                if let scene {
                    guard let found = try reader.scene(titled: scene) else { throw MnemoError(.notFound, "no scene \"\(scene)\"") }
                    sceneID = found.id
                }
                for (i, (norm, _, _)) in wanted.enumerated() where known[i] == nil {
                    known[i] = try reader.entityID(named: norm)
                    if let id = known[i] { cache.setEntity(norm, id) }
                }
            }
        }
        if let about, known.last! == nil { throw MnemoError(.notFound, "no entity \"\(about)\"") }
        let given = names + (about.map { [$0] } ?? [])
        var named: Set<Int64> = []
        let entities = zip(zip(wanted, known), given).compactMap { pair, name in
            pair.1.map { RecallCues.Entity(id: $0, strength: pair.0.1, kind: pair.0.2, name: name) }
        }.filter { $0.kind != .entity || named.insert($0.id).inserted }
        return (sceneID, entities)
    }

    /// Reads what the cache does not hold: on a worker through the store's
    /// pool; on a network thread within `inlineReadBudget`, or not at all.
    /// Either way short of an answer (no budget, the budget spent, no
    /// connection free), it throws `NeedsStore`; what it read and cached
    /// meanwhile stays cached, as true as anything else there.
    private func readStore(_ body: (ReadContext) throws -> Void) throws {
        if mayReadStore { return try store.read(cancellation: cancellation, body) }
        guard let inlineReadBudget else { throw NeedsStore() }
        let inline = Cancellation(budget: inlineReadBudget)
        do {
            try store.readInline(cancellation: inline, body)
        } catch {
            if inline.reason == .overBudget { throw NeedsStore() }
            throw error
        }
    }

    /// The answer lines of the results, in rank order: episodes from the
    /// cache, the rest (and episodes not cached yet) in one read, each as the
    /// protocol encodes its kind elsewhere, with recall's fields. A result
    /// deleted since the graph was read is left out. A fact is answered as
    /// the memory believed it at `knownAsOf`, if given.
    private func answerLines(_ ranked: [Ranked], knownAsOf: Timestamp?) throws -> [JSONValue] {
        var prefixes = ranked.map { $0.id.kind == .episode ? cache.episode($0.id.number) : nil }
        var others: [Int: JSONValue] = [:]
        if zip(ranked, prefixes).contains(where: { $1 == nil }) {
            try readStore { reader in
                let episodes = try reader.episodes(
                    ids: ranked.indices.compactMap {
                        ranked[$0].id.kind == .episode && prefixes[$0] == nil ? ranked[$0].id.number : nil
                    })
                for (i, item) in ranked.enumerated() where prefixes[i] == nil {
                    let number = item.id.number
                    switch item.id.kind {
                    case .episode:
                        guard let episode = episodes[number] else { continue }
                        let prefix = String(Encode.episode(episode).serialized.dropLast())
                        cache.setEpisode(number, prefix)
                        prefixes[i] = prefix
                    case .fact: others[i] = try reader.fact(id: number, knownAsOf: knownAsOf).map { Encode.fact($0, extra: item.extra) }
                    case .scene: others[i] = try reader.scene(id: number).map { Encode.scene($0, extra: item.extra) }
                    case .persona: others[i] = try reader.personaAttribute(id: number).map { Encode.persona($0, extra: item.extra) }
                    case .insight: others[i] = try reader.insight(id: number).map { Encode.insight($0, extra: item.extra) }
                    case .entity: break
                    }
                }
            }
        }
        for i in ranked.indices { try budget.charge(others[i] == nil ? (prefixes[i]?.utf8.count ?? 0) + 64 : 512) }
        var lines: [JSONValue] = []
        lines.reserveCapacity(ranked.count)
        for i in ranked.indices {
            // Thousands of lines take milliseconds to write.
            if i & 255 == 255 { try checkAnswering() }
            if let other = others[i] {
                lines.append(other)
                continue
            }
            guard var line = prefixes[i] else { continue }
            for (key, value) in ranked[i].extra {
                line += ","
                JSONValue.writeString(key, to: &line)
                line += ":"
                value.write(to: &line)
            }
            lines.append(.raw(line + "}"))
        }
        return lines
    }

    /// Stops answering when the recall is cancelled. On a network thread,
    /// whose budget (`recall_inline_budget`) covers the answer as well as
    /// the ranking, that is `NeedsStore`: a worker writes the answer from the
    /// same ranking.
    private func checkAnswering() throws {
        do {
            try cancellation.check()
        } catch {
            if !mayReadStore && cancellation.reason == .overBudget { throw NeedsStore() }
            throw error
        }
    }

    /// BM25 over episode text: the best `textSeeds` episodes for the stemmed
    /// query terms (the phrases of the FTS5 query `"w1" OR "w2" …` over the
    /// distinct words; a long query's IDFs raised to
    /// `longQueryIDFPower`), with scores scaled to (0, 1].
    func fullText(_ terms: [String]) -> [(episode: Int64, score: Double)] {
        scaled(text.search(terms, limit: settings.textSeeds, idfPower: settings.idfPower(searching: terms)))
    }

    /// BM25 over the texts of facts, scenes, persona attributes and insights:
    /// the best `textSeeds`, scaled the same way.
    func otherText(_ terms: [String]) -> [(node: NodeID, score: Double)] {
        scaled(nodeText.search(terms, limit: settings.textSeeds, idfPower: settings.idfPower(searching: terms)))
    }

    private func scaled<ID>(_ hits: [(ID, Double)]) -> [(ID, Double)] {
        guard let best = hits.first?.1, best > 0 else { return hits.map { ($0.0, 0.01) } }
        return hits.map { ($0.0, $0.1 / best) }
    }
}
