import BenchmarkSupport
import MnemoClient
import MnemoTestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Times one answer at a time on a connection of its own, below the client
/// library: the clock starts as the request is written; the first byte of
/// the reply is one mark and the newline of its last answer line the other.
/// The reply is read into one reused buffer and only its newlines are counted
/// (`memchr`): the client adds the kernel's copy and little else, so what is
/// measured is the daemon and the socket.
final class AnswerClock {
    /// One answer, timed.
    struct Timing {
        /// Answer lines after `OK n`.
        var lines: Int
        /// Bytes of the reply, its header line included.
        var bytes: Int
        /// Seconds from writing the request to the first byte of the reply.
        var firstByte: Double
        /// Seconds from writing the request to the newline of the last answer line.
        var lastLine: Double
    }

    private let connection: RawConnection
    private let buffer: UnsafeMutableRawBufferPointer

    init(socketPath: String) throws {
        connection = try RawConnection(socketPath: socketPath, receiveTimeout: nil)
        buffer = .allocate(byteCount: 1 << 20, alignment: 64)
    }

    deinit { buffer.deallocate() }

    /// Sends `statement` and reads its answer to the end.
    /// - Throws: `HarnessError` with the daemon's line for an `ERR` answer or
    ///   anything but `OK n`; the client's error when the connection fails.
    func time(_ statement: String) throws -> Timing {
        let request = Array((statement + "\n").utf8)
        // Before the write, not after it: the daemon's thread woken by the
        // request may take this core from the client until it has answered
        // (two cores and some load make that common), and a clock started
        // after the write returns would then miss the whole answer.
        let start = monotonicNanoseconds()
        try connection.send(request)
        var firstByte: UInt64 = 0
        var header: [UInt8] = []
        var expected: Int?
        var seen = 0
        var bytes = 0
        let base = buffer.baseAddress!
        while true {
            let received = recv(connection.fileDescriptor, base, buffer.count, 0)
            if received < 0 && errno == EINTR { continue }
            guard received > 0 else { throw HarnessError("the daemon closed the connection during the answer to \(statement)") }
            if firstByte == 0 { firstByte = monotonicNanoseconds() }
            bytes += received
            var offset = 0
            if expected == nil {
                guard let newline = memchr(base, 0x0A, received) else {
                    header.append(contentsOf: UnsafeRawBufferPointer(start: base, count: received))
                    continue
                }
                let length = base.distance(to: newline)
                header.append(contentsOf: UnsafeRawBufferPointer(start: base, count: length))
                expected = try Self.lineCount(header: header, statement: statement)
                offset = length + 1
            }
            while seen < expected!, offset < received, let newline = memchr(base + offset, 0x0A, received - offset) {
                seen += 1
                offset = base.distance(to: newline) + 1
            }
            if seen == expected! {
                let end = monotonicNanoseconds()
                return Timing(
                    lines: seen, bytes: bytes, firstByte: Double(firstByte - start) / 1e9, lastLine: Double(end - start) / 1e9)
            }
        }
    }

    /// `n` of an `OK n` header line.
    private static func lineCount(header: [UInt8], statement: String) throws -> Int {
        let line = String(decoding: header, as: UTF8.self)
        guard line.hasPrefix("OK "), let count = Int(line.dropFirst(3)), count >= 0 else {
            throw HarnessError("\(statement): \(line)")
        }
        return count
    }
}
