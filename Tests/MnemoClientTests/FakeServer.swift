import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A stand-in for mnemod: accepts on a Unix socket in a fresh temporary
/// directory, one thread per connection, and answers a few statements the way
/// docs/protocol.md says:
/// - `ping` → `OK 1` `{"kind":"pong"}`; `stats` → three stat lines;
/// - `use space "x"` / `use x` → a space line (`use forbidden` → `ERR DENIED`);
/// - `remember ...` → an episode with the next `e:N` id;
/// - `rows N` → N item lines of about 300 bytes (for pipelining volume);
/// - blank or `--` comment → `OK 0`;
/// - `hang` → no answer; `close` → closes the connection; `garbage` → `HELLO`;
/// - anything else → `ERR SYNTAX 1:1 unknown statement '<word>'`.
/// Every request line is recorded (trimmed), and the largest number of
/// complete lines that one `read` delivered (evidence of pipelining).
final class FakeServer: @unchecked Sendable {
    let directory: String
    let path: String
    private let listener: Int32
    private let lock = NSLock()
    private var receivedLines: [String] = []
    private var maxLinesInOneRead = 0
    private var episodeCounter = 0
    private var clients: [Int32] = []
    private var stopped = false

    init() throws {
        directory = try TemporaryDirectory.make()
        path = directory + "/s.sock"
        listener = try Sockets.listening(at: path)
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    var received: [String] { lock.withLock { receivedLines } }
    var largestBurst: Int { lock.withLock { maxLinesInOneRead } }

    /// Stops accepting and ends the open connections. Descriptors are closed
    /// only by the threads that use them (never here), so that a number
    /// reused by another test's socket is never shut down or accepted on.
    func stop() {
        lock.withLock {
            stopped = true
            shutdown(listener, Int32(SHUT_RDWR)) // wakes accept, which then closes it
            for fd in clients { shutdown(fd, Int32(SHUT_RDWR)) }
        }
        TemporaryDirectory.remove(directory)
    }

    private func acceptLoop() {
        defer { close(listener) }
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                return
            }
            let accepted = lock.withLock {
                if stopped { return false }
                clients.append(fd)
                return true
            }
            guard accepted else {
                close(fd)
                return
            }
            Thread { [self] in serve(fd) }.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer {
            lock.withLock { clients.removeAll { $0 == fd } }
            close(fd)
        }
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = read(fd, &chunk, chunk.count)
            if count <= 0 { return }
            pending.append(contentsOf: chunk[0..<count])
            var lines: [String] = []
            var start = 0
            while let newline = pending[start...].firstIndex(of: 0x0A) {
                lines.append(String(decoding: pending[start..<newline], as: UTF8.self))
                start = newline + 1
            }
            pending.removeFirst(start)
            if lines.isEmpty { continue }
            lock.withLock { maxLinesInOneRead = max(maxLinesInOneRead, lines.count) }
            for line in lines {
                guard let answer = answer(line) else { return }
                if !Sockets.writeAll(fd, answer) { return }
            }
        }
    }

    /// The answer to one request line; nil closes the connection.
    private func answer(_ rawLine: String) -> String? {
        var line = rawLine
        if line.hasSuffix("\r") { line.removeLast() }
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        lock.withLock { receivedLines.append(trimmed) }
        if trimmed.isEmpty || trimmed.hasPrefix("--") { return "OK 0\n" }
        let words = trimmed.split(separator: " ", maxSplits: 1)
        let keyword = words[0].lowercased()
        let rest = words.count > 1 ? String(words[1]) : ""
        switch keyword {
        case "ping":
            return "OK 1\n{\"kind\":\"pong\"}\n"
        case "stats":
            return "OK 3\n"
                + "{\"kind\":\"stat\",\"name\":\"uptime_s\",\"value\":12}\n"
                + "{\"kind\":\"stat\",\"name\":\"connections\",\"value\":1}\n"
                + "{\"kind\":\"stat\",\"name\":\"requests\",\"value\":40}\n"
        case "use":
            var name = rest.trimmingCharacters(in: .whitespaces)
            if name.lowercased().hasPrefix("space ") {
                name = String(name.dropFirst(6)).trimmingCharacters(in: .whitespaces)
            }
            if name.hasPrefix("\"") && name.hasSuffix("\"") && name.count >= 2 {
                name = String(name.dropFirst().dropLast())
            }
            if name == "forbidden" { return "ERR DENIED this peer may not use space forbidden\n" }
            return "OK 1\n{\"kind\":\"space\",\"name\":\"\(name)\",\"created\":false}\n"
        case "remember":
            let id = lock.withLock {
                episodeCounter += 1
                return episodeCounter
            }
            let text = rest.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "OK 1\n{\"kind\":\"episode\",\"id\":\"e:\(id)\",\"text\":\"\(text)\"}\n"
        case "rows":
            let count = Int(rest.split(separator: " ").first ?? "0") ?? 0
            var text = "OK \(count)\n"
            let padding = String(repeating: "x", count: 280)
            for index in 0..<count {
                text += "{\"kind\":\"item\",\"id\":\"x:\(index)\",\"text\":\"\(padding)\"}\n"
            }
            return text
        case "hang":
            return ""
        case "close":
            return nil
        case "garbage":
            return "HELLO\n"
        default:
            return "ERR SYNTAX 1:1 unknown statement '\(words[0])'\n"
        }
    }
}

enum Sockets {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func address(_ path: String) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        precondition(bytes.count < MemoryLayout.size(ofValue: address.sun_path))
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return address
    }

    /// A bound socket at `path`, listening unless `listening` is false.
    static func bound(at path: String) throws -> Int32 {
        #if canImport(Glibc)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        var address = address(path)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            close(fd)
            throw Failure(description: "bind \(path): \(String(cString: strerror(errno)))")
        }
        return fd
    }

    static func listening(at path: String) throws -> Int32 {
        let fd = try bound(at: path)
        guard listen(fd, 64) == 0 else {
            close(fd)
            throw Failure(description: "listen: \(errno)")
        }
        return fd
    }

    static func writeAll(_ fd: Int32, _ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes {
                send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }
}

enum TemporaryDirectory {
    /// A new directory with a short path (Unix socket paths are limited to 107 bytes).
    static func make() throws -> String {
        var template = Array("/tmp/mnemo-client-XXXXXX".utf8CString)
        guard let result = mkdtemp(&template) else {
            throw Sockets.Failure(description: "mkdtemp: \(errno)")
        }
        return String(cString: result)
    }

    static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}
