import GRDB
import MnemoModel

/// The activation log: when each node was mentioned or recalled. Each node
/// keeps its newest accesses as rows of `activation` and folds older ones
/// into at most `AccessHistory.segmentLimit` rows of `activation_folded`
/// (schema version 9), by the rule of `AccessHistory`: past
/// `AccessHistory.foldAbove` rows, all but the newest
/// `AccessHistory.exactKept` are folded. Read traffic so leaves each node a
/// bounded log, however often it is recalled.
extension WriteContext {
    /// Records that recall returned these nodes at these times, and folds the
    /// log of each of them that passed the bound.
    /// A node forgotten since the recall is skipped: its log went with it.
    ///
    /// Two statements for the whole batch, whatever its size: one inserts
    /// the events of the nodes that exist, in order, and one finds the nodes
    /// past the bound. Recall writes one such batch for all the recalls of
    /// the last moment, off the recalls' threads; three statements per
    /// event (existence, insert, bound) made a second of recalls cost a
    /// tenth of a core more, and took it from the recalls themselves on a
    /// small machine.
    public func recordRecalls(_ events: [(node: NodeID, at: Int64)]) throws {
        // At most this many events a statement: a batch gathered while the
        // writer was held long (a consolidation run) stays well below
        // SQLite's longest string, and its JSON is not held whole.
        let slice = 10_000
        var start = 0
        while start < events.count {
            let end = min(events.count, start + slice)
            try recordRecallSlice(events[start..<end])
            start = end
        }
    }

