import MnemoModel
import MnemoRecall
import MnemoStore

extension Space {
    /// Something that happened to the store, which what the space keeps in
    /// memory (recall's graph, text index and answer rows; the ingestor's name
    /// dictionary and scene state) must follow.
    enum Change {
        /// Writes committed, with what they did.
        case committed(WriteEffects)
        /// A write failed and rolled back. For a reason other than its input
        /// (a full disk, an I/O error), the ingestor is dropped: `remember`
        /// updates what scene segmentation knows of recent scenes before the
        /// commit, so it may count episodes, even scenes, that were rolled
        /// back (and whose ids the next ones will take). A client's mistake
        /// (`INVALID`, `NOT_FOUND`...) fails before that update and costs nothing.
        case rolledBack(MnemoError)
        /// A batch run without savepoints failed as a whole: whatever it was,
        /// the ingestor may have advanced and is dropped (the batch runs again).
        case batchAbandoned
        /// A consolidation run committed: it moved episodes into scenes,
        /// linked names to one entity, and touched these rows.
        case consolidated(run: Int64, touched: [NodeID])
        /// A consolidation run was undone: links and memberships may have gone.
        case undone
        /// An import filled the space: everything is new.
        case imported
        /// The store may no longer match memory, for this reason (a run that
        /// stopped part-way): everything is dropped.
        case unknown(reason: String)
        /// Other daemons' writes to the shared space, applied to this
        /// daemon's replica (`MemoryStore.catchUp`).
        case remote(RemoteChanges)
    }

    /// Tables whose rows the ingestor keeps in memory (names, scenes and what
    /// scene segmentation knows of the latest episodes).
    static let ingestorTables: Set<String> = ["entity", "entity_alias", "entity_link", "episode", "scene", "scene_member", "predicate"]

    /// Tables that indexes and logs derive from the others, whose deleted
    /// rows are in no graph: settled filler entries, predicate blocks, folded
    /// activation, the journals.
    static let derivedTables: Set<String> = [
        "fact_filler_recent", "fact_filler_settled", "fact_predicate_block", "activation_folded",
        "consolidation_run", "consolidation_pass", "consolidation_change", "forget_journal",
    ]

    /// Brings what the space keeps in memory in line with the store after
    /// `change`: the one place that decides what is refreshed and what is
    /// dropped to be rebuilt.
    ///
    /// It cannot fail the change: a write has committed, and its client gets
    /// its `OK`. If bringing memory up to date fails (a read error), what
    /// memory keeps is dropped, to be rebuilt by the next recall or write
    /// (`markStale`), with a warning: recall is never left stale without a trace.
    func follow(_ change: Change) {
        followed.add(1, ordering: .sequentiallyConsistent)
        switch change {
        case .committed(let effects):
            if effects.forgot {
                dropIngestor()
                recall.drop(discardingRecalls: true)
            }
            do {
                if !effects.names.isEmpty { try ingestor().learn(effects.names) }
                if !effects.touched.isEmpty { try recall.refresh(effects.touched) }
            } catch {
                markStale(because: "updating recall after a committed write failed (\(error.code.rawValue) \(error.message))")
                return
            }
            if !effects.forgot, let cache = effects.episodeCache {
                for (id, fields) in effects.episodeFields { cache.setEpisode(id, fields) }
            }
        case .rolledBack(let error):
            if error.code == .full || error.code == .internalError { dropIngestor() }
        case .batchAbandoned:
            dropIngestor()
        case .consolidated(let run, let touched):
            // Reassigned scenes and new links: cached episode lines and the graph follow.
            recall.forgetAnswers()
            // Entities created, renamed or linked (the reflector's facts name new
            // ones): the name dictionary is rebuilt from the store.
            if touched.contains(where: { $0.kind == .entity }) { dropIngestor() }
            do {
                try recall.refresh(touched)
            } catch {
                markStale(because: "updating recall after consolidation run \(run) failed (\(error.code.rawValue) \(error.message))")
            }
        case .undone, .imported:
            // Rows an undone run made are gone, and new ones may take their ids.
            recall.drop(discardingRecalls: true)
            dropIngestor()
        case .unknown(let reason):
            markStale(because: reason)
        case .remote(let remote):
            if remote.replaced {
                // Another daemon's forget: what memory keeps may name forgotten rows.
                dropIngestor()
                recall.drop(discardingRecalls: true)
                return
            }
            var changes: [Changeset.Change] = []
            do {
                for changeset in remote.changes { changes += try changeset.changes() }
            } catch {
                markStale(because: "reading another daemon's changes failed (\(error))")
                return
            }
            // A remember elsewhere moved scene segmentation on, or named new entities.
            if changes.contains(where: { Self.ingestorTables.contains($0.table) }) { dropIngestor() }
            recall.forgetAnswers()
            // Rows of the graph deleted (an undone consolidation run): links and
            // memberships may have gone, and new rows may take their ids.
            if changes.contains(where: { $0.op == "delete" && !Self.derivedTables.contains($0.table) }) {
                recall.drop(discardingRecalls: true)
                return
            }
            do {
                try recall.refresh(Changeset.touched(by: changes))
            } catch {
                markStale(because: "updating recall after another daemon's writes failed (\(error.code.rawValue) \(error.message))")
            }
        }
    }

    /// Drops what recall and ingestion keep of the space in memory (its graph,
    /// text index, cached answers and name dictionary), so that the next
    /// recall or write rebuilds them from the store, and logs why at warning.
    private func markStale(because reason: String) {
        recall.drop()
        dropIngestor()
        settings.warn("space \(store.path): \(reason); its recall graph, text index and name dictionary are dropped and will be rebuilt from the store")
    }
}
