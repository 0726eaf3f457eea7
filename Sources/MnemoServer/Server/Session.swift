import MnemoModel
import MnemoStore

/// One connection's state: who the peer is and which space it works in.
///
/// A connection runs one request at a time, in order, so a session is only
/// ever touched by one thread at a time even though requests run on worker
/// threads; hence `@unchecked Sendable`.
public final class Session: @unchecked Sendable {
    public let peer: Peer
    public private(set) var space: String = SpaceManager.defaultSpace
    private var openStore: MemoryStore?

    public init(peer: Peer) { self.peer = peer }

    /// The store of the current space.
    public func store(in spaces: SpaceManager) throws(MnemoError) -> MemoryStore {
        if let openStore { return openStore }
        let store = try spaces.store(space, create: space == SpaceManager.defaultSpace)
        openStore = store
        return store
    }

    /// The store of the current space if it is open already (nothing is opened).
    var openedStore: MemoryStore? { openStore }

    /// Switches to another space (its store is opened by the caller).
    public func switchTo(_ space: String, store: MemoryStore) {
        self.space = space
        openStore = store
    }
}
