import Foundation
import CPrefetch
import MnemoIngest
import MnemoModel
import MnemoStore
import Synchronization

/// The parameters of recall (daemon.conf `recall_*` keys; defaults measured on
/// the LoCoMo development conversations).
public struct RecallSettings: Sendable, Hashable {
    /// Hops of spreading.
    public var depth = 2
    /// Share of activation kept per hop.
    public var decay = 0.6
    /// Nodes below this activation do not spread.
    public var threshold = 0.005
    /// In the last hop, a node that would pass each neighbour less than this
    /// does not spread: what it gives can spread no further, and such crumbs
    /// (a hub's activation divided by its fan) did not change a LoCoMo result,
    /// while delivering them was a third of a recall over a million facts.
    public var minShare = 0.002
    /// How many full-text hits seed the spreading.
    public var textSeeds = 60
    /// Activation of an entity named in the query / given with `about`.
    public var entitySeed = 0.6
    public var aboutSeed = 1.5
    /// Share of an episode's activation its neighbours in time receive.
    public var contiguity = 0.4
    /// Weight of base-level activation (recency and frequency) in the score.
    public var baseLevelWeight = 0.01
    /// Score multiplier for items inside a time window named in the query.
    public var temporalBoost = 0.5
    /// Score multiplier for items directly linked to an entity the query names
    /// (cues that agree: the words and the person).
    public var entityBoost = 1.5
    public var defaultLimit = 10

    public init() {}
}

