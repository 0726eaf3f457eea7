import MnemoServer
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The access rules in process: rule values parsed as `daemon.conf` gives
/// them, checked against peers as the kernel would report them.
@Suite("access rules and principal sets, in process")
struct AccessRulesTests {
    let alice = Peer(pid: 1, uid: 1001, gid: 100, groups: [100, 27])
    let bob = Peer(pid: 2, uid: 1002, gid: 1002, groups: [1002])

    @Test("'*', 'none', numeric uids and @gids, self, and lists of them")
    func principals() throws {
        #expect(try PrincipalSet.parse("*").contains(bob))
        #expect(try !PrincipalSet.parse("none").contains(alice))
        #expect(try !PrincipalSet.parse("").contains(alice))
        #expect(try PrincipalSet.parse("1002").contains(bob))
        #expect(try !PrincipalSet.parse("1002").contains(alice))
        #expect(try PrincipalSet.parse("@27").contains(alice)) // a supplementary group counts
        #expect(try !PrincipalSet.parse("@27").contains(bob))
        let list = try PrincipalSet.parse(" 1002 , @100 ")
        #expect(list.contains(alice) && list.contains(bob))
        #expect(list.source == "1002 , @100")
        let me = Peer(pid: 3, uid: getuid(), gid: getgid(), groups: [getgid()])
        #expect(try PrincipalSet.parse("self").contains(me))
        #expect(PrincipalSet.daemonUser.contains(me) && !PrincipalSet.daemonUser.contains(Peer(pid: 4, uid: getuid() &+ 1, gid: 0, groups: [])))
    }

    @Test("an unknown user or group name is refused, naming it")
    func unknownNames() {
        #expect(throws: PrincipalError.self) { try PrincipalSet.parse("no-such-user-mnemo") }
        do {
            _ = try PrincipalSet.parse("1002, @no-such-group-mnemo")
            Issue.record("an unknown group was accepted")
        } catch {
            #expect(error.message.contains("no-such-group-mnemo"))
        }
    }

    @Test("per-space rules override the defaults for that space only; admin and connect are separate")
    func spaces() throws {
        var rules = AccessRules()
        rules.read = try PrincipalSet.parse("@100")
        rules.write = .nobody
        rules.spaceRead["shared"] = .everyone
        rules.spaceWrite["shared"] = try PrincipalSet.parse("1002")
        rules.connect = try PrincipalSet.parse("1001, 1002")
        rules.admin = try PrincipalSet.parse("1001")
        #expect(rules.mayRead(alice, space: "default") && !rules.mayRead(bob, space: "default"))
        #expect(rules.mayRead(bob, space: "shared"))
        #expect(!rules.mayWrite(alice, space: "default") && !rules.mayWrite(bob, space: "default"))
        #expect(rules.mayWrite(bob, space: "shared") && !rules.mayWrite(alice, space: "shared"))
        #expect(rules.mayConnect(alice) && rules.mayConnect(bob))
        #expect(!rules.mayConnect(Peer(pid: 5, uid: 1003, gid: 1003, groups: [1003])))
        #expect(rules.isAdmin(alice) && !rules.isAdmin(bob))
        // The defaults: everyone connects, reads and writes; only the daemon's user administers.
        let defaults = AccessRules()
        #expect(defaults.mayConnect(bob) && defaults.mayRead(bob, space: "x") && defaults.mayWrite(bob, space: "x"))
        #expect(defaults.isAdmin(Peer(pid: 6, uid: getuid(), gid: 0, groups: [])) == true)
        #expect(!defaults.isAdmin(Peer(pid: 7, uid: getuid() &+ 1, gid: 0, groups: [])))
    }
}
