import Logging
import MnemoModel
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// One connection to a PostgreSQL server, for the store's worker threads:
/// every call blocks until the server answered, and throws a `MnemoError`.
///
/// It must not be called from an event loop (it waits on one). A connection
/// runs one statement at a time; calls from several threads are answered in
/// turn.
public final class PostgresLink: Sendable {
    public let target: PostgresTarget
    /// How long a statement may take, waiting for a lock included (a
    /// writer's lock timeout is shorter): past it the connection is closed
    /// and the call answers `BUSY`, so that a server that stopped answering
    /// (a network cut without a reset) holds no thread for ever.
    public let answerTimeout: Duration
    private let connection: PostgresConnection
    static let logger = Logger(label: "mnemo.postgresql")
    /// Each connection's number in the logs.
    private static let connections = Atomic<Int>(0)

    /// Connects; a server that cannot be reached is `ERR BUSY` (try again),
    /// one that refuses the login `ERR DENIED`.
    ///
    /// With a `lockTimeout`, a statement of this connection that waits
    /// longer for a lock fails (PostgreSQL's `lock_timeout`, set when it
    /// connects, so that no transaction pays a round trip to set it).
    public init(
        _ target: PostgresTarget, answerTimeout: Duration = .seconds(120), connectTimeout: Duration = .seconds(10),
        lockTimeout: Duration? = nil
    ) throws(MnemoError) {
        assert(MultiThreadedEventLoopGroup.currentEventLoop == nil, "PostgresLink connects on an event loop")
        self.target = target
        self.answerTimeout = answerTimeout
        var configuration: PostgresConnection.Configuration
        switch target.endpoint {
        case .socket(let path):
            configuration = .init(unixSocketPath: path, username: target.user, password: target.password, database: target.database)
        case .tcp(let host, let port):
            configuration = .init(
                host: host, port: port, username: target.user, password: target.password, database: target.database, tls: .disable)
        }
        configuration.options.connectTimeout = .milliseconds(max(1, connectTimeout.wholeMilliseconds))
        if let lockTimeout {
            configuration.options.additionalStartupParameters = [("lock_timeout", String(max(1, lockTimeout.wholeMilliseconds)))]
        }
        do {
            connection = try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration,
                id: Self.connections.wrappingAdd(1, ordering: .relaxed).newValue, logger: Self.logger
            ).wait()
        } catch {
            throw Self.translate(error, target: target, connecting: true)
        }
    }

    deinit {
        // The connection closes on its event loop, perhaps after this returns
        // (off that loop, or on another): it is kept until it has closed, as
        // postgres-nio requires of a connection that goes (its debug builds check).
        let connection = self.connection
        connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    /// Runs a script of statements separated by semicolons (`SQLScript`),
    /// with no parameters, one after the other; the rows of the last. The
    /// first that fails stops the script (wrap it in `BEGIN`/`COMMIT` to undo
    /// the ones before).
    @discardableResult
    public func execute(_ script: String) throws(MnemoError) -> [PostgresRow] {
        var rows: [PostgresRow] = []
        for statement in SQLScript.statements(script) {
            rows = try query(PostgresQuery(unsafeSQL: statement))
        }
        return rows
    }

    /// Runs one statement with its parameters bound (`\(value)` in the
    /// literal binds it); its rows.
    @discardableResult
    public func query(_ query: PostgresQuery) throws(MnemoError) -> [PostgresRow] {
        assert(MultiThreadedEventLoopGroup.currentEventLoop == nil, "PostgresLink queries on an event loop")
        do {
            return Array(try Self.answer(of: connection.query(query, logger: Self.logger), within: answerTimeout).rows)
        } catch is AnswerTimeout {
            // The statement may still run on the server: closing the connection ends it there.
            close()
            throw MnemoError(.busy, "\(target) did not answer within \(answerTimeout); try again")
        } catch {
            throw Self.translate(error, target: target, connecting: false)
        }
    }

    /// Calls `handler` with the payload of each notification sent on
    /// `channel` (`LISTEN`), on an event loop, from now until the
    /// connection closes. Notifications come only from committed
    /// transactions, in commit order.
    public func listen(_ channel: String, _ handler: @escaping @Sendable (String) -> Void) throws(MnemoError) {
        connection.addListener(channel: channel) { _, notification in handler(notification.payload) }
        // A channel is an identifier: quoted as one.
        try execute("LISTEN \"" + channel.replacingOccurrences(of: "\"", with: "\"\"") + "\"")
    }

    /// Calls `handler` once the connection has closed, for whatever reason
    /// (`close`, the server going away, the network).
    public func onClose(_ handler: @escaping @Sendable () -> Void) {
        connection.closeFuture.whenComplete { _ in handler() }
    }

    /// The server process serving this connection (`pg_backend_pid()`).
    public func backendProcess() throws(MnemoError) -> Int32 {
        guard let row = try query("SELECT pg_backend_pid()").first else {
            throw MnemoError(.internalError, "\(target): pg_backend_pid() answered no row")
        }
        do {
            return try row.decode(Int32.self)
        } catch {
            throw MnemoError(.internalError, "\(target): pg_backend_pid() unreadable: \(error)")
        }
    }

    /// Whether the connection is closed (by `close`, the server or the network).
    public var isClosed: Bool { connection.isClosed }

    /// Closes the connection, and waits for it to close unless called on an
    /// event loop's thread: waiting there would stall every channel of that
    /// loop, and NIO stops the program that tries. That happens when the last
    /// reference to what holds a link (a space's storage, a lease) goes in a
    /// channel's teardown; the close then completes on its own.
    public func close() {
        let closing: EventLoopFuture<Void> = connection.close()
        guard MultiThreadedEventLoopGroup.currentEventLoop == nil else { return }
        _ = try? closing.wait()
    }

    private struct AnswerTimeout: Error {}

    /// Whether a statement's answer or its timeout came first (the other does nothing).
    private final class AnswerSettled: Sendable {
        let done = Atomic<Bool>(false)
    }

    /// What `future` comes to, or `AnswerTimeout` past `timeout`.
    private static func answer<T: Sendable>(of future: EventLoopFuture<T>, within timeout: Duration) throws -> T {
        let settled = AnswerSettled()
        let promise = future.eventLoop.makePromise(of: T.self)
        let timer = future.eventLoop.scheduleTask(in: .nanoseconds(timeout.wholeNanoseconds)) {
            if !settled.done.exchange(true, ordering: .acquiringAndReleasing) { promise.fail(AnswerTimeout()) }
        }
        future.whenComplete { result in
            if !settled.done.exchange(true, ordering: .acquiringAndReleasing) {
                timer.cancel()
                promise.completeWith(result)
            }
        }
        return try promise.futureResult.wait()
    }

    /// The SQLSTATE of a server's error, if `error` is one.
    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// A failure as a client sees it. The server unreachable, the
    /// connection lost, or a condition that passes (too many connections, a
    /// lock not granted in time, a serialization failure or deadlock) is
    /// `BUSY`: try again. A refused login is `DENIED`. Anything else the
    /// server said is `INTERNAL`, with its message and SQLSTATE.
    static func translate(_ error: any Error, target: PostgresTarget, connecting: Bool) -> MnemoError {
        if let error = error as? MnemoError { return error }
        guard let psql = error as? PSQLError else {
            if connecting { return MnemoError(.busy, "\(target) is unreachable: \(error); try again") }
            return MnemoError(.internalError, "\(target): \(error)")
        }
        if let info = psql.serverInfo {
            let state = info[.sqlState] ?? "?"
            let message = info[.message] ?? "\(psql.code)"
            if state.hasPrefix("28") { return MnemoError(.denied, "\(target) refused the login: \(message)") }
            // A database closed to connections for a while (maintenance): try again.
            if connecting && state == "55000" {
                return MnemoError(.busy, "\(target) refused the connection: \(message) (SQLSTATE \(state)); try again")
            }
            if state.hasPrefix("08") || ["57P01", "57P03", "53300", "55P03", "40001", "40P01"].contains(state) {
                return MnemoError(.busy, "\(target): \(message) (SQLSTATE \(state)); try again")
            }
            return MnemoError(.internalError, "\(target): \(message) (SQLSTATE \(state))")
        }
        let cause = psql.underlying.map { ": \($0)" } ?? ""
        switch psql.code {
        case .authMechanismRequiresPassword, .unsupportedAuthMechanism, .saslError:
            return MnemoError(.denied, "\(target) refused the login (\(psql.code))\(cause)")
        case .clientClosedConnection:
            // Closed under the call: by the server (shut down, the backend
            // terminated) or by the network, found out only now.
            return MnemoError(.busy, "\(target): the connection was closed; try again")
        default:
            return MnemoError(.busy, "\(target) is unreachable (\(psql.code))\(cause); try again")
        }
    }
}
