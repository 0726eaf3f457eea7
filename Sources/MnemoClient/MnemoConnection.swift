#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A client connection to `mnemod` over its Unix socket, speaking the line
/// protocol of docs/protocol.md: one statement per line out, one answer
/// (`OK <n>` + n JSON lines, or `ERR <CODE> <message>`) per line back, in order.
///
/// Blocking I/O. One-at-a-time use is `request(_:)`; pipelined use is
/// `send(_:)` / `sendMany(_:)` any number of times, then `readResponse()` once
/// per statement sent. Writing never deadlocks against a daemon that is
/// blocked writing answers: while a write would block, the answers that
/// arrive are read into the buffer.
///
/// Not thread-safe: use one connection per thread.
public final class MnemoConnection {
    /// The socket path given to `init`.
    public let socketPath: String
    private var descriptor: Int32
    private let reader: BufferedLineReader
    private let readTimeout: Double?
    /// Statements sent whose answers have not been read yet.
    public private(set) var pendingResponses = 0

    /// Connects to the daemon's socket.
    /// - Parameter readTimeout: seconds to wait for data from the daemon
    ///   before `readResponse` throws `MnemoClientError.timedOut`; nil waits
    ///   forever. After a timeout the answer may be half read: close the connection.
    /// - Throws: `MnemoClientError` (`noDaemon`, `staleSocket`, `permissionDenied`, ...).
    public init(socketPath: String, readTimeout: Double? = nil) throws(MnemoClientError) {
        self.socketPath = socketPath
        self.readTimeout = readTimeout
        let fd = try Self.connect(to: socketPath)
        if let readTimeout, readTimeout > 0 {
            var value = timeval()
            value.tv_sec = .init(readTimeout.rounded(.down))
            value.tv_usec = .init(((readTimeout - readTimeout.rounded(.down)) * 1_000_000).rounded())
            _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
        }
        self.descriptor = fd
        self.reader = BufferedLineReader(fileDescriptor: fd)
    }

    deinit {
        if descriptor >= 0 { _ = systemClose(descriptor) }
    }

    /// Whether `close()` has been called.
    public var isClosed: Bool { descriptor < 0 }

    /// Whether the daemon spoke or hung up while nothing was asked: with no
    /// answer pending, the socket is readable (or something is buffered)
    /// only when the daemon closed the connection — after `ERR TIMEOUT` for
    /// one idle past `idle_timeout`, or because it stopped. A client that
    /// keeps a connection for long (`mnemo mcp`) asks this before reusing it,
    /// and connects again when it is true, so that the unasked line is never
    /// taken for the answer to its next statement. Does not block.
    public var hasEndedUnasked: Bool {
        guard descriptor >= 0 else { return true }
        guard pendingResponses == 0 else { return false }
        if reader.bufferedByteCount > 0 || reader.reachedEnd { return true }
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        var ready: Int32
        repeat { ready = poll(&poller, 1, 0) } while ready < 0 && errno == EINTR
        return ready > 0
    }

    /// Closes the socket. Further calls throw `MnemoClientError.closed`.
    public func close() {
        guard descriptor >= 0 else { return }
        _ = systemClose(descriptor)
        descriptor = -1
    }

    // MARK: Requests

    /// Sends one statement and reads its answer. Must not be called while
    /// answers to pipelined statements are still unread.
    public func request(_ statement: String) throws(MnemoClientError) -> Response {
        precondition(
            pendingResponses == 0,
            "MnemoConnection.request with \(pendingResponses) pipelined answers unread; read them with readResponse() first")
        try send(statement)
        return try readResponse()
    }

    /// Sends one statement without waiting for its answer (read it later with `readResponse`).
    public func send(_ statement: String) throws(MnemoClientError) {
        try sendMany(CollectionOfOne(statement))
    }

