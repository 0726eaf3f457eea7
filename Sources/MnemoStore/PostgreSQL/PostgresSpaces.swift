import MnemoModel
import PostgresNIO

/// The spaces of a shared PostgreSQL database: a row of `space`, found or
/// made by name (`open`), and one of `space_state`, whose `change_seq` is the
/// number of the space's last change. A write to a space locks that row
/// (`PostgresReplica`), and at commit sends the new number on the
/// `mnemo_space` channel (`NOTIFY`, delivered only for committed
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
