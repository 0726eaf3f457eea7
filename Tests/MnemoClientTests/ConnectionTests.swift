import Foundation
import Testing

@testable import MnemoClient

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// MnemoConnection against the in-test fake daemon.
@Suite struct ConnectionTests {
    @Test func requestAnswersOKAndErr() throws {
        let server = try FakeServer()
        defer { server.stop() }
        let connection = try MnemoConnection(socketPath: server.path, readTimeout: 5)
        #expect(try connection.request("ping") == .ok(["{\"kind\":\"pong\"}"]))
        let stats = try connection.request("stats")
        #expect(stats.lines.count == 3)
        #expect(stats.lines.allSatisfy { $0.contains("\"kind\":\"stat\"") })
        let error = try connection.request("nonsense here")
        #expect(error == .error(code: "SYNTAX", message: "1:1 unknown statement 'nonsense'"))
        #expect(error.headerLine == "ERR SYNTAX 1:1 unknown statement 'nonsense'")
        #expect(!error.isOK && error.lines.isEmpty)
        // The connection stays usable after an ERR, and an empty line answers OK 0.
        #expect(try connection.request("") == .ok([]))
        #expect(try connection.request("ping").isOK)
        #expect(connection.pendingResponses == 0)
    }

    @Test func pipelinedAnswersComeBackInOrder() throws {
        let server = try FakeServer()
        defer { server.stop() }
        let connection = try MnemoConnection(socketPath: server.path, readTimeout: 5)
        let statements = ["ping", "remember one", "bogus", "rows 3", "use space \"agent-7\"", "remember two"]
        try connection.sendMany(statements)
        #expect(connection.pendingResponses == statements.count)
        var answers: [Response] = []
        for _ in statements { answers.append(try connection.readResponse()) }
        #expect(connection.pendingResponses == 0)
        #expect(answers[0] == .ok(["{\"kind\":\"pong\"}"]))
        #expect(answers[1] == .ok(["{\"kind\":\"episode\",\"id\":\"e:1\",\"text\":\"one\"}"]))
        #expect(answers[2] == .error(code: "SYNTAX", message: "1:1 unknown statement 'bogus'"))
        #expect(answers[3].lines.count == 3 && answers[3].lines[2].contains("\"id\":\"x:2\""))
        #expect(StatementInfo.spaceName(in: answers[4]) == "agent-7")
        #expect(answers[5] == .ok(["{\"kind\":\"episode\",\"id\":\"e:2\",\"text\":\"two\"}"]))
        // All six went out in one write, so the server read several lines at once.
        #expect(server.largestBurst > 1)
    }

    /// ~1 MB of requests whose answers total ~7 MB: more than the socket
    /// buffers hold either way. A client that wrote everything before reading
    /// would deadlock with a daemon blocked on writing its answers.
    @Test func largePipelineDoesNotDeadlock() throws {
        let server = try FakeServer()
        defer { server.stop() }
        let connection = try MnemoConnection(socketPath: server.path, readTimeout: 5)
        let padding = String(repeating: "p", count: 2000)
        let statements = (0..<500).map { _ in "rows 50 -- \(padding)" }
        try connection.sendMany(statements)
        var rows = 0
        for _ in statements {
            let answer = try connection.readResponse()
            rows += answer.lines.count
        }
        #expect(rows == 500 * 50)
        #expect(try connection.request("ping").isOK)
    }

