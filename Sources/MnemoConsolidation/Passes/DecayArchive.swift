import Foundation
import GRDB
import MnemoModel

/// Pass 3: base-level activation `B = ln Σ (now − t)^−d` is recomputed for
/// every episode and fact from when the memory recorded it and every time it
/// was mentioned or recalled since (ages in days, as recall counts them).
/// First the pass folds every node's activation log down to its newest
/// `AccessHistory.exactKept` accesses (older ones become a count and a span,
/// `AccessHistory`), so read traffic never grows the log without bound.
/// What fell below `archiveThreshold` and was recorded at least
/// `archiveMinAgeSeconds` ago is archived: kept, but left out of `recall`
/// unless `include archived` asks. An important episode (importance ≥
/// `archiveKeepImportance`) is never archived, and an archived item whose
/// activation rose again (it was recalled with `include archived`) is restored.
///
/// Age counts from the recording, not from the event: a diary imported today
/// is fresh memory, however old the days it tells of.
struct DecayArchive: ConsolidationPass {
    let name = "decay"

    func run(_ context: PassContext) throws {
        context.count("activation_rows_orphaned", try context.write.deleteOrphanedActivation())
        context.count("activation_rows_folded", try context.write.foldActivationLogs { try context.checkCancelled() })
        try sweep("episode", letter: "e", importance: true, context)
        try sweep("fact", letter: "f", importance: false, context)
    }

    private func sweep(_ table: String, letter: String, importance: Bool, _ context: PassContext) throws {
        let db = context.db
        let now = context.now.microseconds
        let cutoff = now - context.settings.archiveMinAgeSeconds * 1_000_000
        let kind: NodeKind = letter == "e" ? .episode : .fact
        var accesses: [Int64: AccessHistory] = [:]
        for (node, history) in try context.write.reader.accessHistories(kind: kind) { accesses[node.number] = history }
        let importanceColumn = importance ? "importance" : "0.0"
        let rows = try Row.fetchAll(db, sql: """
            SELECT id, recorded_at, archived, \(importanceColumn) FROM \(table) WHERE archived = 1 OR recorded_at < ?
            """, arguments: [cutoff])
        let archive = try db.makeStatement(sql: "UPDATE \(table) SET archived = ? WHERE id = ?")
        for (i, row) in rows.enumerated() {
            if i % 1024 == 0 { try context.checkCancelled() }
            let id: Int64 = row[0]
            let level = Self.baseLevel(created: row[1], accesses: accesses[id] ?? AccessHistory(), now: now, decay: context.settings.decay)
            let below = level < context.settings.archiveThreshold
            let keep = (row[3] as Double) >= context.settings.archiveKeepImportance
            let shouldArchive = below && !keep && (row[1] as Int64) < cutoff
            if below { context.count("\(table)s_below_threshold") }
            if shouldArchive != (row[2] as Bool) {
                try archive.execute(arguments: [shouldArchive, id])
                context.count(shouldArchive ? "\(table)s_archived" : "\(table)s_restored")
            }
        }
        context.count("\(table)s_scored", rows.count)
    }

    /// ACT-R's base-level activation with ages in days (at least an hour).
    static func baseLevel(created: Int64, accesses: AccessHistory, now: Int64, decay d: Double) -> Double {
        log(AccessHistory.term(age: AccessHistory.days(now - created), decay: d) + accesses.sum(now: now, decay: d))
    }
}
