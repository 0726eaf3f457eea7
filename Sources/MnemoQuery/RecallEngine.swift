import Foundation
import GRDB
import MnemoGraph
import MnemoIngest
import MnemoModel
import MnemoStore

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
    public var contiguity = 0.15
    /// Weight of base-level activation (recency and frequency) in the score.
    public var baseLevelWeight = 0.01
    /// Score multiplier for items inside a time window named in the query.
    public var temporalBoost = 0.5
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
    let dictionary: EntityDictionary
    let settings: RecallSettings

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
        for found in dictionary.find(in: tokens) {
            if let id = try reader.entityID(named: found.name) { entitySeeds.append((id, settings.entitySeed, .entity)) }
        }
        if let about = r.about {
            guard let id = try reader.entityID(named: about) else { throw MnemoError(.notFound, "no entity \"\(about)\"") }
            entitySeeds.append((id, settings.aboutSeed, .about))
        }
        let textHits = try fullText(words)

        return graph.withView { view in
            var activation = [UInt32: Double]()
            var seedOf = [UInt32: Seed]()
            var parent = [UInt32: UInt32]()
            for (episode, score) in textHits {
                guard let n = view.node(NodeID(.episode, episode)) else { continue }
                activation[n, default: 0] += score
                seedOf[n] = .text
            }
            for (entity, strength, kind) in entitySeeds {
                guard let n = view.node(NodeID(.entity, entity)) else { continue }
                activation[n, default: 0] += strength
                seedOf[n] = kind
            }
            func excluded(_ n: UInt32) -> Bool {
                let flags = view.flags(n)
                if flags.contains(.deleted) || flags.contains(.retracted) { return true }
                if flags.contains(.archived) && !r.includeArchived { return true }
                if flags.contains(.superseded) && r.asOf == nil { return true }
                return false
            }
            // Spread: each firing node shares its activation, decayed and divided by its fan.
            var frontier = activation
            for _ in 0..<depth {
                var next = [UInt32: Double]()
                var best = [UInt32: Double]()
                for (n, a) in frontier where a >= settings.threshold {
                    let fan = view.fan(n)
                    guard fan > 0 else { continue }
                    let share = a * settings.decay / Double(fan)
                    view.forEachNeighbor(of: n) { t, w in
                        guard !excluded(t) else { return }
                        let gain = share * Double(w)
                        next[t, default: 0] += gain
                        if gain > best[t, default: 0] {
                            best[t] = gain
                            if seedOf[t] == nil && parent[t] == nil { parent[t] = n }
                        }
                    }
                }
                for (t, a) in next { activation[t, default: 0] += a }
                frontier = next
            }
            // Scene contiguity: the turns around a strongly activated episode.
            let strong = activation.filter { view.id($0.key).kind == .episode }.sorted { $0.value > $1.value }.prefix(20)
            for (n, a) in strong {
                for m in view.timeNeighbors(of: n) where !excluded(m) {
                    activation[m, default: 0] += a * settings.contiguity
                    if parent[m] == nil && seedOf[m] == nil { parent[m] = n }
                }
            }
            // Score the episodes and facts.
            var scored: [Scored] = []
            for (n, a) in activation where !excluded(n) {
                let id = view.id(n)
                guard id.kind == .episode || id.kind == .fact else { continue }
                let time = view.time(n)
                if let asOf = r.asOf, time > asOf.microseconds { continue }
                if let during = r.during, !during.contains(Timestamp(microseconds: time)) && !(timesOverlap(id, during)) { continue }
                if let sceneFilter, id.kind == .episode, (try? episodeScene(id.number)) != sceneFilter { continue }
                var score = a + settings.baseLevelWeight * view.baseLevel(n, now: now.microseconds)
                if let window, window.contains(Timestamp(microseconds: time)) || timesOverlap(id, window) {
                    score *= 1 + settings.temporalBoost
                }
                scored.append(Scored(node: n, score: score))
            }
            scored.sort { $0.score == $1.score ? $0.node < $1.node : $0.score > $1.score }
            let top = Array(scored.prefix(limit))
            var lines: [JSONValue] = []
            for item in top {
                let id = view.id(item.node)
                var extra: [(String, JSONValue)] = [("score", .double((item.score * 10_000).rounded() / 10_000))]
                if r.explain {
                    var path: [JSONValue] = [.string(id.description)]
                    var cursor = item.node
                    var steps = 0
                    while let p = parent[cursor], steps < 8 {
                        path.append(.string(view.id(p).description))
                        cursor = p
                        steps += 1
                    }
                    let seed = seedOf[cursor].map { s -> String in
                        switch s { case .text: "text"; case .entity: "entity"; case .about: "about" }
                    } ?? "text"
                    extra.append(("paths", .array([.object([("seed", .string(seed)), ("via", .array(path.reversed()))])])))
                }
                switch id.kind {
                case .episode:
                    if let e = try? reader.episode(id: id.number) { lines.append(Encode.episode(e, extra: extra)) }
                case .fact:
                    if let f = try? reader.fact(id: id.number) { lines.append(Encode.fact(f, extra: extra)) }
                default: break
                }
            }
            return (lines, top.map(\.node))
        }
    }

    /// BM25 over episode text: the best `textSeeds` episodes with scores scaled to (0, 1].
    func fullText(_ words: [String]) throws -> [(Int64, Double)] {
        guard !words.isEmpty else { return [] }
        let query = Set(words).sorted().map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: " OR ")
        let rows = try Row.fetchAll(reader.db.cachedStatement(sql: """
            SELECT rowid, bm25(episode_fts) FROM episode_fts WHERE episode_fts MATCH ? ORDER BY bm25(episode_fts) LIMIT ?
            """), arguments: [query, settings.textSeeds])
        let hits: [(Int64, Double)] = rows.map { ($0[0], -($0[1] as Double)) }
        guard let best = hits.map(\.1).max(), best > 0 else { return hits.map { ($0.0, 0.01) } }
        return hits.map { ($0.0, $0.1 / best) }
    }

    private func episodeScene(_ id: Int64) throws -> Int64? {
        try Int64.fetchOne(reader.db.cachedStatement(sql: "SELECT scene_id FROM episode WHERE id = ?"), arguments: [id])
    }

    /// Whether an episode's resolved time expressions overlap a range.
    private func timesOverlap(_ id: NodeID, _ range: TimeRange) -> Bool {
        guard id.kind == .episode else { return false }
        let count = try? Int.fetchOne(reader.db.cachedStatement(sql: """
            SELECT COUNT(*) FROM episode_time WHERE episode_id = ? AND from_time < ? AND to_time > ?
            """), arguments: [id.number, range.to?.microseconds ?? Int64.max, range.from?.microseconds ?? Int64.min])
        return (count ?? 0) > 0
    }
}
