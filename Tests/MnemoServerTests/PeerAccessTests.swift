import Foundation
import MnemoTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("stats and the access rules")
struct StatsAccessTests {
    @Test("stats needs read access to the space; it lists only the spaces the peer may read")
    func statsFollowsReadRules() throws {
        let daemon = try MnemodProcess(config: "space.secret.read = none\n")
        let c = try daemon.connect()
        #expect(try c.request("use space secret").code == nil) // write access is enough to use it
        #expect(try c.request("assert likes(bob, tea)").code == nil)
        let denied = try c.request("stats")
        #expect(denied.code == "DENIED")
        #expect(denied == .error(code: "DENIED", message: #"uid \#(getuid()) may not read space "secret""#))
        #expect(try c.request("use space other").code == nil)
        let stats = try c.request("stats").objects
        let spaces = stats.first { $0["name"] as? String == "spaces" }?["value"] as? [String]
        #expect(spaces == ["default", "other"])
    }

    @Test(
        "as another uid: stats denied where it may not read, and the list holds only its spaces",
        OtherUser.required)
    func statsAsAnotherUser() throws {
        let directory = OtherUser.reachableDirectory()
        let daemon = try MnemodProcess(
            config: """
                socket_mode = 0666
                read = self
                space.public.read = *
                space.lab.read = self, @\(OtherUser.uid + 1)
                """, directory: directory)
        let root = try daemon.connect()
        for space in ["public", "lab", "private"] {
            #expect(try root.request("use space \(space)").code == nil)
            #expect(try root.request("assert likes(bob, tea)").code == nil)
        }
        #expect(try root.request("use space default").code == nil)
        let all = try root.request("stats").objects.first { $0["name"] as? String == "spaces" }?["value"] as? [String]
        #expect(all == ["default", "lab", "private", "public"])

        // uid 65534 may not read "default", where a connection starts.
        let denied = try OtherUser.runMnemo(["--socket", daemon.socketPath, "--json", "-c", "stats"], in: directory)
        #expect(denied.status == 1)
        #expect(denied.stderr.contains(#"ERR DENIED uid \#(OtherUser.uid) may not read space "default""#), "\(denied.stderr)")
        let inPublic = try OtherUser.runMnemo(["--socket", daemon.socketPath, "--json"], in: directory, input: "use space public\nstats\n")
        #expect(inPublic.status == 0, "\(inPublic.stderr)")
        #expect(inPublic.stdout.contains(#"{"kind":"stat","name":"spaces","value":["public"]}"#), "\(inPublic.stdout)")
        // With gid 65535, the group rule of "lab" lets it read that space too.
        let withGroup = try OtherUser.runMnemo(
            ["--socket", daemon.socketPath, "--json"], in: directory, gid: OtherUser.uid + 1,
            input: "use space lab\nstats\n")
        #expect(withGroup.stdout.contains(#"{"kind":"stat","name":"spaces","value":["lab","public"]}"#), "\(withGroup.stdout) \(withGroup.stderr)")
    }
}

@Suite("a reload that revokes a peer")
struct RevocationTests {
    /// Connects as another uid, sends `ping`, then prints every line it receives, and `EOF` at the end.
    static let listener = """
        use IO::Socket::UNIX; $| = 1;
        my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Peer => $ARGV[0]) or die "connect: $!\\n";
        print $s "ping\\n";
        while (my $line = <$s>) { print $line; }
        print "EOF\\n";
        """

