/// Who may do what, from `daemon.conf`: connect, read and write each space,
/// and run administration statements (`forget`, `backup`, `undo
/// consolidation`, creating a space). Checked against the peer's uid and
/// groups as the kernel reports them; a denial answers `ERR DENIED` and is logged.
public struct AccessRules: Sendable, Hashable {
    /// `allow`: who may connect at all.
    public var connect: PrincipalSet = .everyone
    /// `admin`: who may run administration statements.
    public var admin: PrincipalSet = .daemonUser
    /// `read` / `write`: the default for every space.
    public var read: PrincipalSet = .everyone
    public var write: PrincipalSet = .everyone
    /// `space.<name>.read` / `space.<name>.write`: per-space overrides.
    public var spaceRead: [String: PrincipalSet] = [:]
    public var spaceWrite: [String: PrincipalSet] = [:]

    public init() {}

    public func mayConnect(_ peer: Peer) -> Bool { connect.contains(peer) }
    public func isAdmin(_ peer: Peer) -> Bool { admin.contains(peer) }
    public func mayRead(_ peer: Peer, space: String) -> Bool { (spaceRead[space] ?? read).contains(peer) }
    public func mayWrite(_ peer: Peer, space: String) -> Bool { (spaceWrite[space] ?? write).contains(peer) }
}
