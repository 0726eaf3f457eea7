import MnemoEngine
import MnemoModel
import MnemoStore

/// One connection's state: who the peer is and which space it works in.
///
/// A connection runs one request at a time, in order, so a session is only
/// ever touched by one thread at a time even though requests run on worker
/// threads; hence `@unchecked Sendable`.
public final class Session: @unchecked Sendable {
    public let peer: Peer
    /// The name of the current space.
    public private(set) var space: String = SpaceManager.defaultSpace
    private var current: Space?

    public init(peer: Peer) { self.peer = peer }

    /// The current space, opened if it is not yet (the default space is
    /// created on first use).
    public func openSpace(in spaces: SpaceRegistry) throws(MnemoError) -> Space {
        if let current { return current }
        let opened = try spaces.space(space, create: space == SpaceManager.defaultSpace)
        current = opened
        return opened
    }

    /// The current space if it is open already (nothing is opened).
    var openedSpace: Space? { current }

    /// Switches to another space, opened by the caller.
    public func switchTo(_ space: Space) {
        self.space = space.name
        current = space
    }
}
