import MnemoClient
import MnemoTestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A non-blocking Unix-socket connection that writes raw bytes (invalid UTF-8
/// included, which `MnemoClient` refuses to send) and splits what comes back
/// into answers: `OK n` and its n lines, or one `ERR CODE message` line.
///
/// Writing and reading are interleaved by `pump`, so neither side can block
/// the other however large the requests or the answers are.
final class FuzzConnection {
    enum Failure: Error {
        case unreachable(MnemoClientError)
        case closed
        case failed(Int32)
        case protocolViolation(String)
    }

    /// One answer: `code` is `nil` for OK; `badJSON` the first of its lines
    /// that is not valid JSON, if any.
    typealias Answer = (code: String?, message: String, badJSON: String?)

    private let socket: RawConnection
    private var fd: Int32 { socket.fileDescriptor }
    private var output: [UInt8] = []
    private var outputOffset = 0
    private var input: [UInt8] = []
    private var inputOffset = 0
    /// Body lines still to read of the OK answer being read.
    private var bodyLeft = 0
    /// The first line of that answer that is not valid JSON.
    private var badJSON: String?
    private var chunk = [UInt8](repeating: 0, count: 1 << 16)

    init(socketPath: String) throws(Failure) {
        do {
            socket = try RawConnection(socketPath: socketPath, receiveTimeout: nil)
        } catch {
            throw .unreachable(error)
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    /// Queues bytes to send.
    func enqueue(_ bytes: [UInt8]) {
        if outputOffset > 0 && outputOffset == output.count {
            output.removeAll(keepingCapacity: true)
            outputOffset = 0
        }
        output += bytes
    }

    var hasOutput: Bool { outputOffset < output.count }

    /// Sends what it can, waits up to `milliseconds` for the socket, reads
    /// what arrived and returns the complete answers in it, in order.
    func pump(milliseconds: Int32) throws(Failure) -> [Answer] {
        var poller = pollfd(fd: fd, events: Int16(POLLIN) | (hasOutput ? Int16(POLLOUT) : 0), revents: 0)
        let ready = poll(&poller, 1, milliseconds)
        if ready < 0 && errno != EINTR { throw .failed(errno) }
        if poller.revents & Int16(POLLOUT) != 0 || (hasOutput && poller.revents & Int16(POLLERR | POLLHUP) != 0) {
            try write()
        }
        if poller.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
            try read()
        }
        return try answers()
    }

    private func write() throws(Failure) {
        while hasOutput {
            let n = output[outputOffset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n > 0 {
                outputOffset += n
                continue
            }
            let code = errno
            if code == EAGAIN || code == EWOULDBLOCK || code == EINTR { return }
            throw code == EPIPE || code == ECONNRESET ? .closed : .failed(code)
        }
    }

    private func read() throws(Failure) {
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                input += chunk[..<n]
                if n < chunk.count { return }
                continue
            }
            if n == 0 { throw .closed }
            let code = errno
            if code == EAGAIN || code == EWOULDBLOCK || code == EINTR { return }
            throw code == ECONNRESET ? .closed : .failed(code)
        }
    }

    /// The complete answers in the input buffer; a partial one stays for later.
    private func answers() throws(Failure) -> [Answer] {
        var found: [Answer] = []
        while let newline = input[inputOffset...].firstIndex(of: 0x0A) {
            let line = input[inputOffset..<newline]
            inputOffset = newline + 1
            if bodyLeft > 0 {
                if badJSON == nil, !JSONLineValidator.isValid(line) { badJSON = String(decoding: line.prefix(300), as: UTF8.self) }
                bodyLeft -= 1
                if bodyLeft == 0 {
                    found.append((nil, "", badJSON))
                    badJSON = nil
                }
                continue
            }
            if line.starts(with: Array("OK".utf8)) {
                let count = line.count == 2 ? 0 : Int(String(decoding: line.dropFirst(3), as: UTF8.self))
                guard let count, count >= 0 else { throw .protocolViolation(String(decoding: line.prefix(200), as: UTF8.self)) }
                if count == 0 { found.append((nil, "", nil)) } else { bodyLeft = count }
            } else if line.starts(with: Array("ERR ".utf8)) {
                let rest = line.dropFirst(4)
                let code = rest.prefix { $0 != 0x20 }
                found.append((String(decoding: code, as: UTF8.self), String(decoding: rest.dropFirst(code.count + 1).prefix(300), as: UTF8.self), nil))
            } else {
                throw .protocolViolation(String(decoding: line.prefix(200), as: UTF8.self))
            }
        }
        if inputOffset > 0 && (inputOffset == input.count || inputOffset > 1 << 20) {
            input.removeSubrange(..<inputOffset)
            inputOffset = 0
        }
        return found
    }
}
