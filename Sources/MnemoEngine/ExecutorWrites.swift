import MnemoModel
import MnemoQuery
import MnemoRecall
import MnemoStore

extension Executor {
    /// Runs consecutive writes (`StatementTraits.isWrite`) in one transaction
    /// (group commit): each in a savepoint of its own, so one that fails
    /// leaves the others and answers its own error; all are durable when this
    /// returns. If the commit itself fails, every statement answers that error.
    public func runWrites(_ statements: [Statement], now: Timestamp = .now()) -> [Result<[JSONValue], MnemoError>] {
        if statements.count > 1, let answers = runWritesWithoutSavepoints(statements, now: now) {
            return answers.map { .success($0) }
        }
        var results: [Result<[JSONValue], MnemoError>] = []
        var effects = WriteEffects(episodeCache: graphs.recallCache(for: store))
        do {
            try store.write { w in
                for statement in statements {
                    // Past its deadline (or with its client gone), the rest of a
                    // batch is not written; what went before commits.
                    if cancellation.isCancelled {
                        results.append(.failure(cancellation.error))
                        continue
                    }
                    var mine = WriteEffects()
                    do {
                        // A savepoint even for one statement: its error is answered here and
                        // the transaction commits, so what it did before failing must go.
                        let lines = try w.savepoint { try applyWrite(statement, in: w, now: now, effects: &mine) }
                        effects.merge(mine)
                        results.append(.success(lines))
                    } catch let lost as TransactionLost {
                        // SQLite rolled the whole transaction back (a full disk):
                        // nothing of the batch stands, every statement answers that.
                        throw lost
                    } catch {
                        let failure = MemoryStore.translate(error, path: store.path)
                        forgetIngestion(after: failure)
                        results.append(.failure(failure))
                    }
                }
            }
        } catch {
            forgetIngestion(after: error)
            return statements.map { _ in .failure(error) }
        }
        afterCommit(effects)
        return results
    }

    /// The common case of a batch, where every statement succeeds: one
    /// transaction and no savepoints. A savepoint is not free here: SQLite asks
    /// the FTS5 index to flush its pending terms at each one, which turns every
    /// episode of a batch into an index segment of its own. When any statement
    /// fails, nothing is committed, the space's ingestion state (which the
    /// failed attempt may have advanced) is dropped to be rebuilt from the
    /// store, and the caller runs the batch again with a savepoint per statement.
    private func runWritesWithoutSavepoints(_ statements: [Statement], now: Timestamp) -> [[JSONValue]]? {
        var answers: [[JSONValue]] = []
        var effects = WriteEffects(episodeCache: graphs.recallCache(for: store))
        do {
            let preparation = RememberPreparation.remembers(in: statements) > 1
                ? RememberPreparation(statements, ingestor: try ingest.ingestor(for: store), now: now) : nil
            try store.write { w in
                for (index, statement) in statements.enumerated() {
                    try cancellation.check()
                    answers.append(try applyWrite(statement, prepared: preparation?.take(index), in: w, now: now, effects: &effects))
                }
            }
        } catch {
            ingest.forget(store)
            return nil
        }
        afterCommit(effects)
        return answers
    }

    /// What a write changes in memory outside the store once it committed:
    /// the ingestion dictionary and the recall graph.
    ///
    /// It cannot fail the write: the commit stands, and the client gets its
    /// `OK`. If bringing the in-memory state up to date fails (a read error),
    /// that state is dropped, to be rebuilt from the store by the next recall
    /// (`markStale`), and a warning is logged: recall is never left stale
    /// without a trace.
    func afterCommit(_ effects: WriteEffects) {
        if effects.forgot {
            ingest.forget(store)
            graphs.drop(store, discardingRecalls: true)
        }
        do {
            if !effects.names.isEmpty { try ingest.ingestor(for: store).learn(effects.names) }
            if !effects.touched.isEmpty { try graphs.refresh(effects.touched, in: store) }
        } catch {
            markStale(because: "updating recall after a committed write failed (\(error.code.rawValue) \(error.message))")
            return
        }
        if !effects.forgot, let cache = effects.episodeCache {
            for (id, fields) in effects.episodeFields { cache.setEpisode(id, fields) }
        }
    }

    /// After a write rolled back for a reason other than its input (a full
    /// disk, an I/O error), drops the space's ingestion state: `remember`
    /// updates what the scene segmenter knows of recent scenes before the
    /// commit, so it may count episodes, even scenes, that were rolled back
    /// (and whose ids the next ones will take). A client's mistake
    /// (`INVALID`, `NOT_FOUND`...) fails before that update and costs nothing.
    func forgetIngestion(after error: MnemoError) {
        if error.code == .full || error.code == .internalError { ingest.forget(store) }
    }

    /// Drops what recall and ingestion keep of the space in memory (its graph,
    /// text index, cached answers and name dictionary), so that the next
    /// recall or write rebuilds them from the store, and logs why at warning.
    /// For when they may no longer match the store and bringing them up to
    /// date failed.
    func markStale(because reason: String) {
        graphs.drop(store)
        ingest.forget(store)
        graphs.warn("space \(store.path): \(reason); its recall graph, text index and name dictionary are dropped and will be rebuilt from the store")
    }

