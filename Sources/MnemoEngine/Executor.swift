import Foundation
import MnemoIngest
import MnemoModel
import MnemoQuery
import MnemoRecall
import MnemoRegex
import MnemoStore
import Synchronization

/// Runs the data statements of the language against one space's store and
/// returns the answer's JSON lines. Writes commit before `run` returns.
/// (`ping`, `stats`, `help` and `use` belong to the server: they are about the
/// connection, not the memory.)
public struct Executor: Sendable {
    /// The space the statements run in, with everything kept of it in memory.
    public let space: Space
    /// Asked by long work (reads, `match`, recall, consolidation passes, and a
    /// batch of writes between its statements): when it is cancelled the
    /// statement stops with its error.
    let cancellation: Cancellation
    /// What one answer may hold (`max_answer_bytes`): the rows read for it are charged to it.
    let budget: AnswerBudget
    /// Whether reads go through `MemoryStore.readInline` (`runWithinBudget`).
    private var readsInline = false

    public init(space: Space, cancellation: Cancellation = .never, budget: AnswerBudget = .unlimited) {
        self.space = space
        self.cancellation = cancellation
        self.budget = budget
    }

    public var store: MemoryStore { space.store }

    /// Runs `body` on a read connection that stops when the statement is cancelled.
    func read<T>(_ body: (ReadContext) throws -> T) throws(MnemoError) -> T {
        if readsInline { return try store.readInline(cancellation: cancellation, budget: budget, body) }
        return try store.read(cancellation: cancellation, budget: budget, body)
    }

    /// Runs a read on a network thread (see
    /// `StatementTraits.Inline.withinBudget`), within the budget of this
    /// executor's cancellation (`Cancellation(budget:)`): `nil` when it ran
    /// past it, or found no connection free (`MemoryStore.readInline`); it
    /// then changed nothing, and a worker runs it with `run`.
    public func runWithinBudget(_ statement: Statement, now: Timestamp = .now()) throws(MnemoError) -> Answer? {
        precondition(statement.traits.inline == .withinBudget, "\(statement.keyword) does not run within a budget")
        // One PCRE2 match cannot be stopped half way, and may take
        // milliseconds: a match with a regex condition runs on a worker.
        if case .match(let m) = statement, m.conditions.contains(where: \.isRegex) { return nil }
        // Catching up with other daemons' writes talks to the database: a worker does it.
        if space.store.isBehindReplica { return nil }
        var inline = self
        inline.readsInline = true
        do {
            return try inline.answer(statement, now: now)
        } catch {
            if cancellation.reason == .overBudget { return nil }
            throw error
        }
    }

    /// Brings a replica of a shared space up to the other daemons' commits
    /// (`Space.catchUpWithSharedSpace`), on a worker only: that talks to the
    /// database, and waiting for it on a network thread would stall (and
    /// SwiftNIO refuses it). A read run inline was let in only when the
    /// replica was not behind (`runWithinBudget`).
    private func catchUpUnlessInline() {
        if !readsInline { space.catchUpWithSharedSpace() }
    }

    /// Runs a statement as `run` does, handing over its answer as `Answer`:
    /// `match` as the text of its rows, written as it found them.
    public func answer(_ statement: Statement, now: Timestamp = .now()) throws(MnemoError) -> Answer {
        catchUpUnlessInline()
        switch statement {
        case .match(let m): return .text(try read { r in try MatchEngine(reader: r, regexes: Parser.regexes).run(m, now: now) })
        case .history(let atom, let limit): return .text(try history(atom, limit: limit))
        case .scene(let reference, let limit): return .text(try scene(reference, limit: limit))
        case .scenes(let with, let during, let limit): return .text(try scenes(with: with, during: during, limit: limit))
        case .consolidations(let limit): return .text(try consolidations(limit: limit ?? RowLimit.default))
        default: return .values(try run(statement, now: now))
        }
    }

