import GRDB
import MnemoModel

/// The reads recall's in-memory graph is made of (`GraphIndex` in
/// MnemoRecall): the entities, scenes, episodes, facts, persona attributes
/// and insights as nodes (with a fact's valid interval, for `as of` and
/// `during`), their incidences (and the support of what consolidation
/// derived) as edges, and the times episodes name.
///
/// A build reads everything, a million facts and more: each `forEach` read
/// steps one prepared statement and hands `body` one small value per row, so
/// nothing holds all the rows at once. A refresh after a commit reads the
/// few things the commit touched, one at a time.
extension ReadContext {
    // MARK: Everything, for a build

    /// Calls `body` with every entity, then every scene, episode, fact,
    /// persona attribute and insight.
    ///
    /// The graph numbers its nodes in this order, and equal scores go to the
    /// lower number, so the order is part of what recall answers: episodes
    /// come by scene, then time, then id, and the rest as SQLite stores them
    /// (what consolidation derives comes last, so that it leaves the numbers
    /// of the raw record as they were).
    package func forEachGraphNode(_ body: (GraphNodeRow) throws -> Void) throws {
        for kind in Self.graphNodeKinds {
            let order = kind == .episode ? " ORDER BY scene_id, at, id" : ""
            try FastStatement(db, Self.nodeQuery(kind)! + order).forEachRow { row in
                try body(Self.graphNodeRow(kind, row))
            }
        }
    }

    /// Calls `body` with every incidence, as stored (a fact naming an entity
    /// in two roles gives two), episodes' scenes by scene, then time, then id:
    /// the order of each scene's episodes.
    package func forEachGraphIncidence(_ body: (GraphIncidence) throws -> Void) throws {
        for table in Self.incidenceTables {
            try FastStatement(db, table.sql).forEachRow { row in
                let kind = table.kind ?? GraphIncidence.Kind(rawValue: FastStatement.int64(row, 2)) ?? .mention
                try body(
                    GraphIncidence(
                        from: NodeID(table.from, FastStatement.int64(row, 0)),
                        to: NodeID(table.to, FastStatement.int64(row, 1)), kind: kind))
            }
        }
    }

    /// Calls `body` with every time expression of every episode, resolved to
    /// `[from, to)` in µs.
    package func forEachEpisodeTime(_ body: (_ episode: Int64, _ from: Int64, _ to: Int64) throws -> Void) throws {
        try FastStatement(db, "SELECT episode_id, from_time, to_time FROM episode_time").forEachRow { row in
            try body(FastStatement.int64(row, 0), FastStatement.int64(row, 1), FastStatement.int64(row, 2))
        }
    }

    // MARK: One thing, for a refresh

    /// The row of one stored thing; `nil` when it no longer exists.
    package func graphNode(_ id: NodeID) throws -> GraphNodeRow? {
        guard let query = Self.nodeQuery(id.kind) else { return nil }
        let statement = try FastStatement(db, query + " WHERE id = ?")
        statement.bind(1, id.number)
        var found: GraphNodeRow?
        try statement.forEachRow { row in found = Self.graphNodeRow(id.kind, row) }
        return found
    }

    /// The incidences of one stored thing, each `from` it, in the order a
    /// refresh links them (an entity named in two roles of a fact once).
    package func graphIncidences(of id: NodeID) throws -> [GraphIncidence] {
        var incidences: [GraphIncidence] = []
        for table in Self.incidenceTablesOf[id.kind] ?? [] {
            let statement = try FastStatement(db, table.sql)
            statement.bind(1, id.number)
            try statement.forEachRow { row in
                let kind = table.kind ?? GraphIncidence.Kind(rawValue: FastStatement.int64(row, 1)) ?? .mention
                incidences.append(GraphIncidence(from: id, to: NodeID(table.to, FastStatement.int64(row, 0)), kind: kind))
            }
        }
        return incidences
    }

    /// The time expressions of one episode, resolved to `[from, to)` in µs.
    package func episodeTimes(of episode: Int64) throws -> [(from: Int64, to: Int64)] {
        let statement = try FastStatement(db, "SELECT from_time, to_time FROM episode_time WHERE episode_id = ?")
        statement.bind(1, episode)
        var times: [(from: Int64, to: Int64)] = []
        try statement.forEachRow { row in times.append((FastStatement.int64(row, 0), FastStatement.int64(row, 1))) }
        return times
    }

    // MARK: The queries

    private static let graphNodeKinds: [NodeKind] = [.entity, .scene, .episode, .fact, .persona, .insight]

    /// The columns of a node's row (`graphNodeRow` reads them), from its
    /// table; `nil` for kinds the graph does not hold.
    private static func nodeQuery(_ kind: NodeKind) -> String? {
        switch kind {
        case .entity: "SELECT id, created_at, archived FROM entity"
        case .scene: "SELECT id, opened_at FROM scene"
        case .episode: "SELECT id, at, archived, length(text) FROM episode"
        case .fact:
            """
            SELECT id, COALESCE(valid_from, recorded_at), retracted_at IS NOT NULL, superseded_by IS NOT NULL, archived,
                   valid_from IS NULL, valid_to FROM fact
            """
        // A persona attribute no longer valid (a pinned value replaced) counts as
        // superseded, and its valid time ends (`as of` after that leaves it out).
        case .persona:
            "SELECT id, COALESCE(last_seen, recorded_at), retracted_at IS NOT NULL, valid_to IS NOT NULL, 0, 0, valid_to FROM persona_attribute"
        case .insight: "SELECT id, created_at FROM insight"
        }
    }

