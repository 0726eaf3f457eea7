import MnemoTestSupport

/// One statement `big-answers` measures, with the SQL that reads the same
/// rows straight from the space's file: what SQLite alone needs for that
/// answer, each answer row with the rows it is built from (a fact with its
/// roles and their entities' names, an episode with its entities, a scene
/// with its members, an insight with its support). `match` and `history`
/// of a predicate with no bound filler are read with the daemon's own
/// statements (`SQLiteRowReader.readFacts`); the others with `RowSQL`'s.
///
/// The SQL is made from the daemon's answer, once per run of the statement:
/// how many lines of each kind it holds is how many rows of each the SQL
/// reads (`timeline` answers episodes and facts, `persona` attributes stored
/// and attributes read from facts, `scene` its line and its episodes).
struct BigAnswerStatement {
    /// The space it is asked in.
    var space: String
    var text: String
    /// What SQLite alone reads for an answer of these lines.
    var sql: ([String]) -> SQLiteRowReader.Baseline

    /// The statements of issue 20, at `limit` rows, with the ids they need
    /// looked up in each space's file.
    static func all(limit: Int, big: SQLiteRowReader, nary: SQLiteRowReader) throws -> [BigAnswerStatement] {
        func id(_ reader: SQLiteRowReader, _ sql: String) throws -> Int64 {
            guard let id = try reader.integer(sql) else { throw HarnessError("nothing answers \(sql)") }
            return id
        }
        let bigPredicate = try id(big, "SELECT id FROM predicate WHERE name = 'big'")
        let tag = try id(big, "SELECT id FROM entity WHERE norm = 't3'")
        let tagPosition = try id(big, "SELECT position FROM fact_role WHERE predicate_id = \(bigPredicate) AND role = 'tag' LIMIT 1")
        let rel = try id(nary, "SELECT id FROM predicate WHERE name = 'rel'")
        let host = try id(nary, "SELECT id FROM entity WHERE norm = 'host'")
        let marathon = try id(nary, "SELECT id FROM scene WHERE norm = 'marathon' ORDER BY opened_at DESC LIMIT 1")

        func count(_ lines: [String], _ prefix: String) -> Int { lines.count { $0.hasPrefix(prefix) } }
        return [
            BigAnswerStatement(space: "big", text: "match big(i: ?x) limit \(limit)") { lines in
                .facts(of: bigPredicate, history: false, limit: lines.count)
            },
            BigAnswerStatement(space: "big", text: "match big(i: ?x, tag: t3) limit \(limit)") { lines in
                .sql([RowSQL.facts(of: bigPredicate, entity: tag, position: tagPosition, limit: lines.count)])
            },
            BigAnswerStatement(space: "big", text: "history big(?, ?) limit \(limit)") { lines in
                .facts(of: bigPredicate, history: true, limit: lines.count)
            },
            BigAnswerStatement(space: "nary", text: "match rel(a: ?a, b: ?b, c: ?c, d: ?d) limit \(limit)") { lines in
                .facts(of: rel, history: false, limit: lines.count)
            },
            BigAnswerStatement(space: "nary", text: "match rel(a: host, b: ?b, c: ?c, d: ?d) limit \(limit)") { lines in
                .sql([RowSQL.facts(of: rel, entity: host, position: 0, limit: lines.count)])
            },
            BigAnswerStatement(space: "nary", text: "history rel(?, ?, ?, ?) limit \(limit)") { lines in
                .facts(of: rel, history: true, limit: lines.count)
            },
            BigAnswerStatement(space: "nary", text: "timeline host limit \(limit)") { lines in
                .sql([
                    RowSQL.episodes(
                        where: "id IN (SELECT episode_id FROM episode_entity WHERE entity_id = \(host))", limit: count(lines, #"{"kind":"episode""#)),
                    RowSQL.facts(naming: host, position: nil, orderedByTime: true, limit: count(lines, #"{"kind":"fact""#)),
                ])
            },
            BigAnswerStatement(space: "nary", text: "scenes limit \(limit)") { lines in
                .sql([RowSQL.scenes(where: "1", limit: lines.count)])
            },
            BigAnswerStatement(space: "nary", text: "scene marathon limit \(limit)") { lines in
                .sql([
                    RowSQL.scenes(where: "id = \(marathon)", limit: 1, countingEpisodes: true),
                    RowSQL.episodes(where: "scene_id = \(marathon)", limit: lines.count - 1),
                ])
            },
            BigAnswerStatement(space: "nary", text: "persona host limit \(limit)") { lines in
                let fromFacts = lines.count { $0.contains(#""id":"f:"#) }
                return .sql([
                    RowSQL.personaAttributes(of: host, limit: lines.count - fromFacts),
                    RowSQL.facts(naming: host, position: 0, orderedByTime: false, limit: fromFacts),
                ])
            },
            BigAnswerStatement(space: "nary", text: "insights limit \(limit)") { lines in
                .sql([RowSQL.insights(where: "1", limit: lines.count)])
            },
            BigAnswerStatement(space: "nary", text: "conflicts limit \(limit)") { lines in
                .sql([RowSQL.insights(where: "kind IN ('conflict', 'calibration')", limit: lines.count)])
            },
            BigAnswerStatement(space: "journal", text: "consolidations limit \(limit)") { lines in
                .sql(["SELECT id, started_at, finished_at, status, dry_run, summary FROM consolidation_run ORDER BY id DESC LIMIT \(lines.count)"])
            },
        ]
    }
}