    /// `history`: each version of the facts matching `atom`, written as it is read.
    private func history(_ atom: Atom, limit: Int?) throws(MnemoError) -> AnswerText {
        let pattern = FactPattern(
            atom.predicate,
            atom.arguments.map { argument in
                let term: PatternTerm =
                    switch argument.term {
                    case .variable, .anything: .any
                    case .entity(let name): .entity(name)
                    case .literal(let l): .literal(l)
                    }
                return (argument.role, term)
            })
        return try read { r in
            var text = AnswerText()
            try r.writeHistory(of: pattern, limit: limit ?? RowLimit.default, into: &text)
            return text
        }
    }

    /// `scene NAME`: the scene's line, with how many episodes it holds, then
    /// its first `limit` episodes in time order, each written as it is read.
    private func scene(_ reference: SceneReference, limit: Int?) throws(MnemoError) -> AnswerText {
        try read { r in
            let scene: Scene?
            switch reference {
            case .id(let id): scene = try r.scene(id: id)
            case .title(let title): scene = try r.scene(titled: title)
            }
            guard let scene else {
                let name = if case .title(let t) = reference { "\"\(t)\"" } else { "that id" }
                throw MnemoError(.notFound, "no scene \(name)")
            }
            let total = try r.episodeCount(inScene: scene.id)
            var text = AnswerText()
            text.appendLine { out in Encode.write(scene, extra: [("episodes", .int(Int64(total)))], to: &out) }
            try r.episodes(inScene: scene.id, limit: limit ?? RowLimit.default) { episode in
                text.appendLine { out in Encode.write(episode, to: &out) }
            }
            return text
        }
    }

    /// `scenes`: each line written as its scene is read.
    private func scenes(with: String?, during: TimeRange?, limit: Int?) throws(MnemoError) -> AnswerText {
        try read { r in
            if let with, try r.entityID(named: with) == nil { throw MnemoError(.notFound, "no entity \"\(with)\"") }
            var text = AnswerText()
            try r.scenes(with: with, during: during ?? .always, limit: limit ?? RowLimit.default) { scene in
                text.appendLine { out in Encode.write(scene, to: &out) }
            }
            return text
        }
    }

    public func run(_ statement: Statement, now: Timestamp = .now()) throws(MnemoError) -> [JSONValue] {
        catchUpUnlessInline()
        do {
            return try execute(statement, now: now)
        } catch let error as MnemoError {
            throw error
        } catch {
            throw MnemoError(.internalError, "\(error)")
        }
    }

    /// Runs a statement: a write (as the statement table says) in a
    /// transaction of its own through `applyWrite`, which has the writes'
    /// cases; anything else by its case here.
    private func execute(_ statement: Statement, now: Timestamp) throws -> [JSONValue] {
        if statement.traits.isWrite {
            try cancellation.check()
            var effects = WriteEffects()
            let lines: [JSONValue]
            do {
                lines = try store.write { w in try applyWrite(statement, in: w, now: now, effects: &effects) }
            } catch {
                space.follow(.rolledBack(error))
                throw error
            }
            space.follow(.committed(effects))
            return lines
        }
        switch statement {
        case .match(let m):
            return try read { r in try MatchEngine(reader: r, regexes: Parser.regexes).run(m, now: now) }.values
        case .history(let atom, let limit):
            return try history(atom, limit: limit).values
        case .timeline(let entity, let during, let limit):
            return try read { r in try timeline(r, entity: entity, during: during, limit: limit ?? RowLimit.default) }
        case .persona(let entity, let asOf, let limit):
            return try read { r in try r.persona(of: entity, asOf: asOf, now: now, limit: limit ?? RowLimit.default).map { Encode.persona($0) } }
        case .scene(let reference, let limit):
            return try scene(reference, limit: limit).values
        case .scenes(let with, let during, let limit):
            return try scenes(with: with, during: during, limit: limit).values
        case .conflicts(let about, let limit), .insights(let about, let limit):
            let kinds = if case .conflicts = statement { ["conflict", "calibration"] } else { nil as [String]? }
            return try read { r in try r.insights(kinds: kinds, about: about, limit: limit ?? RowLimit.default).map { Encode.insight($0) } }
        case .backup(let path):
            let bytes = try store.backup(to: path)
            return [.object([("kind", "backup"), ("path", .string(path)), ("bytes", .int(bytes))])]
        case .export(let path, let contents):
            return try export(to: path, contents: contents)
        case .importFrom(let path):
            return try importFrom(path: path)
        case .recall(let r):
            return try recall(r, now: now)
        case .consolidate(let dryRun):
            return try consolidate(dryRun: dryRun, now: now)
        case .consolidations(let limit):
            return try consolidations(limit: limit ?? RowLimit.default).values
        case .undoConsolidation(let run):
            return try undoConsolidation(run)
        case .ping, .stats, .help, .use:
            throw MnemoError(.internalError, "\(statement.keyword) is answered by the server, not the executor")
        case .remember, .assert, .declare, .retract, .forget, .sceneOpen, .sceneClose, .personaSet, .alias:
            // Run above when the table calls them writes: `applyWrite` has their cases.
            throw MnemoError(.internalError, "\(statement.keyword) is run by applyWrite, but the statement table does not call it a write")
        }
    }

