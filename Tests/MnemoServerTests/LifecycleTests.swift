import Foundation
import MnemoClient
import MnemoTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("daemon life cycle: start, signals, locks, configuration")
struct LifecycleTests {
    @Test("SIGTERM answers what was received, exits 0, removes the socket; a restart serves the same data")
    func gracefulStop() throws {
        let directory = TemporaryDirectory()
        var daemon: MnemodProcess? = try MnemodProcess(directory: directory)
        let client = try daemon!.connect()
        #expect(try client.request("use space \"kept\"").objects.first?["created"] as? Bool == true)
        try client.sendMany(repeatElement("stats", count: 300))
        // Once the first answer is back the daemon has read the batch: it is in flight.
        #expect(try client.readResponse().lines.isEmpty == false)
        daemon!.signal(SIGTERM)
        var answered = 1
        while let answer = try? client.readResponse(), !answer.lines.isEmpty { answered += 1 }
        #expect(answered == 300, "every request received before the stop is answered")
        #expect(daemon!.waitForExit() == 0)
        #expect(!FileManager.default.fileExists(atPath: daemon!.socketPath))
        daemon = nil

        let again = try MnemodProcess(directory: directory)
        let use = try again.connect().request("use space \"kept\"")
        #expect(use.objects.first?["created"] as? Bool == false)
    }

    @Test("SIGHUP reloads limits without dropping connections")
    func reloadOnHangUp() throws {
        let daemon = try MnemodProcess(config: "max_line = 1kB\n")
        let client = try daemon.connect()
        let long = "help " + String(repeating: "x", count: 2000)
        #expect(try client.request(long).code == "TOO_LARGE")
        try daemon.rewriteConfig("max_line = 64kB\n")
        daemon.signal(SIGHUP)
        var reloaded = false
        for _ in 0..<100 where !reloaded {
            usleep(20_000)
            reloaded = daemon.log.contains("reloaded configuration")
        }
        #expect(reloaded, "\(daemon.log)")
        #expect(try client.request(long).code == "NOT_FOUND") // now parsed: no help for that topic
        #expect(try client.request("ping").isPong)
        // A broken file on reload keeps the running configuration.
        try daemon.rewriteConfig("max_line = lots\n")
        daemon.signal(SIGHUP)
        for _ in 0..<100 where !daemon.log.contains("reload failed") { usleep(20_000) }
        #expect(daemon.log.contains("daemon.conf:1: invalid value for max_line"))
        #expect(try client.request(long).code == "NOT_FOUND")
    }

    @Test("SIGHUP with a value past its type's range is refused with file:line; the daemon keeps serving")
    func reloadWithOverflowingValues() throws {
        let daemon = try MnemodProcess(config: "max_line = 1kB\n")
        let client = try daemon.connect()
        let long = "help " + String(repeating: "x", count: 2000)
        // Each of these once reached a trapping conversion (Int64(Double), Int(Double)).
        let values = ["request_timeout = 99999999999999999999d", "max_line = 8388608TB", "archive_min_age = 106751992d"]
        for (i, line) in values.enumerated() {
            try daemon.rewriteConfig("# reload \(i)\n\(line)\n")
            daemon.signal(SIGHUP)
            let key = line.prefix { $0 != " " }
            let expected = "daemon.conf:2: invalid value for \(key)"
            for _ in 0..<200 where !daemon.log.contains(expected) { usleep(20_000) }
            #expect(daemon.log.contains(expected), "\(daemon.log)")
            #expect(try client.request("ping").isPong)
        }
        #expect(daemon.process.isRunning)
        // The running configuration stayed: max_line is still 1kB.
        #expect(try client.request(long).code == "TOO_LARGE")
    }

    @Test("a second daemon on the same data directory refuses, naming the first one's pid")
    func exclusiveDataDirectory() throws {
        let first = try MnemodProcess()
        let second = try MnemodProcess(directory: first.directory, wait: false)
        let status = second.waitForExit()
        #expect(status == 75)
        #expect(second.log.contains("in use by another mnemod (pid \(first.process.processIdentifier))"))
        #expect(try first.connect().request("ping").isPong)
    }

    @Test("a stale socket file left by a crash is removed at start")
    func staleSocket() throws {
        let directory = TemporaryDirectory()
        let crashed = try MnemodProcess(directory: directory)
        crashed.signal(SIGKILL)
        _ = crashed.waitForExit()
        #expect(FileManager.default.fileExists(atPath: crashed.socketPath))
        let restarted = try MnemodProcess(directory: directory)
        #expect(try restarted.connect().request("ping").isPong)
        #expect(restarted.log.contains("removed a stale socket"))
    }

