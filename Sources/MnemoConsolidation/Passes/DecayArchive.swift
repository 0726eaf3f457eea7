import Foundation
import MnemoModel
import MnemoStore

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
        try sweep(.episode, context)
        try sweep(.fact, context)
    }

    /// Scores the episodes (or facts), and archives or restores them.
    private func sweep(_ kind: NodeKind, _ context: PassContext) throws {
        let table = kind == .episode ? "episode" : "fact" // in the counts' names
        let now = context.now.microseconds
        let cutoff = now - context.settings.archiveMinAgeSeconds * 1_000_000
        var accesses: [Int64: AccessHistory] = [:]
        for (node, history) in try context.read.accessHistories(kind: kind) { accesses[node.number] = history }
        let rows = try context.read.archiveCandidates(kind, recordedBefore: cutoff)
        for (i, row) in rows.enumerated() {
            if i % 1024 == 0 { try context.checkCancelled() }
            let level = Self.baseLevel(created: row.recordedAt, accesses: accesses[row.id] ?? AccessHistory(), now: now, decay: context.settings.decay)
            let below = level < context.settings.archiveThreshold
            let keep = row.importance >= context.settings.archiveKeepImportance
            let shouldArchive = below && !keep && row.recordedAt < cutoff
            if below { context.count("\(table)s_below_threshold") }
            if shouldArchive != row.archived {
                try context.write.setArchived(kind, row.id, shouldArchive)
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