    private static func graphNodeRow(_ kind: NodeKind, _ row: OpaquePointer) -> GraphNodeRow {
        let id = NodeID(kind, FastStatement.int64(row, 0))
        let time = FastStatement.int64(row, 1)
        switch kind {
        case .fact, .persona:
            return GraphNodeRow(
                id: id, time: time, archived: FastStatement.int64(row, 4) != 0,
                retracted: FastStatement.int64(row, 2) != 0, superseded: FastStatement.int64(row, 3) != 0,
                validSinceAlways: kind == .fact && FastStatement.int64(row, 5) != 0,
                validTo: FastStatement.optionalInt64(row, 6))
        case .scene, .insight:
            return GraphNodeRow(id: id, time: time, archived: false, retracted: false, superseded: false)
        case .episode:
            return GraphNodeRow(
                id: id, time: time, archived: FastStatement.int64(row, 2) != 0, retracted: false, superseded: false,
                length: Int(clamping: FastStatement.int64(row, 3)))
        default:
            return GraphNodeRow(id: id, time: time, archived: FastStatement.int64(row, 2) != 0, retracted: false, superseded: false)
        }
    }

    /// An `episode_entity` role as the `GraphIncidence.Kind` it stands for.
    private static let roleKind = """
        CASE role WHEN 'speaker' THEN \(GraphIncidence.Kind.speaker.rawValue) \
        WHEN 'addressee' THEN \(GraphIncidence.Kind.addressee.rawValue) ELSE \(GraphIncidence.Kind.mention.rawValue) END
        """

    /// Where each kind of incidence is stored: the query gives the two ends'
    /// ids, and the kind where `kind` is `nil` (an episode's entities, by role).
    private static let incidenceTables: [(sql: String, from: NodeKind, to: NodeKind, kind: GraphIncidence.Kind?)] =
        [
            ("SELECT episode_id, entity_id, \(roleKind) FROM episode_entity", .episode, .entity, nil),
            ("SELECT id, scene_id FROM episode WHERE scene_id IS NOT NULL ORDER BY scene_id, at, id", .episode, .scene, .sceneOfEpisode),
            ("SELECT fact_id, value FROM fact_role WHERE kind = 0", .fact, .entity, .factRole),
            ("SELECT fact_id, episode_id FROM fact_source", .fact, .episode, .factSource),
            ("SELECT id, scene_id FROM fact WHERE scene_id IS NOT NULL", .fact, .scene, .sceneOfFact),
            ("SELECT DISTINCT scene_id, entity_id FROM scene_member", .scene, .entity, .sceneMember),
            ("SELECT from_id, to_id FROM entity_link WHERE kind = 'same_as'", .entity, .entity, .sameAs),
            ("SELECT id, entity_id FROM persona_attribute", .persona, .entity, .personaOf),
            ("SELECT id, subject_id FROM insight WHERE subject_id IS NOT NULL", .insight, .entity, .insightAbout),
        ]
        + supportOwners.flatMap { owner in
            supportItems.map { item in
                (
                    "SELECT owner_id, item_id FROM support WHERE owner_kind = '\(owner.rawValue)' AND item_kind = '\(item.rawValue)'",
                    owner, item, GraphIncidence.Kind.support
                )
            }
        }

    /// What a `support` row may belong to, and what it may point at.
    private static let supportOwners: [NodeKind] = [.persona, .insight]
    private static let supportItems: [NodeKind] = [.episode, .fact, .scene]

    /// A derived thing's support of one kind, from the thing (the query's one parameter).
    private static func supportOf(_ owner: NodeKind) -> [(sql: String, to: NodeKind, kind: GraphIncidence.Kind?)] {
        supportItems.map { item in
            (
                "SELECT item_id FROM support WHERE owner_kind = '\(owner.rawValue)' AND owner_id = ? AND item_kind = '\(item.rawValue)'",
                item, .support
            )
        }
    }

    /// The same, from one thing (the query's one parameter): the other end's
    /// id, and the kind where `kind` is `nil`.
    private static let incidenceTablesOf: [NodeKind: [(sql: String, to: NodeKind, kind: GraphIncidence.Kind?)]] = [
        .episode: [
            ("SELECT entity_id, \(roleKind) FROM episode_entity WHERE episode_id = ?", .entity, nil),
            ("SELECT scene_id FROM episode WHERE id = ? AND scene_id IS NOT NULL", .scene, .sceneOfEpisode),
            ("SELECT fact_id FROM fact_source WHERE episode_id = ?", .fact, .factSource),
        ],
        .fact: [
            ("SELECT DISTINCT value FROM fact_role WHERE fact_id = ? AND kind = 0", .entity, .factRole),
            ("SELECT episode_id FROM fact_source WHERE fact_id = ?", .episode, .factSource),
            ("SELECT scene_id FROM fact WHERE id = ? AND scene_id IS NOT NULL", .scene, .sceneOfFact),
        ],
        .scene: [
            ("SELECT DISTINCT entity_id FROM scene_member WHERE scene_id = ?", .entity, .sceneMember)
        ],
        .entity: [
            (
                """
                SELECT to_id FROM entity_link WHERE from_id = ?1 AND kind = 'same_as'
                UNION SELECT from_id FROM entity_link WHERE to_id = ?1 AND kind = 'same_as'
                """, .entity, .sameAs
            )
        ],
        .persona: [("SELECT entity_id FROM persona_attribute WHERE id = ?", .entity, .personaOf)] + supportOf(.persona),
        .insight: [("SELECT subject_id FROM insight WHERE id = ? AND subject_id IS NOT NULL", .entity, .insightAbout)] + supportOf(.insight),
    ]
}
