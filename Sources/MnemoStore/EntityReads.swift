import GRDB
import MnemoModel

extension ReadContext {
    /// The facts, believed now, in which an entity fills a role.
    public func facts(involving entityID: Int64) throws -> [Fact] {
        try Int64.fetchAll(
            db,
            sql: """
                SELECT DISTINCT r.fact_id FROM fact_filler r JOIN fact f ON f.id = r.fact_id
                WHERE r.kind = 0 AND r.value = ? AND f.retracted_at IS NULL ORDER BY r.fact_id
                """, arguments: [entityID]
        ).compactMap { id in
            try cancellation.check()
            return try fact(id: id)
        }
    }

    /// Ids read for a big answer in one go: enough that a chunk's statements
    /// are spread thin over its rows, few enough that a small `limit` reads little.
    static let readChunk = 256

    /// Calls `body` with `items` a chunk of `readChunk` at a time, in order,
    /// checking for cancellation before each: the loop of every big answer
    /// that reads its rows by id.
    func forEachChunk<C: Collection>(of items: C, _ body: (C.SubSequence) throws -> Void) throws {
        var start = items.startIndex
        while start < items.endIndex {
            try cancellation.check()
            let end = items.index(start, offsetBy: Self.readChunk, limitedBy: items.endIndex) ?? items.endIndex
            try body(items[start..<end])
            start = end
        }
    }

    /// Ids as a JSON array, the one parameter of a statement that reads
    /// them all (`WHERE id IN (SELECT value FROM json_each(?))`).
    static func jsonList(_ ids: some Sequence<Int64>) -> String {
        "[" + ids.map(String.init).joined(separator: ",") + "]"
    }

    /// Steps `sql`, stepped through SQLite's C API, with `list` (ids as a JSON
    /// array, `jsonList`) bound to its one parameter, calling `body` with each
    /// row and the place in the list of the row's id: the first column,
    /// `j.key` of `json_each(?) j` (a row whose place is not below `count` is
    /// skipped). Rows go to their places with no dictionary by id.
    func forEachRow(_ sql: String, ids list: String, count: Int, _ body: (OpaquePointer, Int) throws -> Void) throws {
        let statement = try FastStatement(db, sql)
        statement.bind(1, list)
        try statement.forEachRow { row in
            let key = FastStatement.int64(row, 0)
            guard key >= 0, key < Int64(count) else { return }
            try body(row, Int(key))
        }
    }

    /// A row count for SQL's `LIMIT` (which takes a 64-bit integer).
    static func sqlLimit(_ limit: Int) -> Int64 { Int64(clamping: max(0, limit)) }

    /// Insights, newest first, optionally of some kinds and about one entity, with their support.
    public func insights(kinds: [String]? = nil, about entity: String? = nil, limit: Int = .max) throws -> [Insight] {
        var sql = "SELECT i.id, i.kind, n.name, i.text, i.created_at, i.data FROM insight i LEFT JOIN entity n ON n.id = i.subject_id"
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let kinds {
            conditions.append("i.kind IN (\(kinds.map { _ in "?" }.joined(separator: ",")))")
            _ = arguments.append(contentsOf: StatementArguments(kinds))
        }
        if let entity {
            guard let id = try entityID(named: entity) else { throw MnemoError(.notFound, "no entity \"\(entity)\"") }
            conditions.append("i.subject_id = ?")
            _ = arguments.append(contentsOf: [id])
        }
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY i.created_at DESC, i.id DESC LIMIT ?"
        _ = arguments.append(contentsOf: [Self.sqlLimit(limit)])
        var insights = try Row.fetchAll(db, sql: sql, arguments: arguments).map {
            try cancellation.check()
            try budget.charge(200 + (($0[3] as String?)?.utf8.count ?? 0) + (($0[5] as String?)?.utf8.count ?? 0))
            var insight = Insight(id: $0[0], kind: $0[1], subject: $0[2], text: $0[3], createdAt: Timestamp(microseconds: $0[4]))
            insight.data = $0[5]
            return insight
        }
        try addSupport(owner: "i", to: &insights, id: \.id, support: \.support)
        return insights
    }

    /// Fills in the support of these derived things a chunk at a time (`support(owner:ids:)`).
    func addSupport<T>(owner: String, to items: inout [T], id: KeyPath<T, Int64>, support: WritableKeyPath<T, [NodeID]>) throws {
        try forEachChunk(of: items.indices) { chunk in
            let found = try self.support(owner: owner, ids: chunk.map { items[$0][keyPath: id] })
            for i in chunk { items[i][keyPath: support] = found[items[i][keyPath: id]] ?? [] }
        }
    }

    /// One insight by id, with its support.
    public func insight(id: Int64) throws -> Insight? {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT i.kind, n.name, i.text, i.created_at, i.data FROM insight i LEFT JOIN entity n ON n.id = i.subject_id WHERE i.id = ?",
                arguments: [id])
        else { return nil }
        var insight = Insight(id: id, kind: row[0], subject: row[1], text: row[2], createdAt: Timestamp(microseconds: row[3]))
        insight.data = row[4]
        insight.support = try support(owner: "i", id: id)
        return insight
    }

    /// What supports each of these derived persona attributes (`p`) or
    /// insights (`i`), in one statement however many: by owner id, scenes,
    /// facts, then episodes.
    public func support(owner: String, ids: [Int64]) throws -> [Int64: [NodeID]] {
        guard !ids.isEmpty else { return [:] }
        var found: [Int64: [NodeID]] = [:]
        for row in try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT owner_id, item_kind, item_id FROM support WHERE owner_kind = ? AND owner_id IN (SELECT value FROM json_each(?))
                    ORDER BY owner_id, CASE item_kind WHEN 's' THEN 0 WHEN 'f' THEN 1 ELSE 2 END, item_id
                    """), arguments: [owner, Self.jsonList(ids)])
        {
            if let kind = (row[1] as String).first.flatMap(NodeKind.init(rawValue:)) { found[row[0], default: []].append(NodeID(kind, row[2])) }
        }
        return found
    }

    /// What supports a derived persona attribute (`p`) or insight (`i`): scenes, facts, then episodes.
    public func support(owner: String, id: Int64) throws -> [NodeID] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT item_kind, item_id FROM support WHERE owner_kind = ? AND owner_id = ?
                    ORDER BY CASE item_kind WHEN 's' THEN 0 WHEN 'f' THEN 1 ELSE 2 END, item_id
                    """), arguments: [owner, id]
        ).compactMap { row in
            (row[0] as String).first.flatMap { NodeKind(rawValue: $0) }.map { NodeID($0, row[1]) }
        }
    }
}