    /// Runs a statement from memory alone, for a network thread (see
    /// `StatementTraits.Inline.whenInMemory`): `nil` when it is not one that
    /// can be answered so (not a recall, one whose text is longer than
    /// `inlineRecallTextBytes`, or one with `explain`, which traces each
    /// result's neighbourhood); `.needsStore` when it would have to read the
    /// store (it then changed nothing, and a worker runs it with `run`, or
    /// finishes the recall it hands over with `finish`).
    ///
    /// With an `inlineReadBudget`, rows and names the recall cache does not
    /// hold are read within it on the network thread (`MemoryStore.readInline`).
    /// With this executor's cancellation a budget (`Cancellation(budget:)`,
    /// `recall_inline_budget`), a ranking that runs past it stops and is
    /// `.needsStore(nil)` too: a worker ranks it again; an answer still being
    /// written past it stops and hands its ranking over, as a missing row does.
    public func runInMemory(_ statement: Statement, inlineReadBudget: Duration? = nil, now: Timestamp = .now()) throws(MnemoError)
        -> InMemoryRecall?
    {
        guard case .recall(let r) = statement, r.text.utf8.count <= Self.inlineRecallTextBytes, !r.explain else { return nil }
        if space.store.isBehindReplica { return .needsStore(nil) }
        return try recallWithoutStore(r, inlineReadBudget: inlineReadBudget, now: now)
    }

    /// The longest recall text (in UTF-8 bytes) that `runInMemory` ranks on
    /// a network thread. Finding a text's words, names and times costs about
    /// 0.15 ms per KiB of ordinary text: a longer text runs on a worker,
    /// where it holds no other connection and `request_timeout` applies.
    public static let inlineRecallTextBytes = 2_048

    /// `recall` without reading SQLite, for a network thread. When it would
    /// have to — its graph, text index or dictionary not built yet, or a
    /// name, scene or answer row not cached — it changes nothing and says
    /// so; if it got as far as ranking, it hands the ranking over, so that
    /// the worker that reads the rows does not rank again.
    public func recallWithoutStore(_ r: Recall, inlineReadBudget: Duration? = nil, now: Timestamp = .now()) throws(MnemoError)
        -> InMemoryRecall
    {
        do {
            let changes = space.followed.load(ordering: .sequentiallyConsistent)
            var (engine, graph) = try recallEngine(mayReadStore: false)
            engine.inlineReadBudget = inlineReadBudget
            let ranking = try engine.ranking(of: r, now: now)
            let lines: [JSONValue]
            do {
                lines = try engine.answer(ranking)
            } catch is RecallEngine.NeedsStore {
                return .needsStore(
                    RecallHandoff(space: space, recall: r, engine: engine, ranking: ranking, graph: graph, now: now, changes: changes))
            }
            space.recall.reinforce(ranking.returned, graph: graph, at: now)
            return .answered(lines)
        } catch is RecallEngine.NeedsStore {
            return .needsStore(nil)
        } catch let error as MnemoError {
            // Ranking ran past the network thread's budget (`Cancellation(budget:)`): a worker ranks it again.
            if cancellation.reason == .overBudget { return .needsStore(nil) }
            throw error
        } catch {
            throw MnemoError(.internalError, "\(error)")
        }
    }

