#if canImport(Glibc)
import Glibc
#endif

/// The process at the other end of a connection, as the kernel reports it
/// (SO_PEERCRED): who it runs as, and every group that user belongs to.
public struct Peer: Sendable, Hashable, CustomStringConvertible {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32
    /// The primary gid and the supplementary groups of `uid`.
    public var groups: [UInt32]

    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
        self.groups = Peer.groups(of: uid, primary: gid)
    }

    public var description: String { "uid \(uid) gid \(gid) pid \(pid)" }

    /// The groups a user is in, from the system's group database.
    static func groups(of uid: UInt32, primary: UInt32) -> [UInt32] {
        var result: [UInt32] = [primary]
        guard let pw = getpwuid(uid), let name = pw.pointee.pw_name else { return result }
        var count: Int32 = 64
        var list = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(name, primary, &list, &count) == -1 {
            list = [gid_t](repeating: 0, count: Int(count))
            _ = getgrouplist(name, primary, &list, &count)
        }
        for g in list.prefix(Int(max(0, count))) where !result.contains(g) { result.append(g) }
        return result
    }
}
