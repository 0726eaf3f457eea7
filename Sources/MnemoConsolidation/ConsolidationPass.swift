import MnemoModel
import MnemoStore

/// One pass of consolidation (SPEC §5). A pass reads the memory and writes
/// what it derives inside the transaction it is given; it must be idempotent:
/// run again at once, it changes nothing.
protocol ConsolidationPass {
    /// The pass's name in the journal (`entities`, `supersession`, ...).
    var name: String { get }
    /// Work done before the pass's write transaction, outside it (a slow
    /// external command must not hold the writer). Returns warnings.
    func prepare(_ store: MemoryStore, settings: ConsolidationSettings) throws -> [String]
    func run(_ context: PassContext) throws
}

extension ConsolidationPass {
    func prepare(_ store: MemoryStore, settings: ConsolidationSettings) throws -> [String] { [] }
}

/// What a pass works with: the transaction, the run, the settings, and a tally
/// of what it did.
final class PassContext {
    /// The pass's transaction.
    let write: WriteContext
    /// The reads, in the pass's transaction (seeing what it wrote so far).
    var read: ReadContext { write.reader }
    /// The run's time: ages, idleness and activation are measured from it.
    let now: Timestamp
    let runID: Int64
    let settings: ConsolidationSettings
    /// Counts by name ("archived", "linked", ...), reported in the journal.
    private(set) var counts: [String: Int] = [:]
    /// Messages worth logging (a reflector that failed, ...).
    private(set) var warnings: [String] = []

    /// What one pass derives that a later pass of the same run reuses.
    let shared: RunCache
    /// The run's cancellation (see `checkCancelled`).
    let cancellation: Cancellation

    init(
        write: WriteContext, now: Timestamp, runID: Int64, settings: ConsolidationSettings, shared: RunCache,
        cancellation: Cancellation = .never
    ) {
        self.write = write
        self.shared = shared
        self.now = now
        self.runID = runID
        self.settings = settings
        self.cancellation = cancellation
    }

    /// Throws when the run was asked to stop; passes ask between the groups
    /// they work through (an entity, a scene, a person). The pass's
    /// transaction then rolls back whole.
    func checkCancelled() throws(MnemoError) { try cancellation.check() }

    func count(_ name: String, _ n: Int = 1) {
        guard n != 0 else { return }
        counts[name, default: 0] += n
    }

    func warn(_ message: String) { warnings.append(message) }

    /// Counts and warnings gathered before the transaction (see `prepare`).
    func absorb(warnings early: [String], counts: [String: Int]) {
        warnings = early + warnings
        for (name, n) in counts { count(name, n) }
    }
}

/// Per-run values computed once and read by several passes (person profiles
/// are read by both the persona and the insight passes).
final class RunCache {
    var crowd: Crowd?
    var profiles: [PersonProfile]?

    func crowd(_ read: ReadContext) throws -> Crowd {
        try build(read)
        return crowd!
    }

    func profiles(_ read: ReadContext) throws -> [PersonProfile] {
        try build(read)
        return profiles!
    }

    private func build(_ read: ReadContext) throws {
        guard profiles == nil else { return }
        let built = try PersonProfile.all(read)
        profiles = built.profiles
        crowd = built.crowd
    }
}
