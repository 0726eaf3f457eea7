import Foundation
import MnemoConsolidation
import MnemoEngine
import MnemoModel
import MnemoQuery
import MnemoStore

/// Runs one parsed statement for a session and turns the outcome into a reply.
/// Access rules are checked here, before anything is read or written.
struct StatementRunner: Sendable {
    let state: ServerState

    /// What `runInline` came to.
    enum InlineOutcome {
        /// Answered on the network thread.
        case answered(Reply)
        /// To run on a worker: the statement, or (`finish`) the recall that
        /// was ranked here and needs rows from the store.
        case onWorker(RecallHandoff?)
    }

    /// Runs a statement on the network thread if it can be answered there
    /// without waiting (`StatementTraits.inline`): `ping` and `help`, which
    /// touch no file; `recall` (unless `recall_inline = no`) when its graph,
    /// text index and name dictionary are built, its text is at most
    /// `Executor.inlineRecallTextBytes` and it does not ask for `explain`;
    /// and the short reads
    /// (`.withinBudget`) that finish within `inline_read_budget`.
    ///
    /// A recall is a read of the in-memory graph that takes a fraction of a
    /// millisecond; handing it to a worker and back cost about a fifth of its
    /// latency. The names, scene and answer rows it needs that the recall
    /// cache does not hold it reads here within `inline_read_budget`, on a
    /// connection of the network threads' own (`MemoryStore.readInline`),
    /// which it never waits for. One that would have to build what its space
    /// needs (at the first recall of a space, after a `forget`, after
    /// SIGHUP), whose ranking and answer run past `recall_inline_budget`,
    /// or whose reads run past theirs, stops before changing anything and
    /// runs again on a worker; if it got as far as ranking, it is answered
    /// there without ranking again (`finish`). The price of the rest: while
    /// it runs, the other connections of that network thread wait (at most
    /// about `recall_inline_budget`), and `request_timeout` cannot interrupt
    /// it.
    ///
    /// With `inlineAllowed` false (the connection's pass over its queue has
    /// had its share of the network thread), only what touches no file is.
    func runInline(_ statement: Statement, session: Session, inlineAllowed: Bool = true) -> InlineOutcome {
        if !inlineAllowed && statement.traits.inline != .always {
            if statement.traits.inline == .withinBudget && state.config.inlineReadBudget > .zero {
                state.readsMovedToWorker.add(1, ordering: .relaxed)
            }
            return .onWorker(nil)
        }
        switch statement.traits.inline {
        case .never:
            return .onWorker(nil)
        case .always:
            return .answered(run(statement, session: session))
        case .whenInMemory:
            guard state.config.recallInline, let space = session.openedSpace else { return .onWorker(nil) }
            do {
                try authorize(statement, session: session)
                let budget = state.config.inlineReadBudget
                let rankBudget = state.config.recallInlineBudget
                let ranking = rankBudget > .zero ? Cancellation(budget: rankBudget) : .never
                switch try executor(space, cancellation: ranking).runInMemory(statement, inlineReadBudget: budget > .zero ? budget : nil) {
                case .answered(let lines): return .answered(.ok(lines))
                case .needsStore(let handoff):
                    if ranking.reason == .overBudget { state.recallsOverInlineBudget.add(1, ordering: .relaxed) }
                    return .onWorker(handoff)
                case nil: return .onWorker(nil)
                }
            } catch {
                return .answered(failure(error, statement, session: session))
            }
        case .withinBudget:
            let budget = state.config.inlineReadBudget
            guard budget > .zero, let space = session.openedSpace else { return .onWorker(nil) }
            do {
                try authorize(statement, session: session)
                guard let lines = try executor(space, cancellation: Cancellation(budget: budget)).runWithinBudget(statement) else {
                    state.readsMovedToWorker.add(1, ordering: .relaxed)
                    return .onWorker(nil)
                }
                state.inlineReads.add(1, ordering: .relaxed)
                return .answered(.ok(lines))
            } catch {
                return .answered(failure(error, statement, session: session))
            }
        }
    }

    /// Answers on a worker the recall `statement` that `runInline` ranked
    /// and handed over.
    func finish(_ handoff: RecallHandoff, of statement: Statement, session: Session, cancellation: Cancellation) -> Reply {
        do {
            try authorize(statement, session: session)
            return .ok(try executor(handoff.space, cancellation: cancellation).finish(handoff))
        } catch {
            return failure(error, statement, session: session)
        }
    }

