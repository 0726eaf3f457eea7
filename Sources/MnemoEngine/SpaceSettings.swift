import MnemoConsolidation
import MnemoRecall
import Synchronization

/// What every space of a daemon shares: the settings in force for ingestion,
/// recall and consolidation (replaced on SIGHUP), recall's working arrays,
/// whether runs must stop (shutdown), and where warnings go.
public final class SpaceSettings: Sendable {
    private let current: Mutex<(ingest: IngestSettings, recall: RecallSettings, consolidation: ConsolidationSettings)>
    private let stopping = Atomic<Bool>(false)
    private let warnings = Mutex<(@Sendable (String) -> Void)?>(nil)
    /// Working arrays of recalls, reused across spaces.
    package let scratch = ScratchPool()

    public init(
        ingest: IngestSettings = IngestSettings(), recall: RecallSettings = RecallSettings(),
        consolidation: ConsolidationSettings = ConsolidationSettings()
    ) {
        current = Mutex((ingest, recall, consolidation))
    }

    public var ingest: IngestSettings { current.withLock { $0.ingest } }
    public var recall: RecallSettings { current.withLock { $0.recall } }
    public var consolidation: ConsolidationSettings { current.withLock { $0.consolidation } }

    /// Installs new settings. Open spaces take the ingestion settings when
    /// their ingestor is next built (`SpaceRegistry.replace` drops them).
    func replace(ingest: IngestSettings, recall: RecallSettings, consolidation: ConsolidationSettings) {
        current.withLock { $0 = (ingest, recall, consolidation) }
    }

    /// Runs in progress stop at their next pass (graceful shutdown).
    public func stopRuns() { stopping.store(true, ordering: .relaxed) }
    var shouldStop: Bool { stopping.load(ordering: .relaxed) }

    /// Where warnings about the spaces go (the daemon's log): a space's
    /// in-memory state found stale and dropped, a rule's fact left out, a
    /// reflector that failed, recalls the activation log missed.
    public func onWarning(_ handler: @escaping @Sendable (String) -> Void) { warnings.withLock { $0 = handler } }
    func warn(_ message: String) { warnings.withLock { $0 }?(message) }
}
