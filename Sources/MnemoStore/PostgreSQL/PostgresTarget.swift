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