    /// One write statement inside the caller's transaction; what it touched
    /// goes to `effects`, to update the in-memory indexes after the commit.
    func applyWrite(_ statement: Statement, prepared: SpaceIngestor.Prepared? = nil, in w: WriteContext, now: Timestamp,
                    effects: inout WriteEffects) throws -> [JSONValue] {
        switch statement {
        case .remember(let r):
            let ingestor = try ingest.ingestor(for: store)
            let (outcome, episode) = try ingestor.remember(r, prepared: prepared, now: now, in: w)
            effects.names += episode.entities
            effects.touched.append(NodeID(.episode, outcome.episodeID))
            if let scene = outcome.sceneID { effects.touched.append(NodeID(.scene, scene)) }
            // Serialised here once: the answer line, and (after the commit) the
            // fields recall answers this episode with, so that a recall of
            // what was just remembered does not read it back.
            let fields = String(Encode.episode(episode).serialized.dropLast())
            effects.episodeFields.append((outcome.episodeID, fields))
            var lines: [JSONValue] = [.raw(fields + "}")]
            if outcome.sceneCreated, let id = outcome.sceneID, let scene = try w.reader.scene(id: id) {
                lines.append(Encode.scene(scene, extra: [("created", true)]))
            }
            for fact in try w.reader.facts(fromSource: outcome.episodeID) {
                effects.names += fact.roleValues.flatMap(Self.entityNames)
                effects.touched.append(NodeID(.fact, fact.id))
                lines.append(Encode.fact(fact))
            }
            return lines
        case .assert(let a):
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
            effects.names += fact.roleValues.flatMap(Self.entityNames)
            effects.touched += ([outcome.factID] + outcome.supersedes + outcome.supersededBy).map { NodeID(.fact, $0) }
            if let scene = fact.sceneID { effects.touched.append(NodeID(.scene, scene)) }
            return lines
        case .declare(let declaration):
            try w.declare(declaration)
            return [.object([("kind", "predicate"), ("name", .string(Name.normalize(declaration.name))),
                             ("roles", .array((declaration.roles ?? []).map { .string($0) })),
                             ("functional", .bool(declaration.functional))])]
        case .retract(let id, let at):
            let changed = try w.retract(fact: id.number, at: at)
            effects.touched.append(id)
            return [Encode.fact(try w.reader.fact(id: id.number)!, extra: [("changed", .bool(changed))])]
        case .forget(let id):
            let report = try consolidation.locks.excluding(store.path) { try w.forget(id) }
            effects.forgot = true
            return [.object([("kind", "journal"), ("id", .string("forget:\(report.journalID)")),
                             ("target", .string(id.description)),
                             ("deleted", .array(report.deleted.map { .string($0.description) })),
                             ("redacted", ids(.scene, report.redactedScenes)),
                             ("journal_changes", .int(Int64(report.journalChanges)))])]
        case .sceneOpen(let title, let at, let with, let place):
            let id = try w.openScene(title, at: at, participants: with, place: place)
            effects.touched.append(NodeID(.scene, id))
            return [Encode.scene(try w.reader.scene(id: id)!, extra: [("created", true)])]
        case .sceneClose(let title, let at):
            let id = try w.closeScene(title, at: at)
            effects.touched.append(NodeID(.scene, id))
            return [Encode.scene(try w.reader.scene(id: id)!)]
        case .personaSet(let entity, let attribute, let value, let from):
            let (id, closed) = try w.pinPersonaAttributeClosing(entity: entity, name: attribute, valueJSON: value.serialized, from: from)
            return try ([id] + closed).compactMap { try w.reader.personaAttribute(id: $0) }.map { Encode.persona($0) }
        case .alias(let alias, let target):
            let (id, changed) = try w.alias(alias, to: target)
            effects.names.append(alias)
            return [Encode.entity(try w.reader.entity(id: id)!, extra: [("changed", .bool(changed))])]
        default:
            throw MnemoError(.internalError, "\(statement.keyword) is not a write")
        }
    }
}

/// What committed writes change outside the store.
struct WriteEffects {
    /// Entity names the ingestion dictionary should know.
    var names: [String] = []
    /// Stored things whose graph node and edges must be refreshed.
    var touched: [NodeID] = []
    /// A `forget` ran: in-memory state of the space is rebuilt from the store.
    var forgot = false
    /// New episodes with the answer fields recall shows them with.
    var episodeFields: [(Int64, String)] = []
    /// Recall's cache of episode fields as it was before the transaction: if
    /// anything (a `forget` on another connection) drops the cache meanwhile,
    /// the fields go to the dropped one and can show nothing stale.
    var episodeCache: RecallCache?

    mutating func merge(_ other: WriteEffects) {
        names += other.names
        touched += other.touched
        episodeFields += other.episodeFields
        forgot = forgot || other.forgot
    }
}