    @Test(
        "SIGHUP without the peer in 'allow' sends ERR DENIED and closes its connections; others stay",
        OtherUser.required)
    func reloadClosesRevokedConnections() throws {
        let directory = OtherUser.reachableDirectory()
        let daemon = try MnemodProcess(config: "socket_mode = 0666\nallow = *\n", directory: directory)
        let other = try Spawned(arguments: OtherUser.command(["/usr/bin/perl", "-e", Self.listener, daemon.socketPath]))
        #expect(other.waitForOutput(containing: #"{"kind":"pong"}"#), "\(other.output) \(other.errors)")
        let root = try daemon.connect()
        func connections() throws -> Int? {
            try root.request("stats").objects.first { $0["name"] as? String == "connections" }?["value"] as? Int
        }
        #expect(try connections() == 2)

        try daemon.rewriteConfig("socket_mode = 0666\nallow = \(getuid())\n")
        daemon.signal(SIGHUP)
        #expect(other.waitForOutput(containing: "EOF"), "\(other.output)")
        let lines = other.output.split(separator: "\n")
        #expect(
            lines.suffix(2) == [
                "ERR DENIED uid \(OtherUser.uid) may no longer connect to this daemon (configuration reloaded); closing the connection", "EOF",
            ], "\(other.output)")
        #expect(other.waitForExit() == 0)
        // The allowed connection is still served, and the daemon counts one connection.
        #expect(try root.request("ping").isPong)
        #expect(try connections() == 1)
        for _ in 0..<100 where !daemon.log.contains("closing connection from uid \(OtherUser.uid)") { usleep(10_000) }
        #expect(daemon.log.contains("closing connection from uid \(OtherUser.uid)"), "\(daemon.log)")
        // And a new connection from that uid is refused at connect.
        let again = try OtherUser.runMnemo(["--socket", daemon.socketPath, "-c", "ping"], in: directory)
        #expect(again.status != 0 && !again.stdout.contains("pong"))
        for _ in 0..<100 where !daemon.log.contains("denied connection from uid \(OtherUser.uid)") { usleep(10_000) }
        #expect(daemon.log.contains("denied connection from uid \(OtherUser.uid)"), "\(daemon.log)")
    }

    @Test(
        "a reload that takes away read access denies the next read on an open connection",
        OtherUser.required)
    func reloadChangesRightsOfOpenConnections() throws {
        let directory = OtherUser.reachableDirectory()
        let daemon = try MnemodProcess(config: "socket_mode = 0666\n", directory: directory)
        #expect(try daemon.connect().request("assert likes(bob, tea)").code == nil)
        let other = try Spawned(arguments: OtherUser.command([try OtherUser.clientBinary(in: directory), "--socket", daemon.socketPath, "--json"]))
        other.write("match likes(bob, ?what)\n")
        #expect(other.waitForOutput(containing: #""what":"tea""#), "\(other.output) \(other.errors)")
        try daemon.rewriteConfig("socket_mode = 0666\nread = \(getuid())\n")
        daemon.signal(SIGHUP)
        for _ in 0..<200 where !daemon.log.contains("reloaded configuration") { usleep(10_000) }
        other.write("match likes(bob, ?what)\n")
        other.closeInput()
        #expect(other.waitForExit() == 1)
        #expect(other.errors.contains(#"ERR DENIED uid \#(OtherUser.uid) may not read space "default""#), "\(other.errors)")
    }
}

@Suite("peers as other uids")
struct OtherPeerTests {
    @Test(
        "rules by user and group name; a uid with no user entry is judged by its uid and gid",
        OtherUser.required)
    func namesAndUnknownUids() throws {
        let directory = OtherUser.reachableDirectory()
        // 54321 has no entry in the user database; nobody and root are named.
        let daemon = try MnemodProcess(config: "socket_mode = 0666\nallow = nobody, @root, @54322\n", directory: directory)
        #expect(try daemon.connect().request("ping").isPong) // root, by its group's name
        let byName = try OtherUser.runMnemo(["--socket", daemon.socketPath, "-c", "ping"], in: directory)
        #expect(byName.status == 0, "\(byName.stderr)")
        let byGid = try OtherUser.runMnemo(["--socket", daemon.socketPath, "-c", "ping"], in: directory, uid: 54321, gid: 54322)
        #expect(byGid.status == 0, "\(byGid.stderr)")
        let refused = try OtherUser.runMnemo(["--socket", daemon.socketPath, "-c", "ping"], in: directory, uid: 54321, gid: 54321)
        // The client sees the ERR line, or only the close if its ping went out after it.
        #expect(refused.status != 0 && !refused.stdout.contains("pong"))
        for _ in 0..<100 where !daemon.log.contains("denied connection from uid 54321 gid 54321") { usleep(10_000) }
        #expect(daemon.log.contains("denied connection from uid 54321 gid 54321"), "\(daemon.log)")
    }
}
