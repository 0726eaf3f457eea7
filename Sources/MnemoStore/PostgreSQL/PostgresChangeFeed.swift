import MnemoModel
import Synchronization

/// What a daemon knows of the other daemons' commits to the shared
/// database: the newest change sequence number of each space, as the
/// `mnemo_space` notifications (`PostgresSpaces.write`) bring them, on a
/// connection of its own that only listens.
///
/// A daemon whose graph of a space followed the store up to some number
/// compares it with `latest(space)` before it answers from the graph, and
/// catches up first when it is behind. A notification arrives a network
/// round trip after the commit; a reader that must see every commit made
/// before its request reads `PostgresSpaces.sequence` instead.
public final class PostgresChangeFeed: Sendable {
    private let link: PostgresLink
    private let newest = Mutex<[Int64: Int64]>([:])

    /// Starts listening.
    public init(_ target: PostgresTarget) throws(MnemoError) {
        link = try PostgresLink(target)
        try link.listen(PostgresSpaces.channel) { [weak self] payload in
            // "SPACE_ID SEQ"; anything else on the channel is not ours, and ignored.
            let parts = payload.split(separator: " ")
            guard let self, parts.count == 2, let space = Int64(parts[0]), let sequence = Int64(parts[1]) else { return }
            self.newest.withLock { all in all[space] = max(all[space] ?? 0, sequence) }
        }
    }

    /// The newest change sequence number heard of for `space`, `nil` before any.
    public func latest(_ space: Int64) -> Int64? {
        newest.withLock { $0[space] }
    }

    public func close() { link.close() }
}