    /// Whether a request (one statement, or a batch of writes) may run longer
    /// than `request_timeout`: when none of its statements has a deadline
    /// (`StatementTraits.hasDeadline`: a consolidation run or undo, a backup).
    static func runsUnbounded(_ statements: [Statement]) -> Bool {
        statements.allSatisfy { !$0.traits.hasDeadline }
    }

    /// The answer to `ping`, serialised once.
    static let pong = Reply.ok([JSONValue.object([("kind", "pong")]).serialized])

    func run(_ statement: Statement, session: Session, now: Timestamp = .now(), cancellation: Cancellation = .never) -> Reply {
        do {
            try authorize(statement, session: session)
            return try execute(statement, session: session, now: now, cancellation: cancellation)
        } catch {
            return failure(error, statement, session: session)
        }
    }

    /// The reply to a failed statement; a denial is logged.
    private func failure(_ error: MnemoError, _ statement: Statement, session: Session) -> Reply {
        if error.code == .denied {
            state.logger.warning("denied \(statement.keyword) to \(session.peer) in space \(session.space): \(error.message)")
        }
        return .error(error)
    }

    /// The executor of a space's statements, bounded as the configuration says.
    private func executor(_ space: Space, cancellation: Cancellation) -> Executor {
        Executor(space: space, cancellation: cancellation, budget: AnswerBudget(limit: state.config.maxAnswerBytes))
    }

    /// Runs consecutive writes in one transaction (see `Executor.runWrites`),
    /// each checked against the access rules first; one reply per statement.
    func runWrites(_ statements: [Statement], session: Session, now: Timestamp = .now(), cancellation: Cancellation = .never) -> [Reply] {
        var replies = [Reply?](repeating: nil, count: statements.count)
        var allowed: [Int] = []
        for (i, statement) in statements.enumerated() {
            do {
                try authorize(statement, session: session)
                allowed.append(i)
            } catch {
                state.logger.warning("denied \(statement.keyword) to \(session.peer) in space \(session.space): \(error.message)")
                replies[i] = .error(error)
            }
        }
        if !allowed.isEmpty {
            do {
                let executor = executor(try session.openSpace(in: state.spaces), cancellation: cancellation)
                for (i, result) in zip(allowed, executor.runWrites(allowed.map { statements[$0] }, now: now)) {
                    switch result {
                    case .success(let lines): replies[i] = .ok(lines)
                    case .failure(let error): replies[i] = .error(error)
                    }
                }
            } catch {
                for i in allowed { replies[i] = .error(error) }
            }
        }
        return replies.map { $0! }
    }

    /// Checks the access the statement's kind needs (`StatementTraits.access`).
    private func authorize(_ statement: Statement, session: Session) throws(MnemoError) {
        let access = statement.traits.access
        // Nothing to check, or checked against the space it names when it runs.
        if access == .none || access == .namedSpace { return }
        let rules = state.config.access
        let peer = session.peer
        switch access {
        case .none, .namedSpace: return
        case .read:
            guard rules.mayRead(peer, space: session.space) else {
                throw MnemoError(.denied, "uid \(peer.uid) may not read space \"\(session.space)\"")
            }
        case .write:
            guard rules.mayWrite(peer, space: session.space) else {
                throw MnemoError(.denied, "uid \(peer.uid) may not write space \"\(session.space)\"")
            }
        case .admin:
            guard rules.isAdmin(peer) else {
                throw MnemoError(.denied, "uid \(peer.uid) may not run \(statement.keyword) (admin only)")
            }
        }
    }

    private func execute(_ statement: Statement, session: Session, now: Timestamp, cancellation: Cancellation) throws(MnemoError) -> Reply {
        switch statement {
        case .ping:
            return Self.pong
        case .help(let topic):
            let entries = Help.entries(for: topic)
            if let topic, entries.isEmpty { throw MnemoError(.notFound, "no help for '\(topic)'; 'help' lists every statement") }
            return .ok(entries.map { JSONValue.object([("kind", "help"), ("statement", .string($0.statement)), ("text", .string($0.text))]) })
        case .use(let requested):
            let name = try SpaceManager.validate(requested)
            let rules = state.config.access
            guard rules.mayRead(session.peer, space: name) || rules.mayWrite(session.peer, space: name) else {
                throw MnemoError(.denied, "uid \(session.peer.uid) may not use space \"\(name)\"")
            }
            let exists = try state.spaces.exists(name)
            if !exists && !rules.isAdmin(session.peer) {
                throw MnemoError(.denied, "no space \"\(name)\", and uid \(session.peer.uid) may not create spaces (admin only)")
            }
            session.switchTo(try state.spaces.space(name, create: true))
            return .ok([JSONValue.object([("kind", "space"), ("name", .string(name)), ("created", .bool(!exists))])])
        case .stats:
            return .ok(try stats(session: session))
        default:
            return .ok(try executor(try session.openSpace(in: state.spaces), cancellation: cancellation).answer(statement, now: now))
        }
    }

