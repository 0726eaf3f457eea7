import MnemoModel
import Synchronization

/// A connection kept for reuse, connected again when the server or the
/// network closed it: while the server is down, each call that needs it
/// answers `BUSY`, and once it is back the next one goes through.
final class PostgresLinkSlot: Sendable {
    let target: PostgresTarget
    private let held: Mutex<PostgresLink?>
    /// What a connection made here may take to answer, and to connect (`PostgresLink`).
    private let answerTimeout: Duration
    private let connectTimeout: Duration
    private let lockTimeout: Duration?

    init(
        _ target: PostgresTarget, holding link: PostgresLink? = nil, answerTimeout: Duration = .seconds(120),
        connectTimeout: Duration = .seconds(10), lockTimeout: Duration? = nil
    ) {
        self.target = target
        held = Mutex(link)
        self.answerTimeout = answerTimeout
        self.connectTimeout = connectTimeout
        self.lockTimeout = lockTimeout
    }

    deinit { held.withLock { $0?.close() } }

    /// The connection, connected again if it was closed.
    var link: PostgresLink {
        get throws(MnemoError) {
            if let open = held.withLock({ $0 }), !open.isClosed { return open }
            let fresh = try PostgresLink(target, answerTimeout: answerTimeout, connectTimeout: connectTimeout, lockTimeout: lockTimeout)
            return held.withLock { slot in
                if let raced = slot, !raced.isClosed {
                    fresh.close()
                    return raced
                }
                slot = fresh
                return fresh
            }
        }
    }
}
