import MnemoModel

/// Name → id look-ups the writer makes on every assertion, the display
/// names of entities and scenes it answers with, the key of every fact and
/// the sizes of the filler tables, kept in memory.
///
/// Only touched on the writer's queue, inside `MemoryStore.write` (which GRDB
/// runs one at a time), a failed write's `rolledBack()` included: so it has
/// no lock, which the few million look-ups of a bulk ingest would feel.
final class WriterCache: @unchecked Sendable {
    struct PredicateInfo {
        var id: Int64
        var roles: [String]?
        var functional: Bool
    }

    /// By bytes (`ExactName`), as SQLite finds names.
    private var entityIDs: [ExactName: Int64] = [:]
    private var predicates: [ExactName: PredicateInfo] = [:]
    private var entityNames: [Int64: String] = [:]
    private var sceneTitles: [Int64: String] = [:]
    /// Entities a kind was asked for and given (or found) since the cache was last cleared.
    private var kindGiven: Set<Int64> = []
    /// The key of every fact in the store (`nil` until first needed): an
    /// assertion whose key is not here cannot repeat a fact, and skips looking
    /// for one. It may hold more keys than the store (a rolled-back insert, a
    /// forgotten fact), never fewer, so it survives `reset()`.
    private var factKeys: Set<Int64>?
    /// Whether the keys were loaded inside the write in progress: a rollback
    /// may then bring back rows (a fact forgotten earlier in that write) whose
    /// keys were never seen, so it drops them.
    private var keysLoadedInWrite = false
    /// How many entries the settled and the recent filler tables hold (`nil`
    /// until first needed), to decide when to move the recent ones over. The
    /// settled count is an estimate (forgets do not lower it) and costly to
    /// take, so only another connection's write drops it; a rollback puts back
    /// the value the write began with (`settledAtBegin`). The recent count is
    /// cheap: anything uncertain drops it.
    private var settledFillers: Int?
    private var settledAtBegin: Int?
    private var recentFillers: Int?
    /// For each predicate, a block of fact ids known to be listed in
    /// `fact_predicate_block` (the last one written): facts get increasing
    /// ids, so most assertions find their block here and write nothing.
    /// Dropped with the names: a rolled-back write may have listed a block.
    private var listedBlocks: [Int64: Int64] = [:]
    /// SQLite's `data_version` at the last write: it changes when another
    /// connection (another process) commits behind this cache's back.
    private var dataVersion: Int64?

    /// Mentions of each entity since its activation log was last checked
    /// for folding: the check reads the log, so it is made once every
    /// `AccessHistory.exactKept` mentions. An entity not counted here is due
    /// at once, so a log holds at most `foldAbove + exactKept - 1` rows after
    /// any write, across restarts and rollbacks (which drop the counts).
    private var mentionsSinceCheck: [Int64: Int] = [:]

    /// Counts a mention of an entity; true when its log is due a check.
    func mentionDueCheck(_ entity: Int64) -> Bool {
        guard let n = mentionsSinceCheck[entity] else {
            mentionsSinceCheck[entity] = 0
            return true
        }
        let due = n + 1 >= AccessHistory.exactKept
        mentionsSinceCheck[entity] = due ? 0 : n + 1
        return due
    }

    func entity(_ norm: String) -> Int64? { entityIDs[ExactName(norm)] }
    func setEntity(_ norm: String, _ id: Int64) { entityIDs[ExactName(norm)] = id }
    func predicate(_ name: String) -> PredicateInfo? { predicates[ExactName(name)] }
    func setPredicate(_ name: String, _ info: PredicateInfo) { predicates[ExactName(name)] = info }
    func entityName(_ id: Int64) -> String? { entityNames[id] }
    func setEntityName(_ id: Int64, _ name: String) { entityNames[id] = name }
    func needsKind(_ id: Int64) -> Bool { !kindGiven.contains(id) }
    func setKindGiven(_ id: Int64) { kindGiven.insert(id) }
    func sceneTitle(_ id: Int64) -> String? { sceneTitles[id] }
    func setSceneTitle(_ id: Int64, _ title: String) { sceneTitles[id] = title }

    /// Whether a fact with this key may exist; if not, the key is added, for
    /// the fact about to be written (were it not, the set only grows larger
    /// than the store, which it may). The first call reads every key with
    /// `load`, inside the write in progress.
    func claimFactKey(_ key: Int64, load: () throws -> Set<Int64>) rethrows -> Bool {
        if factKeys == nil {
            factKeys = try load()
            keysLoadedInWrite = true
        }
        return !factKeys!.insert(key).inserted
    }

    /// The sizes of the two filler tables; a size not known is counted with
    /// `countSettled` or `countRecent`.
    func fillerCounts(countSettled: () throws -> Int, countRecent: () throws -> Int) rethrows -> (settled: Int, recent: Int) {
        let settled = try settledFillers ?? countSettled()
        let recent = try recentFillers ?? countRecent()
        (settledFillers, recentFillers) = (settled, recent)
        return (settled, recent)
    }
    func addRecentFillers(_ count: Int) { recentFillers? += count }
    func fillersSettled(_ moved: Int) {
        settledFillers? += moved
        recentFillers = 0
    }

    /// Whether `block` is known to be listed for `predicate`.
    func isListed(_ block: Int64, of predicate: Int64) -> Bool { listedBlocks[predicate] == block }
    /// `block` was listed for `predicate` (in the write in progress).
    func noteListed(_ block: Int64, of predicate: Int64) { listedBlocks[predicate] = block }

    /// A write transaction begins: drops everything, fact keys too, when
    /// `version` (SQLite's `data_version`) says another connection wrote
    /// since the last write.
    func beginWrite(dataVersion version: Int64) {
        keysLoadedInWrite = false
        if let known = dataVersion, known != version {
            clear(keys: true)
            settledFillers = nil
        }
        dataVersion = version
        settledAtBegin = settledFillers
    }

    /// Forgets everything, fact keys too: rows were written behind the
    /// cache's back (another process, a consolidation run undone).
    func forgetAll() { clear(keys: true) }

    /// A write or a savepoint was rolled back: names and ids it cached may
    /// not exist, and keys loaded during it may lack rows it had deleted.
    func rolledBack() {
        clear(keys: keysLoadedInWrite)
        settledFillers = settledAtBegin
    }

    /// Forgets everything; the next look-ups go to SQLite.
    func reset() { clear(keys: false) }

    /// Drops the names and ids, the recent filler count and the listed blocks
    /// (and the fact keys if `keys`).
    private func clear(keys: Bool) {
        entityIDs.removeAll()
        predicates.removeAll()
        entityNames.removeAll()
        sceneTitles.removeAll()
        kindGiven.removeAll()
        recentFillers = nil
        listedBlocks.removeAll()
        mentionsSinceCheck.removeAll()
        if keys { factKeys = nil }
    }
}
