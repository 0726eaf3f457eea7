import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A fresh directory under /tmp (short, so socket paths fit), removed when released.
final class TemporaryDirectory: Sendable {
    let path: String

    init() {
        path = "/tmp/mnemo-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }
}

enum HarnessError: Error, CustomStringConvertible {
    case message(String)
    var description: String { if case .message(let m) = self { m } else { "" } }
}

/// A real `mnemod` process in a temporary directory, with its own config.
final class Daemon: @unchecked Sendable {
    let directory: TemporaryDirectory
    private(set) var process = Process()
    let socketPath: String
    let configPath: String
    let dataDirectory: String
    /// mnemod's stderr goes to a file: robust however busy the test process is.
    let logPath: String

    /// The mnemod binary: beside the test executable, or `MNEMOD` in the environment.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["MNEMOD"] { return path }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("mnemod").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir.deleteLastPathComponent()
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/mnemod").path
    }

    /// - Parameter socket: the socket's path inside `directory`.
    init(config: String = "", directory: TemporaryDirectory = TemporaryDirectory(), socket: String = "m.sock", wait: Bool = true) throws {
        self.directory = directory
        socketPath = directory.file(socket)
        configPath = directory.file("daemon.conf")
        dataDirectory = directory.file("data")
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let arguments = ["--config", configPath, "--data-dir", dataDirectory, "--socket", socketPath]
        logPath = directory.file("mnemod-\(UUID().uuidString.prefix(6)).log")
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        // Foundation's Process can fail to spawn with EBADF when other threads of the
        // test run spawn at the same moment; a fresh Process on the next try works.
        var attempt = 0
        while true {
            process.executableURL = URL(fileURLWithPath: Self.binary)
            process.arguments = arguments
            process.standardError = FileHandle(forWritingAtPath: logPath)
            process.standardOutput = FileHandle.nullDevice
            do {
                try process.run()
                break
            } catch {
                attempt += 1
                if attempt >= 5 { throw error }
                process = Process()
                usleep(50_000)
            }
        }
        if wait { try waitUntilServing() }
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// What the daemon wrote to stderr so far.
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func waitUntilServing(timeout: Double = 20) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if !process.isRunning { throw HarnessError.message("mnemod exited with \(process.terminationStatus): \(log)") }
            if let client = try? Client(socketPath), (try? client.request("ping")) != nil { return }
            usleep(20_000)
        }
        throw HarnessError.message("mnemod did not answer within \(timeout)s: \(log)")
    }

    func connect() throws -> Client { try Client(socketPath) }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the process to exit; its status, or nil on timeout.
    func waitForExit(timeout: Double = 20) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    func rewriteConfig(_ text: String) throws { try text.write(toFile: configPath, atomically: true, encoding: .utf8) }
}

/// A blocking protocol client on a raw socket, for tests.
final class Client: @unchecked Sendable {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(_ path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            // No close here: the instance is whole, so throwing runs `deinit`,
            // which closes it. Closing twice closed whatever descriptor another
            // test's thread had opened under the same number in between (its
            // next send failed with EBADF, about one full run in six).
            throw HarnessError.message("connect \(path): \(String(cString: strerror(errno)))")
        }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw HarnessError.message("send: \(String(cString: strerror(errno)))") }
            offset += n
        }
    }

    /// The next line, without its newline; nil at end of stream.
    func readLine() throws -> String? {
        while true {
            if let newline = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = recv(fd, &chunk, chunk.count, 0)
            if n == 0 { return nil }
            guard n > 0 else { throw HarnessError.message("recv: \(String(cString: strerror(errno)))") }
            buffer += chunk[..<n]
        }
    }

    /// One answer: the header line and, for `OK n`, its n lines.
    func readAnswer() throws -> Answer {
        guard let header = try readLine() else { throw HarnessError.message("connection closed") }
        if header.hasPrefix("OK ") {
            guard let n = Int(header.dropFirst(3)) else { throw HarnessError.message("bad header \(header)") }
            var lines: [String] = []
            for _ in 0..<n {
                guard let line = try readLine() else { throw HarnessError.message("closed inside an answer") }
                lines.append(line)
            }
            return .ok(lines)
        }
        if header.hasPrefix("ERR ") {
            let rest = header.dropFirst(4)
            let code = rest.prefix { $0 != " " }
            return .error(code: String(code), message: String(rest.dropFirst(code.count + 1)))
        }
        throw HarnessError.message("unexpected line \(header)")
    }

    func request(_ statement: String) throws -> Answer {
        try send(statement + "\n")
        return try readAnswer()
    }
}

enum Answer: Equatable {
    case ok([String])
    case error(code: String, message: String)

    var code: String? { if case .error(let code, _) = self { code } else { nil } }
    var lines: [String] { if case .ok(let lines) = self { lines } else { [] } }
    var isPong: Bool { self == .ok(["{\"kind\":\"pong\"}"]) }

    /// The decoded JSON objects of an OK answer.
    var objects: [[String: Any]] {
        lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }
}