    /// Answers a recall a network thread ranked (`recallWithoutStore`),
    /// reading the rows it needs from the store (run it with an executor
    /// of `handoff.space`); ranks it again if memory followed any change of
    /// the store since it ranked (a result retracted, superseded or
    /// forgotten meanwhile would otherwise come back).
    public func finish(_ handoff: RecallHandoff) throws(MnemoError) -> [JSONValue] {
        do {
            try cancellation.check()
            precondition(handoff.space === space, "a recall handed over is finished by an executor of its own space")
            space.catchUpWithSharedSpace()
            guard handoff.changes == space.followed.load(ordering: .sequentiallyConsistent),
                handoff.engine.cache === space.recall.recallCache()
            else { return try recall(handoff.recall, now: handoff.now) }
            var engine = handoff.engine
            engine.cancellation = cancellation
            engine.budget = budget
            engine.mayReadStore = true
            let lines = try engine.answer(handoff.ranking)
            space.recall.reinforce(handoff.ranking.returned, graph: handoff.graph, at: handoff.now)
            return lines
        } catch let error as MnemoError {
            throw error
        } catch {
            throw MnemoError(.internalError, "\(error)")
        }
    }

    private func recall(_ r: Recall, now: Timestamp) throws -> [JSONValue] {
        let (engine, graph) = try recallEngine(mayReadStore: true)
        let (lines, returned) = try engine.run(r, now: now)
        space.recall.reinforce(returned, graph: graph, at: now)
        return lines
    }

    /// A recall engine over the space's graph and indexes (built now if they
    /// are not yet, unless it may not read the store: `NeedsStore`), and the graph.
    private func recallEngine(mayReadStore: Bool) throws -> (RecallEngine, GraphIndex) {
        let graph: GraphIndex
        let text: TextIndex
        let nodeText: NodeTextIndex
        let dictionary: EntityDictionary
        if mayReadStore {
            graph = try space.recall.graph(weights: space.settings.recall.graphWeights)
            text = try space.recall.textIndex()
            nodeText = try space.recall.nodeTextIndex()
            dictionary = try space.ingestor().dictionary
        } else {
            guard let built = space.recall.existingGraph, let index = space.recall.existingTextIndex,
                let nodeIndex = space.recall.existingNodeTextIndex, let ingestor = space.existingIngestor
            else { throw RecallEngine.NeedsStore() }
            (graph, text, nodeText, dictionary) = (built, index, nodeIndex, ingestor.dictionary)
        }
        var engine = RecallEngine(
            store: store, graph: graph, text: text, nodeText: nodeText, dictionary: dictionary,
            settings: space.settings.recall, cache: space.recall.recallCache(),
            scratchPool: space.settings.scratch)
        engine.cancellation = cancellation
        engine.budget = budget
        engine.mayReadStore = mayReadStore
        return (engine, graph)
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

    /// An entity's episodes and facts in time order, the first `limit` of them (`ReadContext.timeline`).
    private func timeline(_ r: ReadContext, entity: String, during: TimeRange?, limit: Int) throws -> [JSONValue] {
        guard let id = try r.entityID(named: entity) else { throw MnemoError(.notFound, "no entity \"\(entity)\"") }
        return try r.timeline(of: id, during: during ?? .always, limit: limit).map { item in
            switch item {
            case .episode(let episode): Encode.episode(episode)
            case .fact(let fact): Encode.fact(fact)
            }
        }
    }
}
