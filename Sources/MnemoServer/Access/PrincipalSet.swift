import Foundation

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
            if item == "*" {
                members.append(.everyone)
                continue
            }
            if item == "self" {
                members.append(.user(getuid()))
                continue
            }
            if item.hasPrefix("@") {
                let name = String(item.dropFirst())
                if let gid = UInt32(name) {
                    members.append(.group(gid))
                    continue
                }
                guard let gid = try lookUp({ () throws(UserDatabase.Failure) in try UserDatabase.gid(ofGroup: name) }) else {
                    throw PrincipalError(message: "unknown group \"\(name)\"")
                }
                members.append(.group(gid))
                continue
            }
            if let uid = UInt32(item) {
                members.append(.user(uid))
                continue
            }
            guard !item.isEmpty, let uid = try lookUp({ () throws(UserDatabase.Failure) in try UserDatabase.uid(ofUser: item) }) else {
                throw PrincipalError(message: "unknown user \"\(item)\"")
            }
            members.append(.user(uid))
        }
        return PrincipalSet(members: members, source: trimmed)
    }

    /// A name look-up, its failure (not a missing name) told as a rule error.
    private static func lookUp(_ query: () throws(UserDatabase.Failure) -> UInt32?) throws(PrincipalError) -> UInt32? {
        do {
            return try query()
        } catch {
            throw PrincipalError(message: "cannot look up names: \(error)")
        }
    }
}

public struct PrincipalError: Error, Sendable {
    public var message: String
}
