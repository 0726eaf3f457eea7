import Dispatch
import MnemoModel
import PostgresNIO
import Synchronization

/// What a daemon knows of the other daemons' commits to the shared
/// database: the newest change sequence number of each space, as the
/// `mnemo_space` notifications (`PostgresReplica.append`) bring them, on a
/// connection of its own that only listens.
///
/// A daemon whose graph of a space followed the store up to some number
/// compares it with `latest(space)` before it answers from the graph, and
/// catches up first when it is behind. A notification arrives a network
/// round trip after the commit; a reader that must see every commit made
/// before its request reads `PostgresSpaces.sequence` instead.
///
/// Should the connection drop (the server restarted, the network), the feed
/// says so (`isListening` false) and connects again in the background,
/// waiting a little longer after each failure (up to 5 s). Once listening
/// again, it reads every space's number from `space_state`: what was
/// committed while it was not listening is not missed.
public final class PostgresChangeFeed: Sendable {
    private struct State {
        var link: PostgresLink?
        var newest: [Int64: Int64] = [:]
        var closed = false
        var observer: (@Sendable (Int64) -> Void)?
    }

    private let target: PostgresTarget
    private let state = Mutex(State())
    /// How often the feed's connection is asked whether it still answers,
    /// and how long it may take: a connection cut without a word (a network
    /// that drops packets) would otherwise look like a quiet one for as long
    /// as TCP takes to notice, and reads would answer from a replica that
    /// hears nothing. Past the timeout the connection is closed, and the feed
    /// connects again and catches up.
    private let heartbeatInterval: Duration
    private let heartbeatTimeout: Duration

    /// Starts listening; throws if the first connection fails.
    public init(
        _ target: PostgresTarget, heartbeatInterval: Duration = .seconds(5), heartbeatTimeout: Duration = .seconds(10)
    ) throws(MnemoError) {
        self.target = target
        self.heartbeatInterval = heartbeatInterval
        self.heartbeatTimeout = heartbeatTimeout
        try connect()
    }

    /// The newest change sequence number heard of for `space`, `nil` before any.
    public func latest(_ space: Int64) -> Int64? {
        state.withLock { $0.newest[space] }
    }

    /// Calls `observer` with a space's id each time a newer change of it is
    /// heard of, on an event loop (hand the work to another thread).
    public func onChange(_ observer: @escaping @Sendable (Int64) -> Void) {
        state.withLock { $0.observer = observer }
    }

    /// Whether the feed's connection is up: while it is not, `latest` may lag.
    public var isListening: Bool { state.withLock { $0.link != nil } }

    /// The server process of the feed's connection, for tests that cut it.
    func backendProcess() throws(MnemoError) -> Int32? {
        guard let link = state.withLock({ $0.link }) else { return nil }
        return try link.backendProcess()
    }

    /// Stops listening for good.
    public func close() {
        let link = state.withLock { s -> PostgresLink? in
            s.closed = true
            defer { s.link = nil }
            return s.link
        }
        link?.close()
    }

    /// Connects, listens, then reads the numbers committed meanwhile (in that
    /// order: a commit between the two is heard, or read, or both).
    private func connect() throws(MnemoError) {
        let link = try PostgresLink(target, answerTimeout: heartbeatTimeout)
        do throws(MnemoError) {
            try link.listen(PostgresSpaces.channel) { [weak self] payload in self?.heard(payload) }
            let rows = try link.query("SELECT space_id, change_seq FROM space_state")
            var committed: [(Int64, Int64)] = []
            for row in rows {
                do {
                    committed.append(try row.decode((Int64, Int64).self))
                } catch {
                    throw MnemoError(.internalError, "\(target): space_state unreadable: \(error)")
                }
            }
            let (keep, advanced, observer) = state.withLock { s -> (Bool, [Int64], (@Sendable (Int64) -> Void)?) in
                guard !s.closed else { return (false, [], nil) }
                var advanced: [Int64] = []
                // What the server says now, even below what was heard before (a
                // database restored or failed over): replicas then find out they are ahead.
                for (space, sequence) in committed where sequence != s.newest[space] {
                    s.newest[space] = sequence
                    advanced.append(space)
                }
                s.link = link
                return (true, advanced, s.observer)
            }
            guard keep else {
                link.close()
                return
            }
            for space in advanced { observer?(space) }
            scheduleHeartbeat(of: link)
            link.onClose { [weak self] in self?.lost(link) }
        } catch {
            link.close()
            throw error
        }
    }

    /// A notification: "SPACE_ID SEQ"; anything else on the channel is not ours, and ignored.
    private func heard(_ payload: String) {
        let parts = payload.split(separator: " ")
        guard parts.count == 2, let space = Int64(parts[0]), let sequence = Int64(parts[1]) else { return }
        let observer = state.withLock { s -> (@Sendable (Int64) -> Void)? in
            guard sequence > s.newest[space] ?? 0 else { return nil }
            s.newest[space] = sequence
            return s.observer
        }
        observer?(space)
    }

    private func scheduleHeartbeat(of link: PostgresLink) {
        DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(clamping: heartbeatInterval.wholeNanoseconds))) { [weak self] in
            guard let self, self.state.withLock({ $0.link === link && !$0.closed }) else { return }
            // A failure closes the connection, which `lost` hears of.
            guard (try? link.query("SELECT 1")) != nil else {
                link.close()
                return
            }
            self.scheduleHeartbeat(of: link)
        }
    }

    private func lost(_ link: PostgresLink) {
        let reconnect = state.withLock { s -> Bool in
            guard s.link === link else { return false }
            s.link = nil
            return !s.closed
        }
        if reconnect { scheduleReconnect(after: .milliseconds(100)) }
    }

    private func scheduleReconnect(after delay: Duration) {
        DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(clamping: delay.wholeNanoseconds))) { [weak self] in
            guard let self, !self.state.withLock({ $0.closed }) else { return }
            do throws(MnemoError) {
                try self.connect()
            } catch {
                PostgresLink.logger.warning("the change feed of \(self.target) could not reconnect: \(error.message)")
                self.scheduleReconnect(after: min(delay * 2, .seconds(5)))
            }
        }
    }
}
