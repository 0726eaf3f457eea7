import Foundation
import GRDB
import MnemoGraph
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
struct RecallEngine {
    let reader: ReadContext
    let graph: GraphIndex
    let text: TextIndex
    let dictionary: EntityDictionary
    let settings: RecallSettings
    /// An episode's answer fields (episodes never change, so they are cached).
    let episodeFields: (Int64) throws -> String
    let scratchPool: ScratchPool

    enum Seed: Hashable { case text, entity, about }

    struct Scored {
        var node: UInt32
        var score: Double
    }

    func run(_ r: Recall, now: Timestamp) throws -> (lines: [JSONValue], returned: [UInt32]) {
        let limit = r.limit ?? settings.defaultLimit
        let depth = r.depth ?? settings.depth
        // What the query names.
        let tokens = Analyzer.tokens(r.text)
        let words = tokens.map(\.text).filter { !Analyzer.stopWords.contains($0) }
        let window = TemporalResolver().resolve(r.text, at: now).first?.range
        var sceneFilter: Int64?
        if let title = r.scene {
            guard let scene = try reader.scene(titled: title) else { throw MnemoError(.notFound, "no scene \"\(title)\"") }
            sceneFilter = scene.id
        }
        var entitySeeds: [(Int64, Double, Seed)] = []
        let names = dictionary.find(in: tokens)
        for found in names {
            if let id = try reader.entityID(named: found.name) { entitySeeds.append((id, settings.entitySeed, .entity)) }
        }
        if let about = r.about {
            guard let id = try reader.entityID(named: about) else { throw MnemoError(.notFound, "no entity \"\(about)\"") }
            entitySeeds.append((id, settings.aboutSeed, .about))
        }
        // Names the dictionary knows are seeded as entities; in the full-text query
        // they would only match every turn of a speaker.
        let named = Set(names.flatMap { Analyzer.tokens($0.name).map(\.text) })
        let unnamed = words.filter { !named.contains($0) }
        let textHits = try fullText(unnamed.isEmpty ? words : unnamed)

        return graph.withView { view in
            let sceneNode = sceneFilter.flatMap { view.node(NodeID(.scene, $0)) }
            // Scratch arrays (a few bytes per node), pooled across recalls; only the
            // entries of touched nodes are written, and they are reset at the end.
            let scratch = scratchPool.take(count: view.count)
            // Moved out into locals for the loops (no exclusivity checks on a class's
            // arrays per access), reset where touched, and moved back at the end.
            var activation = scratch.activation, incoming = scratch.incoming, parent = scratch.parent, seed = scratch.seed
            scratch.activation = []; scratch.incoming = []; scratch.parent = []; scratch.seed = []
            var touched: [UInt32] = []
            defer {
                for n in touched {
                    let i = Int(n)
                    activation[i] = 0; incoming[i] = 0; parent[i] = .max; seed[i] = 0
                }
                scratch.activation = activation; scratch.incoming = incoming; scratch.parent = parent; scratch.seed = seed
                scratchPool.give(scratch)
            }
            func bump(_ n: UInt32, _ a: Double) {
                if activation[Int(n)] == 0 { touched.append(n) }
                activation[Int(n)] += a
            }
            for (episode, score) in textHits {
                guard let n = view.node(NodeID(.episode, episode)) else { continue }
                bump(n, score)
                seed[Int(n)] = 1
            }
            for (entity, strength, kind) in entitySeeds {
                guard let n = view.node(NodeID(.entity, entity)) else { continue }
                bump(n, strength)
                seed[Int(n)] = kind == .about ? 3 : 2
            }
            func excluded(_ n: UInt32) -> Bool {
                let flags = view.flags(n)
                if flags.isEmpty { return false }
                if flags.contains(.deleted) || flags.contains(.retracted) { return true }
                if flags.contains(.archived) && !r.includeArchived { return true }
                if flags.contains(.superseded) && r.asOf == nil { return true }
                return false
            }
            // Spread: each firing node shares its activation, decayed and divided by its fan.
            var frontier: [(UInt32, Double)] = touched.map { ($0, activation[Int($0)]) }
            for hop in 0..<depth {
                // What the last hop reaches spreads no further, and only episodes
                // and facts are scored: entities and scenes reached then would be
                // touched for nothing (half the work on a large graph).
                let last = hop == depth - 1
                var reached: [UInt32] = []
                for (n, a) in frontier where a >= settings.threshold {
                    let fan = view.fan(n)
                    guard fan > 0 else { continue }
                    let share = a * settings.decay / Double(fan)
                    view.forEachNeighbor(of: n) { t, w in
                        if last {
                            let kind = view.id(t).kind
                            guard kind == .episode || kind == .fact else { return }
                        }
                        guard !excluded(t) else { return }
                        let gain = share * Double(w)
                        let i = Int(t)
                        if incoming[i] == 0 { reached.append(t) }
                        if seed[i] == 0 && parent[i] == .max { parent[i] = n }
                        incoming[i] += gain
                    }
                }
                frontier = reached.map { ($0, incoming[Int($0)]) }
                for t in reached {
                    bump(t, incoming[Int(t)])
                    incoming[Int(t)] = 0
                }
            }
            // Scene contiguity: the turns around a strongly activated episode.
            let strong = TopK.of(touched.lazy.filter { view.id($0).kind == .episode }.map { ($0, activation[Int($0)]) }, k: 20)
            for (n, a) in strong {
                for m in view.timeNeighbors(of: n) where !excluded(m) {
                    bump(m, a * settings.contiguity)
                    if parent[Int(m)] == .max && seed[Int(m)] == 0 { parent[Int(m)] = n }
                }
            }
            // Items linked directly to an entity the query names: the named
            // entities' neighbours (edges go both ways), gathered once instead
            // of looking through every candidate's neighbours.
            var linked = scratch.linked
            scratch.linked = []
            var linkedNodes: [UInt32] = []
            defer {
                for n in linkedNodes { linked[Int(n)] = false }
                scratch.linked = linked
            }
            for named in Set(entitySeeds.compactMap({ view.node(NodeID(.entity, $0.0)) })) {
                view.forEachNeighbor(of: named) { t, _ in
                    if !linked[Int(t)] { linked[Int(t)] = true; linkedNodes.append(t) }
                }
            }
            // Score the episodes and facts, keeping the best `limit` as they come.
            // The base-level term is bounded, so a candidate whose best possible
            // score stays below the current last place skips computing it.
            let baseBound = settings.baseLevelWeight * view.baseLevelBound()
            var top = TopK<UInt32>(limit)
            for n in touched where !excluded(n) {
                let a = activation[Int(n)]
                let id = view.id(n)
                guard id.kind == .episode || id.kind == .fact else { continue }
                let time = view.time(n)
                if let asOf = r.asOf, time > asOf.microseconds { continue }
                if let during = r.during, !view.inTime(n, from: during.from?.microseconds ?? .min, to: during.to?.microseconds ?? .max) { continue }
                if let sceneNode, id.kind == .episode, view.scene(of: n) != sceneNode { continue }
                var boost = 1.0
                if linked[Int(n)] { boost *= 1 + settings.entityBoost }
                if let window, view.inTime(n, from: window.from?.microseconds ?? .min, to: window.to?.microseconds ?? .max) {
                    boost *= 1 + settings.temporalBoost
                }
                // (The margin covers rounding: the bound is never below the score.)
                if let last = top.last, (a + baseBound) * boost * (1 + 1e-9) < last { continue }
                var score = a + settings.baseLevelWeight * view.baseLevel(n, now: now.microseconds)
                if linked[Int(n)] { score *= 1 + settings.entityBoost }
                if let window, view.inTime(n, from: window.from?.microseconds ?? .min, to: window.to?.microseconds ?? .max) {
                    score *= 1 + settings.temporalBoost
                }
                top.add((n, score))
            }
            let ranked = top.items.map { Scored(node: $0.0, score: $0.1) }
            var lines: [JSONValue] = []
            for item in ranked {
                let id = view.id(item.node)
                var extra: [(String, JSONValue)] = [("score", .double((item.score * 10_000).rounded() / 10_000))]
                if r.explain {
                    var path: [JSONValue] = [.string(id.description)]
                    var cursor = item.node
                    var steps = 0
                    while parent[Int(cursor)] != .max, steps < 8 {
                        let p = parent[Int(cursor)]
                        path.append(.string(view.id(p).description))
                        cursor = p
                        steps += 1
                    }
                    let seed = ["text", "text", "entity", "about"][Int(seed[Int(cursor)])]
                    extra.append(("paths", .array([.object([("seed", .string(seed)), ("via", .array(path.reversed()))])])))
                }
                switch id.kind {
                case .episode:
                    if let prefix = try? episodeFields(id.number) {
                        var line = prefix
                        for (key, value) in extra {
                            line += ","
                            JSONValue.writeString(key, to: &line)
                            line += ":"
                            value.write(to: &line)
                        }
                        lines.append(.raw(line + "}"))
                    }
                case .fact:
                    if let f = try? reader.fact(id: id.number) { lines.append(Encode.fact(f, extra: extra)) }
                default: break
                }
            }
            return (lines, ranked.map(\.node))
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

/// Per-node working arrays of one recall, kept for the next one.
final class RecallScratch: @unchecked Sendable {
    var activation: [Double] = []
    var incoming: [Double] = []
    /// The node that first sent activation to this one (`.max`: none).
    var parent: [UInt32] = []
    /// 0 not a seed, 1 text, 2 entity, 3 about.
    var seed: [UInt8] = []
    /// Whether the node is a neighbour of an entity the query names.
    var linked: [Bool] = []

    func ensure(_ count: Int) {
        guard activation.count < count else { return }
        let extra = count - activation.count
        activation += [Double](repeating: 0, count: extra)
        incoming += [Double](repeating: 0, count: extra)
        parent += [UInt32](repeating: .max, count: extra)
        seed += [UInt8](repeating: 0, count: extra)
        linked += [Bool](repeating: false, count: extra)
    }
}

/// Scratch arrays for concurrent recalls: each recall takes one and gives it back
/// clean, so a recall costs what it touches, not the size of the graph.
public final class ScratchPool: Sendable {
    private let free = Mutex<[RecallScratch]>([])
    public init() {}

    func take(count: Int) -> RecallScratch {
        let scratch = free.withLock { $0.popLast() } ?? RecallScratch()
        scratch.ensure(count)
        return scratch
    }

    func give(_ scratch: RecallScratch) { free.withLock { $0.append(scratch) } }
}
