import Foundation
import MnemoModel

/// Where a PostgreSQL server is and whom to connect as: a Unix socket or a
/// host and port, a user, a database, and the password, if any, read from a
/// file (never written in `daemon.conf`).
public struct PostgresTarget: Sendable, Hashable, CustomStringConvertible {
    public enum Endpoint: Sendable, Hashable {
        /// The server's socket file, e.g. `/run/postgresql/.s.PGSQL.5432`.
        case socket(path: String)
        case tcp(host: String, port: Int)
    }

    public var endpoint: Endpoint
    public var user: String
    public var database: String
    public var password: String?

    public init(endpoint: Endpoint, user: String, database: String, password: String? = nil) {
        self.endpoint = endpoint
        self.user = user
        self.database = database
        self.password = password
    }

    /// Where it connects, for messages (no password).
    public var description: String {
        switch endpoint {
        case .socket(let path): "postgresql database \(database) as \(user) at \(path)"
        case .tcp(let host, let port): "postgresql database \(database) as \(user) at \(host):\(port)"
        }
    }
}

extension PostgresTarget {
    /// A target from a URL as libpq writes them, and a password file:
    ///
    /// - `postgresql://USER@HOST:PORT/DATABASE` (TCP; the port defaults to 5432),
    /// - `postgresql://USER@/DATABASE?host=/run/postgresql` (the Unix socket
    ///   `.s.PGSQL.PORT` in that directory; a `host` that starts with `/` is a
    ///   directory, as libpq reads it).
    ///
    /// A password in the URL is refused: the URL sits in `daemon.conf`, which
    /// many may read. It comes from `passwordFile` instead (its first line),
    /// which must be a regular file that neither its group nor others may read.
    public init(url: String, passwordFile: String? = nil) throws(MnemoError) {
        func invalid(_ why: String) -> MnemoError {
            MnemoError(
                .invalid,
                "postgresql_url \"\(url)\": \(why); expected postgresql://USER@HOST[:PORT]/DATABASE or postgresql://USER@/DATABASE?host=/socket/directory")
        }
        var rest = Substring(url)
        guard let scheme = ["postgresql://", "postgres://"].first(where: { rest.hasPrefix($0) }) else {
            throw invalid("not a postgresql:// URL")
        }
        rest = rest.dropFirst(scheme.count)
        var query: [String: String] = [:]
        if let mark = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: mark)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, let key = parts[0].removingPercentEncoding, let value = parts[1].removingPercentEncoding else {
                    throw invalid("a query parameter is not key=value")
                }
                query[key] = value
            }
            rest = rest[..<mark]
        }
        guard let slash = rest.firstIndex(of: "/") else { throw invalid("no database") }
        guard let database = rest[rest.index(after: slash)...].removingPercentEncoding, !database.isEmpty else {
            throw invalid("no database")
        }
        let authority = rest[..<slash]
        guard let at = authority.firstIndex(of: "@") else { throw invalid("no user") }
        let userInfo = authority[..<at]
        if userInfo.contains(":") { throw invalid("a password in the URL; give it in a password file") }
        guard let user = userInfo.removingPercentEncoding, !user.isEmpty else { throw invalid("no user") }
        let hostPort = authority[authority.index(after: at)...]
        var port = 5432
        var host = String(hostPort)
        if let colon = hostPort.lastIndex(of: ":") {
            guard let number = Int(hostPort[hostPort.index(after: colon)...]), (1...65535).contains(number) else {
                throw invalid("the port is not a number from 1 to 65535")
            }
            port = number
            host = String(hostPort[..<colon])
        }
        if let given = query.removeValue(forKey: "host") { host = given }
        if let given = query.removeValue(forKey: "port") {
            guard let number = Int(given), (1...65535).contains(number) else { throw invalid("the port is not a number from 1 to 65535") }
            port = number
        }
        if let unknown = query.keys.sorted().first { throw invalid("unknown parameter \"\(unknown)\"") }
        guard !host.isEmpty else { throw invalid("no host (for a Unix socket: ?host=/socket/directory)") }
        let endpoint: Endpoint = host.hasPrefix("/") ? .socket(path: host + "/.s.PGSQL.\(port)") : .tcp(host: host, port: port)
        self.init(endpoint: endpoint, user: user, database: database, password: try passwordFile.map(Self.password(from:)))
    }

    /// The first line of a password file that only its owner may read.
    static func password(from path: String) throws(MnemoError) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw MnemoError(.notFound, "postgresql password file \(path): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else { throw MnemoError(.invalid, "postgresql password file \(path) is not a regular file") }
        guard info.st_mode & 0o077 == 0 else {
            throw MnemoError(.invalid, "postgresql password file \(path) may be read by others (mode \(String(info.st_mode & 0o777, radix: 8))); chmod 600 it")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw MnemoError(.invalid, "postgresql password file \(path) cannot be read as UTF-8 text")
        }
        let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        guard !line.isEmpty else { throw MnemoError(.invalid, "postgresql password file \(path) is empty") }
        return line
    }
}