    @Test("an unknown key or a bad value stops start-up with file:line and the reason")
    func badConfiguration() throws {
        let unknown = try MnemodProcess(config: "# comment\nmax_clients = 10\nmax_clinets = 5\n", wait: false)
        #expect(unknown.waitForExit() == 78)
        #expect(unknown.log.contains("daemon.conf:3: unknown key \"max_clinets\"; did you mean max_clients?"))
        let badValue = try MnemodProcess(config: "idle_timeout = soon\n", wait: false)
        #expect(badValue.waitForExit() == 78)
        #expect(badValue.log.contains("daemon.conf:1: invalid value for idle_timeout"))
        let badUser = try MnemodProcess(config: "allow = no_such_user_here\n", wait: false)
        #expect(badUser.waitForExit() == 78)
        #expect(badUser.log.contains("unknown user \"no_such_user_here\""))
    }

    @Test("page_size sets the page size of the spaces mnemod creates, takes a restart to change, and a size SQLite cannot use stops start-up", .opensSpaceFiles)
    func pageSize() throws {
        let daemon = try MnemodProcess(config: "page_size = 16KB\n")
        #expect(try daemon.connect().request("remember \"Ann likes tea\" by ann").code == nil)
        func pageSize(_ space: String) throws -> Int {
            let header = try #require(FileManager.default.contents(atPath: daemon.dataDirectory + "/spaces/\(space).sqlite"))
            return header.count > 18 ? Int(header[16]) << 8 | Int(header[17]) : -1
        }
        #expect(try pageSize("default") == 16_384)
        // A reload cannot change it: spaces are opened with the options mnemod started with.
        try daemon.rewriteConfig("page_size = 4KB\n")
        daemon.signal(SIGHUP)
        for _ in 0..<100 where !daemon.log.contains("reloaded configuration") { usleep(20_000) }
        #expect(daemon.log.contains("need a restart were not applied: page_size"), "\(daemon.log)")
        let client = try daemon.connect()
        #expect(try client.request("use space \"later\"").code == nil)
        #expect(try client.request("remember \"Bob likes tea\" by bob").code == nil)
        #expect(try pageSize("later") == 16_384)
        let bad = try MnemodProcess(config: "page_size = 3KB\n", wait: false)
        #expect(bad.waitForExit() == 78)
        #expect(bad.log.contains("daemon.conf:1: invalid value for page_size"))
    }

    @Test("the socket file gets socket_mode")
    func socketMode() throws {
        let daemon = try MnemodProcess(config: "socket_mode = 0600\n")
        var info = stat()
        #expect(stat(daemon.socketPath, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
    }
}

@Suite("access rules, against the test's own uid")
struct AccessRuleTests {
    @Test("a uid not in 'allow' is refused at connect with DENIED")
    func connectDenied() throws {
        let daemon = try MnemodProcess(config: "allow = 54321, @54321\n")
        let client = try daemon.connectRaw()
        let answer = try client.readResponse()
        #expect(answer.code == "DENIED")
        #expect(try client.readLine() == nil)
        for _ in 0..<100 where !daemon.log.contains("denied connection") { usleep(10_000) }
        #expect(daemon.log.contains("denied connection from uid \(getuid())"))
    }

    @Test("our own uid by number or by group is allowed")
    func connectAllowed() throws {
        let daemon = try MnemodProcess(config: "allow = 54321, \(getuid())\n")
        #expect(try daemon.connect().request("ping").isPong)
        let byGroup = try MnemodProcess(config: "allow = @\(getgid())\n")
        #expect(try byGroup.connect().request("ping").isPong)
    }

    @Test("creating a space is for admins; using one needs read or write on it")
    func spaceRules() throws {
        let daemon = try MnemodProcess(
            config: """
                admin = none
                space.secret.read = none
                space.secret.write = none
                """)
        let client = try daemon.connect()
        let create = try client.request("use space \"fresh\"")
        #expect(create.code == "DENIED")
        #expect(try client.request("use space default").objects.first?["name"] as? String == "default")
        // The connection is still usable, and still in its space.
        #expect(try client.request("ping").isPong)
        let admin = try MnemodProcess(config: "space.secret.read = none\nspace.secret.write = none\n")
        let c2 = try admin.connect()
        #expect(try c2.request("use space secret").code == "DENIED")
        #expect(try c2.request("use space open").objects.first?["created"] as? Bool == true)
    }
}
