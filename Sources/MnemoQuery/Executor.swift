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

    public init(store: MemoryStore, regexes: RegexCache, ingest: IngestRegistry) {
        self.store = store
        self.regexes = regexes
        self.ingest = ingest
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
        case .remember(let r):
            let ingestor = try ingest.ingestor(for: store)
            var learned: [String] = []
            let lines = try store.write { w in
                let outcome = try ingestor.remember(r, now: now, in: w)
                let episode = try w.reader.episode(id: outcome.episodeID)!
                learned = episode.entities
                var lines = [Encode.episode(episode)]
                if outcome.sceneCreated, let id = outcome.sceneID, let scene = try w.reader.scene(id: id) {
                    lines.append(Encode.scene(scene, extra: [("created", true)]))
                }
                for fact in try w.reader.facts(fromSource: outcome.episodeID) {
                    learned += fact.roleValues.flatMap(Self.entityNames)
                    lines.append(Encode.fact(fact))
                }
                return lines
            }
            ingestor.learn(learned)
            return lines
        case .assert(let a):
            return try store.write { w in
                let outcome = try w.assert(FactAssertion(
                    a.predicate, a.arguments, validFrom: a.validFrom, validTo: a.validTo, confidence: a.confidence ?? 1,
                    note: a.source, scene: a.scene))
                var extra: [(String, JSONValue)] = [("created", .bool(outcome.created))]
                if !outcome.supersedes.isEmpty { extra.append(("supersedes", ids(.fact, outcome.supersedes))) }
                let fact = try w.reader.fact(id: outcome.factID)!
                var lines = [Encode.fact(fact, extra: extra)]
                for old in outcome.supersedes {
                    lines.append(Encode.fact(try w.reader.fact(id: old)!))
                }
                try ingest.ingestor(for: store).learn(fact.roleValues.flatMap(Self.entityNames))
                return lines
            }
        case .declare(let declaration):
            return try store.write { w in
                try w.declare(declaration)
                return [.object([("kind", "predicate"), ("name", .string(Name.normalize(declaration.name))),
                                 ("roles", .array((declaration.roles ?? []).map { .string($0) })),
                                 ("functional", .bool(declaration.functional))])]
            }
        case .retract(let id, let at):
            return try store.write { w in
                let changed = try w.retract(fact: id.number, at: at)
                return [Encode.fact(try w.reader.fact(id: id.number)!, extra: [("changed", .bool(changed))])]
            }
        case .forget(let id):
            defer { ingest.forget(store) }
            return try store.write { w in
                let report = try w.forget(id)
                return [.object([("kind", "journal"), ("id", .string("forget:\(report.journalID)")),
                                 ("target", .string(id.description)),
                                 ("deleted", .array(report.deleted.map { .string($0.description) }))])]
            }
        case .sceneOpen(let title, let at, let with, let place):
            return try store.write { w in
                let id = try w.openScene(title, at: at, participants: with, place: place)
                return [Encode.scene(try w.reader.scene(id: id)!, extra: [("created", true)])]
            }
        case .sceneClose(let title, let at):
            return try store.write { w in
                let id = try w.closeScene(title, at: at)
                return [Encode.scene(try w.reader.scene(id: id)!)]
            }
        case .personaSet(let entity, let attribute, let value, let from):
            return try store.write { w in
                let (id, closed) = try w.pinPersonaAttributeClosing(entity: entity, name: attribute, valueJSON: value.serialized, from: from)
                return try ([id] + closed).compactMap { try w.reader.personaAttribute(id: $0) }.map { Encode.persona($0) }
            }
        case .alias(let alias, let target):
            return try store.write { w in
                let (id, changed) = try w.alias(alias, to: target)
                return [Encode.entity(try w.reader.entity(id: id)!, extra: [("changed", .bool(changed))])]
            }
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
            return try store.read { r in try r.persona(of: entity, asOf: asOf).map { Encode.persona($0) } }
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
            let kindFilter = if case .conflicts = statement { "conflict" } else { nil as String? }
            return try store.read { r in try r.insights(kind: kindFilter, about: about).map(encodeInsight) }
        case .backup(let path):
            try store.backup(to: path)
            return [.object([("kind", "backup"), ("path", .string(path)), ("bytes", .int(fileSize(path)))])]
        case .recall:
            throw MnemoError(.unsupported, "recall is parsed but not built in this version (spreading-activation recall comes next)")
        case .consolidate, .consolidations, .undoConsolidation:
            throw MnemoError(.unsupported, "\(statement.keyword) is parsed but not built in this version (consolidation comes later)")
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

    private func ids(_ kind: NodeKind, _ numbers: [Int64]) -> JSONValue {
        .array(numbers.map { .string(NodeID(kind, $0).description) })
    }

    private func fileSize(_ path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.int64Value ?? 0
    }

    private func encodeInsight(_ insight: Insight) -> JSONValue {
        .object([("kind", "insight"), ("id", .string(NodeID(.insight, insight.id).description)),
                 ("type", .string(insight.kind)), ("about", insight.subject.map { .string($0) } ?? .null),
                 ("text", .string(insight.text)), ("created_at", Encode.time(insight.createdAt))])
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

