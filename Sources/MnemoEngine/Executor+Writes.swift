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
        var effects = WriteEffects(episodeCache: space.recall.recallCache())
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
                        space.follow(.rolledBack(failure))
                        results.append(.failure(failure))
                    }
                }
            }
        } catch {
            space.follow(.rolledBack(error))
            return statements.map { _ in .failure(error) }
        }
        space.follow(.committed(effects))
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
        var effects = WriteEffects(episodeCache: space.recall.recallCache())
        do {
            let preparation =
                RememberPreparation.remembers(in: statements) > 1
                ? RememberPreparation(statements, ingestor: try space.ingestor(), now: now) : nil
            try store.write { w in
                for (index, statement) in statements.enumerated() {
                    try cancellation.check()
                    answers.append(try applyWrite(statement, prepared: preparation?.take(index), in: w, now: now, effects: &effects))
                }
            }
        } catch {
            space.follow(.batchAbandoned)
            return nil
        }
        space.follow(.committed(effects))
        return answers
    }

    /// One write statement inside the caller's transaction; what it touched
    /// goes to `effects`, to update the in-memory indexes after the commit.
    func applyWrite(
        _ statement: Statement, prepared: SpaceIngestor.Prepared? = nil, in w: WriteContext, now: Timestamp,
        effects: inout WriteEffects
    ) throws -> [JSONValue] {
        switch statement {
        case .remember(let r):
            let ingestor = try space.ingestor()
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
            let outcome = try w.assert(
                FactAssertion(
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
            return [
                .object([
                    ("kind", "predicate"), ("name", .string(Name.normalize(declaration.name))),
                    ("roles", .array((declaration.roles ?? []).map { .string($0) })),
                    ("functional", .bool(declaration.functional)),
                ])
            ]
        case .retract(let id, let at):
            let changed = try w.retract(fact: id.number, at: at)
            effects.touched.append(id)
            return [Encode.fact(try w.reader.fact(id: id.number)!, extra: [("changed", .bool(changed))])]
        case .forget(let id):
            let report = try space.runLock.excluding { try w.forget(id) }
            effects.forgot = true
            return [
                .object([
                    ("kind", "journal"), ("id", .string("forget:\(report.journalID)")),
                    ("target", .string(id.description)),
                    ("deleted", .array(report.deleted.map { .string($0.description) })),
                    ("redacted", ids(.scene, report.redactedScenes)),
                    ("journal_changes", .int(Int64(report.journalChanges))),
                ])
            ]
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
            effects.touched += ([id] + closed).map { NodeID(.persona, $0) }
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
