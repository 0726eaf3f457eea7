import MnemoModel

/// The right to consolidate one shared space, held by one daemon at a time:
/// a session-level advisory lock of PostgreSQL on a connection of its own,
/// held until `release` (or until the connection dies with its daemon, when
/// the server lets it go as the session ends).
///
/// A consolidation run, an undo or a `forget` takes it besides the space's
/// own `RunLock`, so that a run in progress on another daemon is not run
/// over, and a run it left `running` in the journal is not closed as
/// abandoned while it goes on.
public final class PostgresLease: Sendable {
    private let link: PostgresLink

    /// The advisory lock's first key: "mnem" read as a number (the second is
    /// the space's id; the migrations' lock has a one-number key of its own).
    static let keyClass: Int32 = 0x6D6E_656D

    /// Takes the lease of `space`, without waiting: `nil` when another
    /// daemon holds it.
    static func take(space: Int64, target: PostgresTarget) throws(MnemoError) -> PostgresLease? {
        guard let key = Int32(exactly: space) else {
            throw MnemoError(.internalError, "\(target): space id \(space) does not fit a lease key")
        }
        // Both of its statements are answered at once: a server that does not
        // answer within seconds is not waited for (the release then closes the
        // connection, and the server lets the lock go with the session).
        let link = try PostgresLink(target, answerTimeout: .seconds(5))
        do {
            let taken = try link.query("SELECT pg_try_advisory_lock(\(keyClass), \(key))").first.map { row throws(MnemoError) in
                do {
                    return try row.decode(Bool.self)
                } catch {
                    throw MnemoError(.internalError, "\(target): an unexpected column: \(error)")
                }
            }
            guard taken == true else {
                link.close()
                return nil
            }
        } catch {
            link.close()
            throw error
        }
        return PostgresLease(link: link, key: key)
    }

    /// The space's key, the advisory lock's second.
    private let key: Int32

    private init(link: PostgresLink, key: Int32) {
        self.link = link
        self.key = key
    }

    deinit { link.close() }

    /// Lets another daemon take it, or this one again: the lock is given up
    /// by a statement, answered before this returns. Closing the connection
    /// alone would leave it held until the server has ended the session,
    /// which on a busy server comes after a run that follows at once has
    /// been refused as if another daemon held it. (If the statement fails,
    /// the connection is closed all the same and the server lets the lock go
    /// with the session.)
    public func release() {
        _ = try? link.query("SELECT pg_advisory_unlock(\(Self.keyClass), \(key))")
        link.close()
    }
}
