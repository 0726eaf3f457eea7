/// The process at the other end of a connection, as the kernel reports it
/// (SO_PEERCRED): who it runs as, and every group that user belongs to.
public struct Peer: Sendable, Hashable, CustomStringConvertible {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32
    /// The primary gid and the supplementary groups of `uid`.
    public var groups: [UInt32]

    public init(pid: Int32, uid: UInt32, gid: UInt32, groups: [UInt32]) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
        self.groups = groups
    }

    public var description: String { "uid \(uid) gid \(gid) pid \(pid)" }

    /// The peer with the groups of its user, from the system's group database.
    /// A uid with no user entry has its primary group only; so has one whose
    /// look-up failed, and the failure is returned for the log.
    ///
    /// Blocking (NSS may ask a directory service over the network): it runs on
    /// a thread pool, never on an event loop.
    static func lookingUp(pid: Int32, uid: UInt32, gid: UInt32) -> (peer: Peer, failure: UserDatabase.Failure?) {
        do {
            let groups = try UserDatabase.userName(of: uid).map { UserDatabase.groups(ofUser: $0, primary: gid) } ?? [gid]
            return (Peer(pid: pid, uid: uid, gid: gid, groups: groups), nil)
        } catch {
            return (Peer(pid: pid, uid: uid, gid: gid, groups: [gid]), error)
        }
    }
}