    /// Sends statements in one write (pipelining); read their answers, in the
    /// same order, with `readResponse()` once per statement.
    /// - Throws: `multiLineStatement` (before anything is sent) if one holds a newline.
    public func sendMany<Statements: Collection>(_ statements: Statements) throws(MnemoClientError)
    where Statements.Element == String {
        guard descriptor >= 0 else { throw .closed(path: socketPath) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(statements.reduce(0) { $0 + $1.utf8.count + 1 })
        for statement in statements {
            if statement.utf8.contains(0x0A) { throw .multiLineStatement(statement) }
            bytes.append(contentsOf: statement.utf8)
            bytes.append(0x0A)
        }
        guard !bytes.isEmpty else { return }
        try writeAll(bytes)
        pendingResponses += statements.count
    }

    /// Reads the next answer. When nothing was sent this blocks until the
    /// daemon says something (e.g. `ERR BUSY` or `ERR TIMEOUT` before a close).
    public func readResponse() throws(MnemoClientError) -> Response {
        let header = try readProtocolLine()
        guard let parsed = Response.parseHeader(header) else {
            throw .protocolViolation(path: socketPath, line: header)
        }
        let response: Response
        switch parsed {
        case .error(let code, let message):
            response = .error(code: code, message: message)
        case .ok(let count):
            var lines: [String] = []
            lines.reserveCapacity(count)
            for _ in 0..<count {
                lines.append(try readProtocolLine())
            }
            response = .ok(lines)
        }
        if pendingResponses > 0 { pendingResponses -= 1 }
        return response
    }

    // MARK: I/O

    private func readProtocolLine() throws(MnemoClientError) -> String {
        guard descriptor >= 0 else { throw .closed(path: socketPath) }
        let line: String?
        do {
            line = try reader.readLine(requireNewline: true)
        } catch {
            throw mapReadError(error)
        }
        guard let line else { throw .connectionClosed(path: socketPath) }
        return line
    }

    private func mapReadError(_ error: BufferedLineReader.ReadError) -> MnemoClientError {
        guard case .failed(let code) = error else { return .connectionClosed(path: socketPath) }
        switch code {
        case EAGAIN, EWOULDBLOCK:
            return .timedOut(path: socketPath, seconds: readTimeout ?? 0)
        case ECONNRESET, EPIPE:
            return .connectionClosed(path: socketPath)
        default:
            return .ioFailed(path: socketPath, operation: "reading", errno: code)
        }
    }

    /// Writes everything; while the socket is not writable, reads whatever the
    /// daemon answers into the line buffer, so a daemon blocked on writing its
    /// answers can go on reading our requests.
    private func writeAll(_ bytes: [UInt8]) throws(MnemoClientError) {
        var offset = 0
        let total = bytes.count
        while offset < total {
            let written = bytes.withUnsafeBytes { raw in
                systemSend(descriptor, raw.baseAddress! + offset, total - offset, POSIX.noSignal | Int32(MSG_DONTWAIT))
            }
            if written > 0 {
                offset += written
                continue
            }
            let code = errno
            if written < 0 && code == EINTR { continue }
            guard written < 0 && (code == EAGAIN || code == EWOULDBLOCK) else {
                if code == EPIPE || code == ECONNRESET { throw .connectionClosed(path: socketPath) }
                throw .ioFailed(path: socketPath, operation: "writing", errno: code)
            }
            // Once the daemon's side reached end of file, POLLIN would stay
            // set: wait for writability alone (the write then fails with EPIPE).
            let events = reader.reachedEnd ? Int16(POLLOUT) : Int16(POLLOUT | POLLIN)
            var poller = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = poll(&poller, 1, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                throw .ioFailed(path: socketPath, operation: "waiting to write", errno: errno)
            }
            if poller.revents & Int16(POLLIN) != 0 && !reader.reachedEnd {
                do {
                    try reader.fill()
                } catch {
                    throw mapReadError(error)
                }
            }
        }
    }

    // MARK: Connecting

    /// A connected stream socket to `path` (close-on-exec; no SIGPIPE on
    /// Darwin), or the error that best says why there is none. `package`: the
    /// test support's raw connection opens its socket the same way.
    package static func connect(to path: String) throws(MnemoClientError) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        let limit = MemoryLayout.size(ofValue: address.sun_path) - 1
        guard !pathBytes.isEmpty else { throw .noDaemon(path: path) }
        guard pathBytes.count <= limit else { throw .socketPathTooLong(path: path, limit: limit) }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }

        let fd = socket(AF_UNIX, POSIX.streamSocket, 0)
        guard fd >= 0 else { throw .connectFailed(path: path, errno: errno) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        #if canImport(Darwin)
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif

        var result: Int32
        repeat {
            result = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    systemConnect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
        } while result < 0 && errno == EINTR
        if result == 0 { return fd }

        let code = errno
        _ = systemClose(fd)
        throw describeConnectFailure(path: path, errno: code)
    }

    /// Turns a failed connect into the error that best says what is going on.
    static func describeConnectFailure(path: String, errno code: Int32) -> MnemoClientError {
        var info = stat()
        let exists = lstat(path, &info) == 0
        let isSocket = exists && (info.st_mode & S_IFMT) == S_IFSOCK
        switch code {
        case ENOENT:
            return .noDaemon(path: path)
        case ECONNREFUSED, ENOTSOCK:
            if exists && !isSocket { return .notASocket(path: path) }
            return exists ? .staleSocket(path: path) : .noDaemon(path: path)
        case EACCES, EPERM:
            let uid = getuid()
            var detail = ""
            if exists {
                let mode = String(info.st_mode & 0o7777, radix: 8)
                let padded = String(repeating: "0", count: max(0, 4 - mode.count)) + mode
                detail =
                    "the socket belongs to \(POSIX.userName(info.st_uid)):\(POSIX.groupName(info.st_gid)) "
                    + "with mode \(padded)"
            } else {
                detail = "a directory on the way to the socket is not accessible"
            }
            return .permissionDenied(path: path, user: POSIX.userName(uid), uid: UInt32(uid), detail: detail)
        default:
            if exists && !isSocket { return .notASocket(path: path) }
            return .connectFailed(path: path, errno: code)
        }
    }
}

// The module-qualified C functions, so the methods named `close`/`connect`/`send`
// above do not shadow them.
@inline(__always)
private func systemClose(_ fd: Int32) -> Int32 {
    #if canImport(Glibc)
    return Glibc.close(fd)
    #elseif canImport(Musl)
    return Musl.close(fd)
    #else
    return Darwin.close(fd)
    #endif
}

@inline(__always)
private func systemConnect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    #if canImport(Glibc)
    return Glibc.connect(fd, address, length)
    #elseif canImport(Musl)
    return Musl.connect(fd, address, length)
    #else
    return Darwin.connect(fd, address, length)
    #endif
}

@inline(__always)
private func systemSend(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int, _ flags: Int32) -> Int {
    #if canImport(Glibc)
    return Glibc.send(fd, bytes, count, flags)
    #elseif canImport(Musl)
    return Musl.send(fd, bytes, count, flags)
    #else
    return Darwin.send(fd, bytes, count, flags)
    #endif
}
