import MnemoModel
import PostgresNIO

/// The spaces of `storage = postgresql`: a database shared by every daemon
/// that names it, its schema brought up to date at start
/// (`PostgresMigrator`), one change feed per daemon that tells each replica
/// what the others committed, and a replica (`PostgresReplica`) per space
/// this daemon opens.
public final class PostgresStorage: Sendable {
    public let target: PostgresTarget
    let feed: PostgresChangeFeed
    /// How long a writer waits for another daemon's write to the same space.
    let lockTimeout: Duration

    /// Connects, applies the migrations this build has and the database has
    /// not, and starts listening. A server that cannot be reached is `BUSY`.
    public init(_ target: PostgresTarget, lockTimeout: Duration = .seconds(30)) throws(MnemoError) {
        self.target = target
        self.lockTimeout = lockTimeout
        let link = try PostgresLink(target)
        defer { link.close() }
        try PostgresMigrator.migrate(link)
        feed = try PostgresChangeFeed(target)
    }

    deinit { feed.close() }

    /// The replica of space `name`, made in the database if there is none.
    public func replica(_ name: String) throws(MnemoError) -> PostgresReplica {
        try PostgresReplica(name, at: target, feed: feed, lockTimeout: lockTimeout)
    }

    /// The names of the spaces in the database, sorted.
    public func spaceNames() throws(MnemoError) -> [String] {
        try withLink { link throws(MnemoError) in
            try link.query("SELECT name FROM space ORDER BY name COLLATE \"C\"").map { row throws(MnemoError) in
                do {
                    return try row.decode(String.self)
                } catch {
                    throw MnemoError(.internalError, "\(target): an unexpected column: \(error)")
                }
            }
        }
    }

    /// Whether the database has a space `name`.
    public func exists(_ name: String) throws(MnemoError) -> Bool {
        try withLink { link throws(MnemoError) in !(try link.query("SELECT 1 FROM space WHERE name = \(name)")).isEmpty }
    }

    /// Calls `observer` with a space's id each time the feed hears of a
    /// newer change of it (on an event loop: hand the work to another thread).
    public func onChange(_ observer: @escaping @Sendable (Int64) -> Void) { feed.onChange(observer) }

    /// Whether the change feed is listening (while it is not, every read asks the server).
    public var isListening: Bool { feed.isListening }

    private func withLink<T>(_ body: (PostgresLink) throws(MnemoError) -> T) throws(MnemoError) -> T {
        let link = try PostgresLink(target)
        defer { link.close() }
        return try body(link)
    }
}
