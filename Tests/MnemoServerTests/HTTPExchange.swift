import Foundation
import MnemoTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// One HTTP/1.1 request written by hand on a TCP connection to 127.0.0.1, and
/// the answer read to the end (`Connection: close`): for the methods and
/// paths a ready-made client would not send as asked, and for what the server
/// does with the bytes it gets.
struct HTTPExchange {
    var status: Int
    var headers: [String: String]
    var body: String

    /// A TCP connection to `127.0.0.1:port` that reads time out after
    /// `timeout` seconds; the caller closes it.
    static func connection(port: Int, timeout: Double = 20) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket: \(String(cString: strerror(errno)))") }
        var wait = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw HarnessError("connect to port \(port): \(String(cString: strerror(errno)))")
        }
        return fd
    }

    /// Sends `method path` to `127.0.0.1:port` and reads the whole answer.
    static func send(_ method: String, _ path: String, port: Int, timeout: Double = 20) throws -> HTTPExchange {
        let fd = try connection(port: port, timeout: timeout)
        defer { close(fd) }
        let request = Array("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n".utf8)
        guard write(fd, request, request.count) == request.count else { throw HarnessError("cannot send the request") }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 { throw HarnessError("reading the answer: \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            received += buffer[0..<n]
        }
        let text = String(decoding: received, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw HarnessError("no end of headers in \(text)") }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let statusWords = lines[0].split(separator: " ")
        guard statusWords.count >= 2, let status = Int(statusWords[1]) else { throw HarnessError("bad status line \(lines[0])") }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return HTTPExchange(status: status, headers: headers, body: String(text[split.upperBound...]))
    }
}