    /// The connection's space and the daemon as a whole. Needs read access to
    /// the space (checked in `authorize`, like any read): a peer that may not
    /// read it gets `ERR DENIED`, not even the daemon-wide figures.
    private func stats(session: Session) throws(MnemoError) -> [JSONValue] {
        func stat(_ name: String, _ value: JSONValue) -> JSONValue {
            .object([("kind", "stat"), ("name", .string(name)), ("value", value)])
        }
        let config = state.config
        var lines: [JSONValue] = [
            stat("uptime_seconds", .double((Date().timeIntervalSince(state.startedAt) * 1000).rounded() / 1000)),
            stat("connections", .int(Int64(state.openConnections.load(ordering: .relaxed)))),
            stat("connections_total", .int(Int64(state.totalConnections.load(ordering: .relaxed)))),
            stat("connections_rejected", .int(Int64(state.rejectedConnections.load(ordering: .relaxed)))),
            stat("reads_inline", .int(Int64(state.inlineReads.load(ordering: .relaxed)))),
            stat("reads_moved_to_worker", .int(Int64(state.readsMovedToWorker.load(ordering: .relaxed)))),
            stat("recalls_over_inline_budget", .int(Int64(state.recallsOverInlineBudget.load(ordering: .relaxed)))),
            stat("requests_total", .int(Int64(state.statistics.totalRequests))),
            stat("max_clients", .int(Int64(config.maxClients))),
            stat("max_line", .int(Int64(config.maxLine))),
            stat("space", .string(session.space)),
            // Only the spaces this peer may read: the names themselves can tell
            // who else the daemon serves.
            stat("spaces", .array(state.spaces.spaceNames().filter { config.access.mayRead(session.peer, space: $0) }.map { .string($0) })),
        ]
        let space = try session.openSpace(in: state.spaces)
        let store = space.store
        lines.append(stat("space_file_bytes", .int(store.fileSize())))
        lines.append(stat("schema_version", .int(Int64(try store.schemaVersion()))))
        if let graph = space.recall.existingGraph {
            lines.append(stat("graph_nodes", .int(Int64(graph.nodeCount))))
            lines.append(stat("graph_edges", .int(Int64(graph.edgeCount))))
            lines.append(stat("graph_bytes", .int(Int64(graph.byteSize))))
            lines.append(
                stat("graph_bytes_per_edge", .double(graph.edgeCount > 0 ? (Double(graph.byteSize) / Double(graph.edgeCount) * 10).rounded() / 10 : 0)))
        }
        let counts = try store.read { r in try r.counts() }
        for (name, n) in counts { lines.append(stat(name, .int(n))) }
        // Consolidation: whether a run is in progress, and the last one that ran.
        lines.append(stat("consolidation_running", .bool(space.runLock.isHeld)))
        // An export or import in progress: what `mnemo export` and `mnemo import` show.
        if let transfer = space.transfer.current {
            lines.append(stat("transfer", .string(transfer.operation)))
            lines.append(stat("transfer_lines", .int(transfer.lines)))
            if let total = transfer.totalLines { lines.append(stat("transfer_lines_total", .int(total))) }
        }
        if let last = try store.read({ r in try Journal.lastRun(r) }) {
            lines.append(stat("consolidation_last_run", .int(last.id)))
            lines.append(stat("consolidation_last_status", .string(last.status)))
            lines.append(stat("consolidation_last_started_at", .string(last.startedAt.iso8601)))
        }
        for s in state.statistics.summaries() {
            lines.append(
                .object([
                    ("kind", "stat"), ("name", .string("latency." + s.statement)),
                    ("count", .int(Int64(s.count))), ("errors", .int(Int64(s.errors))),
                    ("p50_us", .double((s.p50Microseconds * 10).rounded() / 10)),
                    ("p99_us", .double((s.p99Microseconds * 10).rounded() / 10)),
                ]))
        }
        return lines
    }
}