    private func recordRecallSlice(_ events: ArraySlice<(node: NodeID, at: Int64)>) throws {
        guard !events.isEmpty else { return }
        var list = "["
        for (i, event) in events.enumerated() {
            if i > 0 { list += "," }
            list += "[\"\(event.node.kind.rawValue)\",\(event.node.number),\(event.at)]"
        }
        list += "]"
        try db.cachedStatement(
            sql: """
                WITH batch(kind, id, at, position) AS (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), key FROM json_each(?))
                INSERT INTO activation(node_kind, node_id, at, event)
                SELECT kind, id, at, 'recalled' FROM batch WHERE \(Self.nodeExists) ORDER BY position
                """
        ).execute(arguments: [list])
        let long = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    WITH batch(kind, id) AS (SELECT DISTINCT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?1))
                    SELECT kind, id FROM batch
                    WHERE \(Self.nodeExists)
                    AND (SELECT 1 FROM activation WHERE node_kind = batch.kind AND node_id = batch.id LIMIT 1 OFFSET ?2) IS NOT NULL
                    """), arguments: [list, AccessHistory.foldAbove])
        for row in long { try foldActivation(row[0], row[1]) }
    }

    /// Whether the node of the row at hand (its `kind` letter and `id`, of a
    /// table or view named `batch`) exists: an SQL condition.
    static let nodeExists =
        "CASE kind "
        + NodeKind.allCases.map { "WHEN '\($0.rawValue)' THEN EXISTS(SELECT 1 FROM \($0.table) WHERE \($0.table).id = batch.id) " }.joined()
        + "ELSE 0 END"

    /// Folds a node's log if it holds more than `AccessHistory.foldAbove`
    /// rows. Costs one look-up of at most `foldAbove + 1` index entries.
    @discardableResult
    public func foldActivationIfLong(_ node: NodeID) throws -> Bool {
        let letter = String(node.kind.rawValue)
        let past =
            try Bool.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT 1 FROM activation WHERE node_kind = ? AND node_id = ? LIMIT 1 OFFSET ?
                        """), arguments: [letter, node.number, AccessHistory.foldAbove]) ?? false
        guard past else { return false }
        try foldActivation(letter, node.number)
        return true
    }

    /// Folds the log of every node with more than `AccessHistory.exactKept`
    /// rows (consolidation's decay pass), checking `checkCancelled` between
    /// nodes. Returns how many rows it folded.
    public func foldActivationLogs(checkCancelled: () throws -> Void = {}) throws -> Int {
        let long = try Row.fetchAll(
            db,
            sql: """
                SELECT node_kind, node_id FROM activation GROUP BY node_kind, node_id HAVING count(*) > ?
                """, arguments: [AccessHistory.exactKept])
        var folded = 0
        for row in long {
            try checkCancelled()
            folded += try foldActivation(row[0], row[1])
        }
        return folded
    }

    /// Folds all of one node's rows but the newest `AccessHistory.exactKept`
    /// into its `activation_folded` rows, as `AccessHistory.fold` folds: the
    /// older rows are read oldest first, one at a time, and deleted by one
    /// ranged statement (a log written before folding existed may hold a
    /// million rows). Returns how many rows it folded.
    @discardableResult
    func foldActivation(_ letter: String, _ id: Int64) throws -> Int {
        let kept = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT at, rowid FROM activation WHERE node_kind = ? AND node_id = ? ORDER BY at DESC, rowid DESC LIMIT ?
                    """), arguments: [letter, id, AccessHistory.exactKept])
        guard kept.count == AccessHistory.exactKept, let boundary = kept.last else { return 0 }
        let segments = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT count, first_at, last_at FROM activation_folded WHERE node_kind = ? AND node_id = ?
                    """), arguments: [letter, id]
        ).map { AccessHistory.Folded(count: $0[0], first: $0[1], last: $0[2]) }
        var history = AccessHistory(recent: kept.map { $0[0] as Int64 }, folded: segments)
        // The older rows: those before the oldest kept one, in (at, rowid) order.
        let older = "node_kind = ?1 AND node_id = ?2 AND (at, rowid) < (?3, ?4)"
        let arguments: StatementArguments = [letter, id, boundary[0] as Int64, boundary[1] as Int64]
        var folded = 0
        let times = try Int64.fetchCursor(
            db.cachedStatement(sql: "SELECT at FROM activation WHERE \(older) ORDER BY at, rowid"),
            arguments: arguments)
        while let t = try times.next() {
            history.addFolded(AccessHistory.Folded(count: 1, first: t, last: t))
            folded += 1
        }
        guard folded > 0 else { return 0 }
        try db.cachedStatement(sql: "DELETE FROM activation_folded WHERE node_kind = ? AND node_id = ?").execute(arguments: [letter, id])
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO activation_folded(node_kind, node_id, count, first_at, last_at) VALUES (?, ?, ?, ?, ?)
                """)
        for segment in history.folded { try insert.execute(arguments: [letter, id, segment.count, segment.first, segment.last]) }
        try db.cachedStatement(sql: "DELETE FROM activation WHERE \(older)").execute(arguments: arguments)
        return folded
    }

    /// Deletes the log of nodes that no longer exist (recalls written after
    /// their node was forgotten, by a build that did not check). Returns how
    /// many rows it deleted.
    public func deleteOrphanedActivation() throws -> Int {
        var deleted = 0
        for (letter, table) in [("e", "episode"), ("f", "fact"), ("n", "entity"), ("s", "scene")] {
            for log in ["activation", "activation_folded"] {
                try db.execute(
                    sql: "DELETE FROM \(log) WHERE node_kind = ? AND node_id NOT IN (SELECT id FROM \(table))",
                    arguments: [letter])
                deleted += db.changesCount
            }
        }
        return deleted
    }

    /// Removes a node's whole log (the node was forgotten).
    func deleteActivation(_ node: NodeID) throws {
        let letter = String(node.kind.rawValue)
        try db.execute(sql: "DELETE FROM activation WHERE node_kind = ? AND node_id = ?", arguments: [letter, node.number])
        try db.execute(sql: "DELETE FROM activation_folded WHERE node_kind = ? AND node_id = ?", arguments: [letter, node.number])
    }
}

extension ReadContext {
    /// The access history of every node of one kind (every node, without a
    /// kind), folded rows included, by stored id.
    public func accessHistories(kind: NodeKind? = nil) throws -> [NodeID: AccessHistory] {
        var histories: [NodeID: AccessHistory] = [:]
        try forEachAccess(kind: kind) { node, access in
            switch access {
            case .folded(let folded): histories[node, default: AccessHistory()].addFolded(folded)
            case .exact(let at): histories[node, default: AccessHistory()].append(at)
            }
        }
        return histories
    }

    /// How many times rows were taken out for good, as far as this state
    /// knows: the last `forget` journaled (its id) and the consolidation
    /// runs undone. Neither journal loses a row, so it only grows; once it
    /// has, what was read from an earlier state may name rows that are gone,
    /// and whose ids new rows may take.
    public func removals() throws -> Int64 {
        try Int64.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT (SELECT coalesce(max(id), 0) FROM forget_journal)
                         + (SELECT count(*) FROM consolidation_run WHERE status = 'undone')
                    """)) ?? 0
    }

    /// One entry of the log: an access kept exactly, or a node's folded ones.
    public enum Access {
        case exact(Int64)
        case folded(AccessHistory.Folded)
    }

    /// Calls `body` with every entry of the log (of one kind of node, if
    /// given), one row at a time, each node's folded rows before its exact ones.
    public func forEachAccess(kind: NodeKind? = nil, _ body: (NodeID, Access) throws -> Void) throws {
        let filter = kind == nil ? "" : " WHERE node_kind = ?"
        let arguments: StatementArguments = kind.map { [String($0.rawValue)] } ?? []
        let folded = try Row.fetchCursor(
            db, sql: "SELECT node_kind, node_id, count, first_at, last_at FROM activation_folded" + filter,
            arguments: arguments)
        while let row = try folded.next() {
            guard let node = Self.node(row[0], row[1]) else { continue }
            try body(node, .folded(AccessHistory.Folded(count: row[2], first: row[3], last: row[4])))
        }
        let exact = try Row.fetchCursor(db, sql: "SELECT node_kind, node_id, at FROM activation" + filter, arguments: arguments)
        while let row = try exact.next() {
            guard let node = Self.node(row[0], row[1]) else { continue }
            try body(node, .exact(row[2]))
        }
    }

    private static func node(_ letter: String, _ id: Int64) -> NodeID? {
        guard let character = letter.first, let kind = NodeKind(rawValue: character) else { return nil }
        return NodeID(kind, id)
    }
}
