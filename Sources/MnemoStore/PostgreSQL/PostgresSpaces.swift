import MnemoModel
import PostgresNIO

/// The spaces of a shared PostgreSQL database, and how many daemons write
/// to one space without stepping on each other.
///
/// A space is a row of `space`, found or made by name (`open`), and one of
/// `space_state`. A write to a space (`write`) is one transaction that begins
/// by bumping the space's `change_seq`: the row lock that takes holds every other writer of the
/// space, on any daemon, until this one commits or rolls back (a daemon that
/// dies mid-write loses its connection, and the server rolls back and lets
/// the next writer in). At commit the server sends the new sequence number
/// on the `mnemo_space` channel (`NOTIFY`, delivered only for committed
/// transactions): the other daemons know what to catch up to
/// (`PostgresChangeFeed`).
public enum PostgresSpaces {
    /// The `NOTIFY` channel of committed writes; the payload is `SPACE_ID SEQ`.
    public static let channel = "mnemo_space"

    /// The id of the space `name`, made if there is none; two daemons that
    /// make the same space at once get the same id.
    public static func open(_ name: String, on link: PostgresLink, now: Timestamp = .now()) throws(MnemoError) -> Int64 {
        try link.query(
            "INSERT INTO space(name, created_at) VALUES (\(name), \(now.microseconds)) ON CONFLICT (name) DO NOTHING")
        guard let row = try link.query("SELECT space_id FROM space WHERE name = \(name)").first else {
            throw MnemoError(.internalError, "\(link.target): space \(name) vanished as it was made")
        }
        let space = try decode(Int64.self, row, link)
        try link.query("INSERT INTO space_state(space_id) VALUES (\(space)) ON CONFLICT (space_id) DO NOTHING")
        return space
    }

    /// Runs `body` in one transaction that holds the space's write lock:
    /// commits when it returns, rolls back when it throws. Returns what
    /// `body` returned and the space's new change sequence number.
    ///
    /// A writer waits for the lock at most `lockTimeout`, then gets `BUSY`:
    /// a daemon whose host vanished mid-write holds it until the server
    /// notices the connection is gone (TCP keepalive), and the others must
    /// not wait that long.
    public static func write<T>(
        space: Int64, on link: PostgresLink, lockTimeout: Duration = .seconds(30), _ body: (PostgresLink) throws -> T
    ) throws(MnemoError) -> (result: T, sequence: Int64) {
        let milliseconds = max(1, lockTimeout.components.seconds * 1000 + lockTimeout.components.attoseconds / 1_000_000_000_000_000)
        try link.execute("BEGIN")
        do {
            try link.execute("SET LOCAL lock_timeout = \(milliseconds)")
            guard
                let row = try link.query(
                    "UPDATE space_state SET change_seq = change_seq + 1 WHERE space_id = \(space) RETURNING change_seq"
                ).first
            else { throw MnemoError(.notFound, "no space with id \(space) in \(link.target)") }
            let sequence = try decode(Int64.self, row, link)
            let result = try body(link)
            try link.query("SELECT pg_notify(\(channel), \("\(space) \(sequence)"))")
            try link.execute("COMMIT")
            return (result, sequence)
        } catch {
            _ = try? link.execute("ROLLBACK")
            if let error = error as? MnemoError { throw error }
            throw PostgresLink.translate(error, target: link.target, connecting: false)
        }
    }

    /// The space's change sequence number as committed now.
    public static func sequence(of space: Int64, on link: PostgresLink) throws(MnemoError) -> Int64 {
        guard let row = try link.query("SELECT change_seq FROM space_state WHERE space_id = \(space)").first else {
            throw MnemoError(.notFound, "no space with id \(space) in \(link.target)")
        }
        return try decode(Int64.self, row, link)
    }

    private static func decode<T: PostgresDecodable>(_ type: T.Type, _ row: PostgresRow, _ link: PostgresLink) throws(MnemoError) -> T {
        do {
            return try row.decode(T.self)
        } catch {
            throw MnemoError(.internalError, "\(link.target): an unexpected column: \(error)")
        }
    }
}