/// Spreading-activation recall (SPEC §3): seeds from full-text search, the
/// entities named in the query and `about`, spread over the graph with decay,
/// division by fan and a firing threshold, plus scene contiguity, base-level
/// activation and temporal fit.
package struct RecallEngine {
    /// Read only for what `cache` does not hold: a recall over cached rows
    /// opens no read transaction.
    let store: MemoryStore
    let graph: GraphIndex
    let text: TextIndex
    let dictionary: EntityDictionary
    let settings: RecallSettings
    let cache: RecallCache
    let scratchPool: ScratchPool
    /// Asked between the steps of a recall run on a worker.
    package var cancellation: Cancellation = .never
    /// What the answer may hold (`max_answer_bytes`).
    package var budget: AnswerBudget = .unlimited
    /// Whether the recall may read SQLite for what `cache` does not hold. A
    /// recall on a network thread may not: it throws `NeedsStore` instead,
    /// and runs again on a worker.
    package var mayReadStore = true

    /// Thrown by a recall that may not read the store (`mayReadStore`) and
    /// needs to: it changed nothing, and runs again where it may.
    package struct NeedsStore: Error { package init() {} }

    package init(store: MemoryStore, graph: GraphIndex, text: TextIndex, dictionary: EntityDictionary, settings: RecallSettings,
                 cache: RecallCache, scratchPool: ScratchPool) {
        self.store = store
        self.graph = graph
        self.text = text
        self.dictionary = dictionary
        self.settings = settings
        self.cache = cache
        self.scratchPool = scratchPool
    }

    enum Seed: Hashable { case text, entity, about }

    /// A result before its answer line: the node, its stored id and the
    /// fields recall adds (score, paths).
    struct Ranked {
        var node: UInt32
        var id: NodeID
        var extra: [(String, JSONValue)]
    }

    package func run(_ r: Recall, now: Timestamp) throws -> (lines: [JSONValue], returned: [UInt32]) {
        let limit = r.limit ?? settings.defaultLimit
        let depth = r.depth ?? settings.depth
        // What the query names.
        let tokens = Analyzer.tokens(r.text)
        let words = tokens.map(\.text).filter { !Analyzer.stopWords.contains($0) }
        let window = TemporalResolver().resolve(r.text, at: now).first?.range
        let names = dictionary.find(in: tokens)
        let (sceneFilter, entitySeeds) = try cues(names: names.map(\.name), about: r.about, scene: r.scene)
        // Names the dictionary knows are seeded as entities; in the full-text query
        // they would only match every turn of a speaker.
        let named = Set(names.flatMap { Analyzer.tokens($0.name).map(\.text) })
        let unnamed = words.filter { !named.contains($0) }
        let textHits = try fullText(unnamed.isEmpty ? words : unnamed)
        try cancellation.check()

        let ranked: [Ranked] = try graph.withView { view in
            let sceneNode = sceneFilter.flatMap { view.node(NodeID(.scene, $0)) }
            // Working memory (a few bytes per node), pooled across recalls; only the
            // entries of touched nodes are written, and the pool resets them.
            let scratch = scratchPool.take(count: view.count)
            defer { scratchPool.give(scratch) }
            let node = scratch.entries
            var touched = scratch.touched
            scratch.touched = []
            defer { scratch.touched = touched }
            let top = try view.withBuffers { g in
                @inline(__always) func bump(_ n: UInt32, _ a: Double) {
                    if node[Int(n)].activation == 0 { touched.append(n) }
                    node[Int(n)].activation += a
                }
                for (episode, score) in textHits {
                    guard let n = view.node(NodeID(.episode, episode)) else { continue }
                    bump(n, score)
                    node[Int(n)].seed = 1
                }
                for (entity, strength, kind) in entitySeeds {
                    guard let n = view.node(NodeID(.entity, entity)) else { continue }
                    bump(n, strength)
                    node[Int(n)].seed = kind == .about ? 3 : 2
                }
                let includeArchived = r.includeArchived, includeSuperseded = r.asOf != nil
                @inline(__always) func excluded(_ n: UInt32) -> Bool {
                    excludes(g.flags(n))
                }
                @inline(__always) func excludes(_ flags: GraphIndex.Flags) -> Bool {
                    if flags.isDisjoint(with: .exclusions) { return false }
                    if flags.contains(.deleted) || flags.contains(.retracted) { return true }
                    if flags.contains(.archived) && !includeArchived { return true }
                    if flags.contains(.superseded) && !includeSuperseded { return true }
                    return false
                }
                // Spread: each firing node shares its activation, decayed and divided by its fan.
                var frontier: [(UInt32, Double)] = touched.map { ($0, node[Int($0)].activation) }
                var reached: [UInt32] = []
                for hop in 0..<depth {
                    try cancellation.check()
                    // What the last hop reaches spreads no further, and only episodes
                    // and facts are scored: entities and scenes reached then would be
                    // touched for nothing (half the work on a large graph).
                    let last = hop == depth - 1
                    reached.removeAll(keepingCapacity: true)
                    @inline(__always) func deliver(_ n: UInt32, _ t: UInt32, _ gain: Double) {
                        let flags = g.flags(t)
                        if last && !flags.contains(.answerable) { return }
                        guard !excludes(flags) else { return }
                        let i = Int(t)
                        if node[i].incoming == 0 { reached.append(t) }
                        if node[i].seed == 0 && node[i].parent == .max { node[i].parent = n }
                        node[i].incoming += gain
                    }
                    frontier.removeAll { $0.1 < settings.threshold }   // below the threshold nothing fires
                    // Nodes are reached at random in arrays far larger than the caches:
                    // while one node delivers, the entries of the next one's targets
                    // are asked for, and the edges of the one after that.
                    @inline(__always) func prefetchTargets(of n: UInt32) {
                        for edge in g.edgeRange(of: n) {
                            let t = g.target(edge)
                            mnemo_prefetch(node + Int(t))
                            mnemo_prefetch(g.flagsAddress(t))
                        }
                    }
                    if let first = frontier.first { prefetchTargets(of: first.0) }
                    for i in frontier.indices {
                        let (n, a) = frontier[i]
                        if i + 2 < frontier.count { mnemo_prefetch(g.offsetAddress(frontier[i + 2].0)) }
                        if i + 1 < frontier.count { prefetchTargets(of: frontier[i + 1].0) }
                        let fan = view.fan(n)
                        guard fan > 0 else { continue }
                        let share = a * settings.decay / Double(fan)
                        if last && share < settings.minShare { continue }
                        for edge in g.edgeRange(of: n) {
                            deliver(n, g.target(edge), share * Double(g.weight(edge)))
                        }
                        if let added = view.addedEdges(of: n) {
                            for (t, w) in added { deliver(n, t, share * Double(w)) }
                        }
                    }
                    frontier.removeAll(keepingCapacity: true)
                    for t in reached {
                        let i = Int(t)
                        frontier.append((t, node[i].incoming))
                        bump(t, node[i].incoming)
                        node[i].incoming = 0
                    }
                }
                // Scene contiguity: the turns around a strongly activated episode.
                let strong = TopK.of(touched.lazy.filter { g.flags($0).contains(.episode) }.map { ($0, node[Int($0)].activation) }, k: 20)
                for (n, a) in strong {
                    for m in view.timeNeighbors(of: n) where !excluded(m) {
                        bump(m, a * settings.contiguity)
                        if node[Int(m)].parent == .max && node[Int(m)].seed == 0 { node[Int(m)].parent = n }
                    }
                }
                // Items linked directly to an entity the query names: the named
                // entities' neighbours (edges go both ways), gathered once instead
                // of looking through every candidate's neighbours.
                for named in Set(entitySeeds.compactMap({ view.node(NodeID(.entity, $0.0)) })) {
                    for edge in g.edgeRange(of: named) {
                        let t = g.target(edge)
                        if !node[Int(t)].linked { node[Int(t)].linked = true; scratch.linkedNodes.append(t) }
                    }
                    for (t, _) in view.addedEdges(of: named) ?? [] where !node[Int(t)].linked {
                        node[Int(t)].linked = true; scratch.linkedNodes.append(t)
                    }
                }
                // Score the episodes and facts, keeping the best `limit` as they come.
                // The base-level term is bounded, so a candidate whose best possible
                // score stays below the current last place skips computing it.
                let baseBound = settings.baseLevelWeight * view.baseLevelBound()
                let entityFactor = 1 + settings.entityBoost, temporalFactor = 1 + settings.temporalBoost
                let windowFrom = window?.from?.microseconds ?? .min, windowTo = window?.to?.microseconds ?? .max
                let asOf = r.asOf?.microseconds
                let duringFrom = r.during?.from?.microseconds ?? .min, duringTo = r.during?.to?.microseconds ?? .max
                var top = TopK<UInt32>(limit)
                for n in touched {
                    let flags = g.flags(n)
                    guard flags.contains(.answerable), !excludes(flags) else { continue }
                    let a = node[Int(n)].activation
                    if let asOf, view.time(n) > asOf { continue }
                    if r.during != nil, !view.inTime(n, from: duringFrom, to: duringTo) { continue }
                    if let sceneNode, flags.contains(.episode), view.scene(of: n) != sceneNode { continue }
                    var boost = 1.0
                    let linked = node[Int(n)].linked
                    if linked { boost *= entityFactor }
                    if window != nil, view.inTime(n, from: windowFrom, to: windowTo) { boost *= temporalFactor }
                    // (The margin covers rounding: the bound is never below the score.)
                    if let last = top.last, (a + baseBound) * boost * (1 + 1e-9) < last { continue }
                    var score = a + settings.baseLevelWeight * view.baseLevel(n, now: now.microseconds)
                    if linked { score *= entityFactor }
                    if window != nil, view.inTime(n, from: windowFrom, to: windowTo) { score *= temporalFactor }
                    top.add((n, score))
                }
                return top
            }
            return top.items.map { n, score in
                let id = view.id(n)
                var extra: [(String, JSONValue)] = [("score", .double((score * 10_000).rounded() / 10_000))]
                if r.explain {
                    var path: [JSONValue] = [.string(id.description)]
                    var cursor = n
                    var steps = 0
                    while node[Int(cursor)].parent != .max, steps < 8 {
                        let p = node[Int(cursor)].parent
                        path.append(.string(view.id(p).description))
                        cursor = p
                        steps += 1
                    }
                    let seed = ["text", "text", "entity", "about"][Int(node[Int(cursor)].seed)]
                    extra.append(("paths", .array([.object([("seed", .string(seed)), ("via", .array(path.reversed()))])])))
                }
                return Ranked(node: n, id: id, extra: extra)
            }
        }
        return (try answerLines(ranked), ranked.map(\.node))
    }

    /// The scene `in scene` names and the entities the query names (found by
    /// the dictionary) or gives with `about`, as seeds. SQLite is read only for
    /// a scene or a name the cache does not hold.
    private func cues(names: [String], about: String?, scene: String?) throws -> (scene: Int64?, seeds: [(Int64, Double, Seed)]) {
        let wanted = names.map { (Name.normalize($0), settings.entitySeed, Seed.entity) }
            + (about.map { [(Name.normalize($0), settings.aboutSeed, Seed.about)] } ?? [])
        var known = wanted.map { cache.entity($0.0) }
        var sceneID: Int64?
        if scene != nil || known.contains(nil) {
            guard mayReadStore else { throw NeedsStore() }
            try store.read(cancellation: cancellation) { reader in
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
        let seeds = zip(wanted, known).compactMap { w, id in id.map { ($0, w.1, w.2) } }
        return (sceneID, seeds)
    }

    /// The answer lines of the results, in rank order: episodes from the
    /// cache, the rest (and episodes not cached yet) in one read. A result
    /// deleted since the graph was read is left out.
    private func answerLines(_ ranked: [Ranked]) throws -> [JSONValue] {
        var prefixes = ranked.map { $0.id.kind == .episode ? cache.episode($0.id.number) : nil }
        var facts: [Int: JSONValue] = [:]
        if zip(ranked, prefixes).contains(where: { $1 == nil }) {
            guard mayReadStore else { throw NeedsStore() }
            try store.read(cancellation: cancellation) { reader in
                let episodes = try reader.episodes(ids: ranked.indices.compactMap {
                    ranked[$0].id.kind == .episode && prefixes[$0] == nil ? ranked[$0].id.number : nil
                })
                for (i, item) in ranked.enumerated() where prefixes[i] == nil {
                    switch item.id.kind {
                    case .episode:
                        guard let episode = episodes[item.id.number] else { continue }
                        let prefix = String(Encode.episode(episode).serialized.dropLast())
                        cache.setEpisode(item.id.number, prefix)
                        prefixes[i] = prefix
                    case .fact:
                        if let f = try reader.fact(id: item.id.number) { facts[i] = Encode.fact(f, extra: item.extra) }
                    default: break
                    }
                }
            }
        }
        for i in ranked.indices { try budget.charge(facts[i] == nil ? (prefixes[i]?.utf8.count ?? 0) + 64 : 512) }
        return ranked.indices.compactMap { i -> JSONValue? in
            if let fact = facts[i] { return fact }
            guard var line = prefixes[i] else { return nil }
            for (key, value) in ranked[i].extra {
                line += ","
                JSONValue.writeString(key, to: &line)
                line += ":"
                value.write(to: &line)
            }
            return .raw(line + "}")
        }
    }

    /// BM25 over episode text: the best `textSeeds` episodes with scores scaled to (0, 1].
    func fullText(_ words: [String]) throws -> [(Int64, Double)] {
        guard !words.isEmpty else { return [] }
        // The phrases of the FTS5 query `"w1" OR "w2" …` over the distinct words.
        let hits = text.search(Set(words).sorted().map(PorterStemmer.stem), limit: settings.textSeeds)
        guard let best = hits.first?.1, best > 0 else { return hits.map { ($0.0, 0.01) } }
        return hits.map { ($0.0, $0.1 / best) }
    }
}
