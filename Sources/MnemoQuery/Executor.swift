import Foundation
import MnemoModel
import MnemoRegex
import MnemoStore

/// Runs the data statements of the language against one space's store and
/// returns the answer's JSON lines. Writes commit before `run` returns.
/// (`ping`, `stats`, `help` and `use` belong to the server: they are about the
/// connection, not the memory.)
public struct Executor: Sendable {
    public let store: MemoryStore
    let regexes: RegexCache
    let ingest: IngestRegistry
    let graphs: GraphRegistry
    let consolidation: ConsolidationRegistry

    public init(store: MemoryStore, regexes: RegexCache, ingest: IngestRegistry, graphs: GraphRegistry,
                consolidation: ConsolidationRegistry = ConsolidationRegistry()) {
        self.store = store
        self.regexes = regexes
        self.ingest = ingest
        self.graphs = graphs
        self.consolidation = consolidation
    }

    public func run(_ statement: Statement, now: Timestamp = .now()) throws(MnemoError) -> [JSONValue] {
        do {
            return try execute(statement, now: now)
        } catch let error as MnemoError {
            throw error
        } catch {
            throw MnemoError(.internalError, "\(error)")
        }
    }

    private func execute(_ statement: Statement, now: Timestamp) throws -> [JSONValue] {
        switch statement {
        case .remember, .assert, .declare, .retract, .forget, .sceneOpen, .sceneClose, .personaSet, .alias:
            var effects = WriteEffects()
            let lines = try store.write { w in try applyWrite(statement, in: w, now: now, effects: &effects) }
            try afterCommit(effects)
            return lines
        case .match(let m):
            return try store.read { r in try MatchEngine(reader: r, regexes: regexes).run(m, now: now) }
        case .history(let atom):
            return try store.read { r in
                try r.history(of: FactPattern(atom.predicate, atom.arguments.map { argument in
                    let term: PatternTerm = switch argument.term {
                    case .variable, .anything: .any
                    case .entity(let name): .entity(name)
                    case .literal(let l): .literal(l)
                    }
                    return (argument.role, term)
                })).map { Encode.fact($0) }
            }
        case .timeline(let entity, let during):
            return try store.read { r in try timeline(r, entity: entity, during: during) }
        case .persona(let entity, let asOf):
            return try store.read { r in try r.persona(of: entity, asOf: asOf, now: now).map { Encode.persona($0) } }
        case .scene(let reference):
            return try store.read { r in
                let scene: Scene?
                switch reference {
                case .id(let id): scene = try r.scene(id: id)
                case .title(let title): scene = try r.scene(titled: title)
                }
                guard let scene else {
                    let name = if case .title(let t) = reference { "\"\(t)\"" } else { "that id" }
                    throw MnemoError(.notFound, "no scene \(name)")
                }
                let episodes = try r.episodes(inScene: scene.id)
                return [Encode.scene(scene, extra: [("episodes", .int(Int64(episodes.count)))])] + episodes.map { Encode.episode($0) }
            }
        case .scenes(let with, let during):
            return try store.read { r in
                if let with, try r.entityID(named: with) == nil { throw MnemoError(.notFound, "no entity \"\(with)\"") }
                return try r.scenes(with: with, during: during ?? .always).map { Encode.scene($0) }
            }
        case .conflicts(let about), .insights(let about):
            let kinds = if case .conflicts = statement { ["conflict", "calibration"] } else { nil as [String]? }
            return try store.read { r in try r.insights(kinds: kinds, about: about).map(encodeInsight) }
        case .backup(let path):
            let bytes = try store.backup(to: path)
            return [.object([("kind", "backup"), ("path", .string(path)), ("bytes", .int(bytes))])]
        case .recall(let r):
            let graph = try graphs.graph(for: store)
            let text = try graphs.textIndex(for: store)
            let dictionary = try ingest.ingestor(for: store).dictionary
            let cache = graphs.recallCache(for: store)
            let (lines, returned) = try RecallEngine(store: store, graph: graph, text: text, dictionary: dictionary,
                                                     settings: graphs.settings, cache: cache, scratchPool: graphs.scratch).run(r, now: now)
            graphs.reinforce(returned, graph: graph, store: store, at: now)
            return lines
        case .consolidate(let dryRun):
            return try consolidate(dryRun: dryRun, now: now)
        case .consolidations:
            return try consolidations()
        case .undoConsolidation(let run):
            return try undoConsolidation(run)
        case .ping, .stats, .help, .use:
            throw MnemoError(.internalError, "\(statement.keyword) is answered by the server, not the executor")
        }
    }

    static func entityNames(_ value: Value) -> [String] {
        switch value {
        case .entity(_, let name): [name]
        case .literal: []
        case .list(let items): items.flatMap(entityNames)
        }
    }

    func ids(_ kind: NodeKind, _ numbers: [Int64]) -> JSONValue {
        .array(numbers.map { .string(NodeID(kind, $0).description) })
    }

    private func encodeInsight(_ insight: Insight) -> JSONValue {
        .object([("kind", "insight"), ("id", .string(NodeID(.insight, insight.id).description)),
                 ("type", .string(insight.kind)), ("about", insight.subject.map { .string($0) } ?? .null),
                 ("text", .string(insight.text)), ("data", insight.data.map { .raw($0) } ?? .null),
                 ("support", .array(insight.support.map { .string($0.description) })),
                 ("created_at", Encode.time(insight.createdAt))])
    }

    /// An entity's episodes and facts in time order.
    private func timeline(_ r: ReadContext, entity: String, during: TimeRange?) throws -> [JSONValue] {
        guard let id = try r.entityID(named: entity) else { throw MnemoError(.notFound, "no entity \"\(entity)\"") }
        let range = during ?? .always
        var items: [(Timestamp, Int, JSONValue)] = []
        for episode in try r.episodes(mentioning: id, during: range) {
            items.append((episode.at, 0, Encode.episode(episode)))
        }
        for fact in try r.facts(involving: id) {
            let when = fact.valid.from ?? fact.recorded.from ?? Timestamp(microseconds: 0)
            let span = TimeRange(from: fact.valid.from ?? fact.recorded.from, to: fact.valid.to)
            guard span.overlaps(range) || (span.from == span.to && range.contains(when)) else { continue }
            items.append((when, 1, Encode.fact(fact)))
        }
        return items.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
    }
}

