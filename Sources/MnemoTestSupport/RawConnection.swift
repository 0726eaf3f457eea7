import MnemoClient

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A blocking Unix-socket connection below the protocol, for what
/// `MnemoConnection` will not do, on purpose: send bytes that are not UTF-8
/// or not a whole line, pipeline without reading a single answer (a client
/// that never reads: `MnemoConnection` reads answers while its writes wait),
/// shut one direction, see the end of the stream; and for benchmarks that
/// drive the socket themselves (`fileDescriptor`), another server's included.
///
/// Sending on one thread while another reads is safe: the two share nothing
/// but the descriptor. Two threads must not read, nor two send, at once.
public final class RawConnection: @unchecked Sendable {
    public let socketPath: String
    /// The socket, closed when the connection is released.
    public let fileDescriptor: Int32
    private let reader: BufferedLineReader
    private let receiveTimeout: Double?

    /// Connects to the socket at `socketPath`.
    /// - Parameter receiveTimeout: seconds a read may wait before it throws
    ///   `MnemoClientError.timedOut` (nil: no limit).
    public init(socketPath: String, receiveTimeout: Double? = 20) throws(MnemoClientError) {
        self.socketPath = socketPath
        self.receiveTimeout = receiveTimeout
        fileDescriptor = try MnemoConnection.connect(to: socketPath)
        reader = BufferedLineReader(fileDescriptor: fileDescriptor)
        if let receiveTimeout {
            var value = timeval()
            value.tv_sec = .init(receiveTimeout.rounded(.down))
            value.tv_usec = .init(((receiveTimeout - receiveTimeout.rounded(.down)) * 1_000_000).rounded())
            setsockopt(fileDescriptor, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
        }
    }

    deinit { close(fileDescriptor) }

    // MARK: Sending

    /// Sends `text` as it is: no newline is added, none is refused.
    public func send(_ text: String) throws(MnemoClientError) { try send(Array(text.utf8)) }

    /// Sends every byte, blocking while the daemon does not read.
    public func send(_ bytes: [UInt8]) throws(MnemoClientError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Self.systemSend(fileDescriptor, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let code = errno
                if code == EPIPE || code == ECONNRESET { throw .connectionClosed(path: socketPath) }
                throw .ioFailed(path: socketPath, operation: "writing", errno: code)
            }
            offset += n
        }
    }

    /// Which side of the connection `shutdown` ends.
    public enum Direction {
        /// This side's sending: the daemon reads the end of input, answers what it got, then closes.
        case sending
        /// Both: as a client that leaves with answers unread.
        case both
    }

    public func shutdown(_ direction: Direction) {
        #if canImport(Glibc)
        _ = Glibc.shutdown(fileDescriptor, Int32(direction == .sending ? SHUT_WR : SHUT_RDWR))
        #else
        _ = Darwin.shutdown(fileDescriptor, direction == .sending ? SHUT_WR : SHUT_RDWR)
        #endif
    }

    // MARK: Reading

    /// The next line, without its newline; nil at the end of the stream.
    public func readLine() throws(MnemoClientError) -> String? {
        do {
            return try reader.readLine(requireNewline: true)
        } catch {
            guard case .failed(let code) = error else { throw .connectionClosed(path: socketPath) }
            if code == EAGAIN || code == EWOULDBLOCK { throw .timedOut(path: socketPath, seconds: receiveTimeout ?? 0) }
            throw .ioFailed(path: socketPath, operation: "reading", errno: code)
        }
    }

    /// One answer: `OK n` and its n lines, or one `ERR` line.
    public func readResponse() throws(MnemoClientError) -> Response {
        guard let header = try readLine() else { throw .connectionClosed(path: socketPath) }
        switch Response.parseHeader(header) {
        case .ok(let count):
            var lines: [String] = []
            for _ in 0..<count {
                guard let line = try readLine() else { throw .connectionClosed(path: socketPath) }
                lines.append(line)
            }
            return .ok(lines)
        case .error(let code, let message):
            return .error(code: code, message: message)
        case nil:
            throw .protocolViolation(path: socketPath, line: header)
        }
    }

    /// Sends one statement and its newline, and reads its answer.
    public func request(_ statement: String) throws(MnemoClientError) -> Response {
        try send(statement + "\n")
        return try readResponse()
    }

    private static func systemSend(_ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.send(fd, bytes, count, Int32(MSG_NOSIGNAL))
        #else
        Darwin.send(fd, bytes, count, 0)
        #endif
    }
}
