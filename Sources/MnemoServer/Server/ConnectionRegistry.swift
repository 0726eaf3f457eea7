import NIOCore
import Synchronization

/// The connections being served and who is at the other end of each, so that a
/// reload whose rules no longer let a peer connect can close its connections.
///
/// Admission and revocation take the same lock, and a reload installs its rules
/// before it revokes: a connection is either registered before the revocation
/// (and closed by it) or checked after it, against the new rules. None slips
/// through between its check and its registration.
public final class ConnectionRegistry: Sendable {
    private let open = Mutex<[ObjectIdentifier: (channel: any Channel, peer: Peer)]>([:])

    /// Registers a connection if `rules()`, the rules in force now, let its
    /// peer connect; false (nothing registered) if they do not.
    func admit(_ channel: any Channel, peer: Peer, rules: () -> AccessRules) -> Bool {
        open.withLock { open in
            guard rules().mayConnect(peer) else { return false }
            open[ObjectIdentifier(channel)] = (channel, peer)
            return true
        }
    }

    /// Forgets a connection that closed.
    func remove(_ channel: any Channel) {
        _ = open.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Removes and returns the connections whose peer `rules` do not let connect.
    func revoke(under rules: AccessRules) -> [(channel: any Channel, peer: Peer)] {
        open.withLock { open in
            let refused = open.filter { !rules.mayConnect($0.value.peer) }
            for key in refused.keys { open.removeValue(forKey: key) }
            return Array(refused.values)
        }
    }

    /// How many connections are registered.
    public var count: Int { open.withLock { $0.count } }
}
