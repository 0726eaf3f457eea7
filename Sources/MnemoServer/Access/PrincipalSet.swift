#if canImport(Glibc)
import Glibc
#endif

/// A set of users and groups named in an access rule of `daemon.conf`:
/// `*` (everyone), `none`, or a comma-separated list of `self` (the daemon's own
/// user), user names, numeric uids, `@group` names and `@gid`s.
public struct PrincipalSet: Sendable, Hashable, CustomStringConvertible {
    enum Member: Sendable, Hashable {
        case everyone
        case user(UInt32)
        case group(UInt32)
    }

    var members: [Member]
    /// The text it was read from, for logs and `stats`.
    public var source: String

    public static let everyone = PrincipalSet(members: [.everyone], source: "*")
    public static let nobody = PrincipalSet(members: [], source: "none")
    /// The user the daemon runs as.
    public static var daemonUser: PrincipalSet { PrincipalSet(members: [.user(getuid())], source: "self") }

    public var description: String { source }

    /// Whether the peer is in the set.
    public func contains(_ peer: Peer) -> Bool {
        members.contains { member in
            switch member {
            case .everyone: true
            case .user(let uid): uid == peer.uid
            case .group(let gid): peer.groups.contains(gid)
            }
        }
    }

    /// Parses a rule value; the error says which name is unknown.
    public static func parse(_ text: String) throws(PrincipalError) -> PrincipalSet {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "*" { return .everyone }
        if trimmed.lowercased() == "none" || trimmed.isEmpty { return PrincipalSet(members: [], source: trimmed.isEmpty ? "none" : trimmed) }
        var members: [Member] = []
        for raw in trimmed.split(separator: ",") {
            let item = raw.trimmingCharacters(in: .whitespaces)
            if item == "*" { members.append(.everyone); continue }
            if item == "self" { members.append(.user(getuid())); continue }
            if item.hasPrefix("@") {
                let name = String(item.dropFirst())
                if let gid = UInt32(name) { members.append(.group(gid)); continue }
                guard let group = getgrnam(name) else { throw PrincipalError(message: "unknown group \"\(name)\"") }
                members.append(.group(group.pointee.gr_gid))
                continue
            }
            if let uid = UInt32(item) { members.append(.user(uid)); continue }
            guard !item.isEmpty, let user = getpwnam(item) else { throw PrincipalError(message: "unknown user \"\(item)\"") }
            members.append(.user(user.pointee.pw_uid))
        }
        return PrincipalSet(members: members, source: trimmed)
    }
}

public struct PrincipalError: Error, Sendable {
    public var message: String
}

import Foundation
