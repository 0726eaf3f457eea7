import Foundation
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// A TCP address to listen on, as `metrics_listen` writes it: `HOST:PORT`
/// where HOST is an IPv4 literal (`127.0.0.1`, `0.0.0.0`), an IPv6 literal in
/// brackets (`[::1]`, `[::]`) or `localhost` (which means 127.0.0.1: no name
/// lookup, so the address never depends on `/etc/hosts`), and PORT is 1 to
/// 65535.
///
/// It remembers where it was written (`file`, `line`), for the error when it
/// cannot be bound; a reload compares `text`, the address alone.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// The IP literal, without brackets.
    public var host: String
    public var port: Int
    /// Where the value was read: the file (or the flag) and the line (0 for a flag).
    public var file: String
    public var line: Int

    /// `nil` unless `text` is `HOST:PORT` as described above.
    public init?(_ text: String, file: String, line: Int) {
        let host: Substring
        let port: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            port = text[text.index(close, offsetBy: 2)...]
            guard Self.isLiteral(host, family: AF_INET6) else { return nil }
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
            guard host == "localhost" || Self.isLiteral(host, family: AF_INET) else { return nil }
        }
        guard port.allSatisfy(\.isASCII), let number = Int(port), (1...65535).contains(number) else { return nil }
        self.host = host == "localhost" ? "127.0.0.1" : String(host)
        self.port = number
        self.file = file
        self.line = line
    }

    /// Whether `host` is an address literal of `family` (`inet_pton` decides).
    private static func isLiteral(_ host: Substring, family: Int32) -> Bool {
        var buffer = in6_addr()
        return !host.isEmpty && inet_pton(family, String(host), &buffer) == 1
    }

    /// `127.0.0.1:9187`, `[::1]:9187`.
    public var text: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    public var description: String { text }

    /// The address to bind.
    func socketAddress() throws -> SocketAddress { try SocketAddress(ipAddress: host, port: port) }
}
