import MnemoConsolidation
import MnemoModel
import MnemoRecall
import MnemoStore
import Synchronization

/// The open spaces of a daemon, by name: each opened on first use (its file
/// through the `SpaceManager` of the data directory) and kept, with the
/// settings they share.
public final class SpaceRegistry: Sendable {
    /// The data directory's space files.
    public let files: SpaceManager
    public let settings: SpaceSettings
    private let open = Mutex<[String: Space]>([:])

    public init(files: SpaceManager, settings: SpaceSettings) {
        self.files = files
        self.settings = settings
    }

    /// A space, opening it if needed. One that does not exist is created when
    /// `create` is true, else it is `NOT_FOUND`; a bad name is `INVALID`.
    public func space(_ name: String, create: Bool) throws(MnemoError) -> Space {
        let name = try SpaceManager.validate(name)
        if let space = open.withLock({ $0[name] }) { return space }
        let store = try files.store(name, create: create)
        return open.withLock { all in
            if let raced = all[name] { return raced }
            let space = Space(name: name, store: store, settings: settings)
            all[name] = space
            return space
        }
    }

    /// The spaces opened so far (each stays open until the daemon stops), by name.
    public func openSpaces() -> [Space] {
        open.withLock { $0.values.sorted { $0.name < $1.name } }
    }

    /// The spaces on disk, by name (with `storage = postgresql`, those in the database).
    public func spaceNames() -> [String] { files.spaceNames() }

    /// Whether the spaces are shared in PostgreSQL (`storage = postgresql`).
    public var isShared: Bool { files.shared != nil }

    /// Whether the space exists on disk.
    public func exists(_ name: String) throws(MnemoError) -> Bool { try files.exists(name) }

    /// Installs reloaded settings: open spaces rebuild their ingestor with
    /// the new rules and segmentation on their next write.
    public func replace(ingest: IngestSettings, recall: RecallSettings, consolidation: ConsolidationSettings) {
        settings.replace(ingest: ingest, recall: recall, consolidation: consolidation)
        for space in open.withLock({ Array($0.values) }) { space.dropIngestor() }
    }
}
