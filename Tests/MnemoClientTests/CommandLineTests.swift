import Foundation
import MnemoClient
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `mnemo` executable, run as a subprocess against the fake daemon.
@Suite struct CommandLineTests {
    @Test func oneShotPrintsATableAndExitsZero() throws {
        let server = try FakeServer()
        defer { server.stop() }
        let result = try Subprocess.runMnemo(["--socket", server.path, "-c", "ping"])
        #expect(result.status == 0)
        #expect(result.stdout == "[pong]\n(1 row)\n")
        #expect(result.stderr == "")
    }

    @Test func oneShotErrorGoesToStderrWithStatusOne() throws {
        let server = try FakeServer()
        defer { server.stop() }
        let result = try Subprocess.runMnemo(["--socket", server.path, "-c", "nonsense"])
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr == "ERR SYNTAX 1:1 unknown statement 'nonsense'\n")
    }

    @Test func socketComesFromTheEnvironment() throws {
        let server = try FakeServer()
        defer { server.stop() }
        let result = try Subprocess.runMnemo(["--json", "-c", "stats"], environment: ["MNEMO_SOCKET": server.path])
        #expect(result.status == 0)
        #expect(result.stdout.split(separator: "\n").count == 3)
        #expect(server.received == ["stats"])
    }

    @Test func batchStopsAtTheFirstError() throws {
        let server = try FakeServer()
        defer { server.stop() }
        let script = "ping\nremember one\nbogus statement\nremember two\nping\n"
        let result = try Subprocess.runMnemo(["--socket", server.path, "--json"], input: script)
        #expect(result.status == 1)
        #expect(result.stdout == "{\"kind\":\"pong\"}\n{\"kind\":\"episode\",\"id\":\"e:1\",\"text\":\"one\"}\n")
        #expect(result.stderr.hasPrefix("ERR SYNTAX 1:1 unknown statement 'bogus'\n"))
        #expect(result.stderr.contains("at stdin:3: bogus statement"))
        // Nothing that changes state was sent after the failing statement.
        #expect(!server.received.contains("remember two"))
        #expect(server.received.prefix(3) == ["ping", "remember one", "bogus statement"])
    }

    @Test func keepGoingRunsEverythingAndStillExitsOne() throws {
        let server = try FakeServer()
        defer { server.stop() }
        let script = "ping\nremember one\nbogus statement\nremember two\nping\n"
        let result = try Subprocess.runMnemo(["--socket", server.path, "--json", "--keep-going"], input: script)
        #expect(result.status == 1)
        #expect(
            result.stdout == """
                {"kind":"pong"}
                {"kind":"episode","id":"e:1","text":"one"}
                {"kind":"episode","id":"e:2","text":"two"}
                {"kind":"pong"}

                """)
        #expect(result.stderr.hasPrefix("ERR SYNTAX 1:1 unknown statement 'bogus'\n"))
        #expect(server.received == ["ping", "remember one", "bogus statement", "remember two", "ping"])
    }

    @Test func batchWithoutErrorsExitsZeroAndPrintsTables() throws {
        let server = try FakeServer()
        defer { server.stop() }
        let script = """
            -- a comment, then a blank line

            use \\
                space "agent-7"
            stats
            """
        let result = try Subprocess.runMnemo(["--socket", server.path], input: script)
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(server.received == ["use space \"agent-7\"", "stats"])
        #expect(result.stdout.contains("[space]\nname     created\n-------  -------\nagent-7  false\n(1 row)\n\n"))
        #expect(result.stdout.contains("uptime_s     12\n"))
        #expect(result.stdout.hasSuffix("(3 rows)\n\n"))
    }

    /// Read-only statements travel together; statements that change state wait
    /// for the answers before them (so a stop at an ERR is exact).
    @Test func batchPipelinesReadsAndSerialisesWrites() throws {
        let reads = try FakeServer()
        defer { reads.stop() }
        let many = String(repeating: "ping\n", count: 300)
        let readResult = try Subprocess.runMnemo(["--socket", reads.path, "--json"], input: many)
        #expect(readResult.status == 0)
        #expect(readResult.stdout == String(repeating: "{\"kind\":\"pong\"}\n", count: 300))
        #expect(reads.largestBurst > 1)

        let writes = try FakeServer()
        defer { writes.stop() }
        let script = (1...40).map { "remember \($0)" }.joined(separator: "\n")
        let writeResult = try Subprocess.runMnemo(["--socket", writes.path, "--json"], input: script)
        #expect(writeResult.status == 0)
        #expect(writeResult.stdout.split(separator: "\n").count == 40)
        #expect(writes.largestBurst == 1)
    }

    @Test func statementFileArgument() throws {
        let server = try FakeServer()
        defer { server.stop() }
        let file = server.directory + "/tour.mq"
        try Data("ping\r\nnope\n".utf8).write(to: URL(fileURLWithPath: file))
        let result = try Subprocess.runMnemo(["--socket", server.path, file, "--keep-going"])
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("[pong]\n(1 row)\n"))
        #expect(result.stderr.contains("ERR SYNTAX 1:1 unknown statement 'nope'\n  at \(file):2: nope"))

        let missing = try Subprocess.runMnemo(["--socket", server.path, server.directory + "/absent.mq"])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("cannot read"))
    }

    @Test func unreachableDaemonExitsSixtyNine() throws {
        let directory = try TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        let absent = try Subprocess.runMnemo(["--socket", directory + "/none.sock", "-c", "ping"])
        #expect(absent.status == 69)
        #expect(absent.stderr.contains("no daemon seems to be running (no socket at \(directory)/none.sock)"))

        close(try Sockets.bound(at: directory + "/stale.sock"))
        let stale = try Subprocess.runMnemo(["--socket", directory + "/stale.sock"], input: "ping\n")
        #expect(stale.status == 69)
        #expect(stale.stderr.contains("nothing accepts on it: the daemon may have crashed (a stale socket)"))

        // The default path is ./var/mnemo.sock (relative to the working directory).
        let fallback = try Subprocess.runMnemo(["-c", "ping"])
        #expect(fallback.status == 69)
        #expect(fallback.stderr.contains("./var/mnemo.sock"))
    }

    @Test func connectionLostMidBatchExitsSixtyNine() throws {
        let server = try FakeServer()
        defer { server.stop() }
        let result = try Subprocess.runMnemo(["--socket", server.path], input: "ping\nclose\nping\n")
        #expect(result.status == 69)
        #expect(result.stderr.contains("the daemon closed the connection"))
    }

    @Test func versionStillWorks() throws {
        let result = try Subprocess.runMnemo(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("mnemo 0.1 (schema version "))
    }
}