    @Test func sendRejectsAStatementWithANewline() throws {
        let server = try FakeServer()
        defer { server.stop() }
        let connection = try MnemoConnection(socketPath: server.path, readTimeout: 5)
        #expect(throws: MnemoClientError.multiLineStatement("ping\nping")) {
            try connection.sendMany(["ping", "ping\nping"])
        }
        #expect(connection.pendingResponses == 0)
        #expect(try connection.request("ping").isOK)
        #expect(server.received == ["ping"])
    }

    @Test func missingSocketSaysNoDaemonIsRunning() throws {
        let directory = try TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        let path = directory + "/absent.sock"
        do {
            _ = try MnemoConnection(socketPath: path)
            Issue.record("connected to a socket that does not exist")
        } catch {
            #expect(error == .noDaemon(path: path))
            #expect(error.isConnectFailure)
            #expect(error.description.contains("no daemon seems to be running (no socket at \(path))"))
            #expect(error.description.contains("scripts/start.sh"))
        }
    }

    @Test func staleSocketSaysTheDaemonMayHaveCrashed() throws {
        let directory = try TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        let path = directory + "/stale.sock"
        // Bound, never listened on, closed: the file stays, nothing accepts.
        close(try Sockets.bound(at: path))
        #expect(FileManager.default.fileExists(atPath: path))
        do {
            _ = try MnemoConnection(socketPath: path)
            Issue.record("connected to a stale socket")
        } catch {
            #expect(error == .staleSocket(path: path))
            #expect(error.description.contains("a socket file exists at \(path) but nothing accepts on it"))
            #expect(error.description.contains("stale socket"))
        }
    }

    @Test func aRegularFileIsNotASocket() throws {
        let directory = try TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        let path = directory + "/plain"
        try Data("x".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: MnemoClientError.notASocket(path: path)) {
            _ = try MnemoConnection(socketPath: path)
        }
    }

    @Test func tooLongAPathIsRefusedBeforeConnecting() {
        let path = "/tmp/" + String(repeating: "d", count: 200) + "/s.sock"
        do {
            _ = try MnemoConnection(socketPath: path)
            Issue.record("a 200-byte socket path was accepted")
        } catch {
            guard case .socketPathTooLong(let tried, let limit) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(tried == path && limit >= 103)
        }
    }

    /// EACCES as the connect result, described from the socket's real owner and mode.
    @Test func permissionDeniedNamesTheUserAndTheSocketMode() throws {
        let server = try FakeServer()
        defer { server.stop() }
        chmod(server.path, 0o600)
        let error = MnemoConnection.describeConnectFailure(path: server.path, errno: EACCES)
        guard case .permissionDenied(let path, let user, let uid, let detail) = error else {
            Issue.record("EACCES gave \(error)")
            return
        }
        #expect(path == server.path)
        #expect(uid == UInt32(getuid()))
        #expect(user == POSIX.userName(getuid()))
        #expect(detail.contains("mode 0600"))
        #expect(error.description.contains("permission denied for user \(user) (uid \(uid))"))
    }

    /// The real EACCES path; root may connect to any socket, so only as another user.
    @Test(.enabled(if: getuid() != 0, "root is not refused by file permissions"))
    func permissionDeniedForReal() throws {
        let server = try FakeServer()
        defer { server.stop() }
        chmod(server.path, 0)
        #expect(throws: (any Error).self) { _ = try MnemoConnection(socketPath: server.path) }
        do {
            _ = try MnemoConnection(socketPath: server.path)
        } catch {
            guard case .permissionDenied = error else {
                Issue.record("expected permissionDenied, got \(error)")
                return
            }
        }
    }

    @Test func daemonClosingTheConnectionIsReported() throws {
        let server = try FakeServer()
        defer { server.stop() }
        let connection = try MnemoConnection(socketPath: server.path, readTimeout: 5)
        #expect(throws: MnemoClientError.connectionClosed(path: server.path)) {
            _ = try connection.request("close")
        }
    }

    @Test func readTimeoutExpires() throws {
        let server = try FakeServer()
        defer { server.stop() }
        let connection = try MnemoConnection(socketPath: server.path, readTimeout: 0.2)
        let started = Date()
        #expect(throws: MnemoClientError.timedOut(path: server.path, seconds: 0.2)) {
            _ = try connection.request("hang")
        }
        #expect(Date().timeIntervalSince(started) < 2)
    }

    @Test func somethingThatIsNotAnAnswerIsAProtocolViolation() throws {
        let server = try FakeServer()
        defer { server.stop() }
        let connection = try MnemoConnection(socketPath: server.path, readTimeout: 5)
        #expect(throws: MnemoClientError.protocolViolation(path: server.path, line: "HELLO")) {
            _ = try connection.request("garbage")
        }
    }

    @Test func closedConnectionRefusesToSend() throws {
        let server = try FakeServer()
        defer { server.stop() }
        let connection = try MnemoConnection(socketPath: server.path, readTimeout: 5)
        connection.close()
        #expect(connection.isClosed)
        #expect(throws: MnemoClientError.closed(path: server.path)) { try connection.send("ping") }
    }

    @Test func responseHeaders() {
        #expect(Response.parseHeader("OK 0") == .ok(count: 0))
        #expect(Response.parseHeader("OK 12") == .ok(count: 12))
        #expect(Response.parseHeader("OK -1") == nil)
        #expect(Response.parseHeader("OK x") == nil)
        #expect(Response.parseHeader("ERR BUSY too many clients") == .error(code: "BUSY", message: "too many clients"))
        #expect(Response.parseHeader("ERR INTERNAL") == .error(code: "INTERNAL", message: ""))
        #expect(Response.parseHeader("ERR ") == nil)
        #expect(Response.parseHeader("{\"kind\":\"pong\"}") == nil)
    }
}

/// The buffered reader on a pipe: lines split across reads, \r\n, a last
/// line without newline, and lines longer than the initial buffer.
@Suite struct BufferedLineReaderTests {
    @Test func readsLinesAcrossChunks() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let long = String(repeating: "é", count: 50_000) // 100 KB: beyond the 16-byte start
        let text = "first\r\nsecond\n\n\(long)\nlast"
        let writer = fds[1]
        let thread = Thread {
            let bytes = Array(text.utf8)
            var offset = 0
            while offset < bytes.count { // small writes: lines arrive in pieces
                let count = min(7, bytes.count - offset)
                _ = bytes.withUnsafeBytes { write(writer, $0.baseAddress! + offset, count) }
                offset += count
                if offset < 64 { usleep(200) }
            }
            close(writer)
        }
        thread.start()
        let reader = BufferedLineReader(fileDescriptor: fds[0], initialCapacity: 16)
        #expect(try reader.readLine() == "first")
        #expect(try reader.readLine() == "second")
        #expect(try reader.readLine() == "")
        #expect(try reader.readLine() == long)
        #expect(try reader.readLine(requireNewline: true) == nil) // "last" has no newline
        #expect(try reader.readLine() == "last")
        #expect(try reader.readLine() == nil)
        #expect(reader.reachedEnd)
    }
}
