/// Why talking to the daemon failed. The `description` is a complete sentence
/// meant for the person at the terminal: it names the socket path and, for
/// connect failures, what state the daemon seems to be in.
public enum MnemoClientError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing at the socket path: no daemon has been started there.
    case noDaemon(path: String)
    /// A socket file exists but nothing accepts on it (ECONNREFUSED): a daemon
    /// that died without removing its socket.
    case staleSocket(path: String)
    /// Something that is not a socket sits at the path.
    case notASocket(path: String)
    /// EACCES/EPERM: this user may not open the socket.
    /// `detail` describes the socket's owner and mode when it could be read.
    case permissionDenied(path: String, user: String, uid: UInt32, detail: String)
    /// The path does not fit in `sockaddr_un.sun_path`.
    case socketPathTooLong(path: String, limit: Int)
    /// Any other connect failure.
    case connectFailed(path: String, errno: Int32)
    /// The daemon closed the connection (or reset it) while an answer was expected
    /// or a request was being written.
    case connectionClosed(path: String)
    /// A read or write on an open connection failed.
    case ioFailed(path: String, operation: String, errno: Int32)
    /// No answer arrived within the read timeout given at connect.
    case timedOut(path: String, seconds: Double)
    /// The daemon sent something that is not `OK <n>` / `ERR <CODE> <message>`.
    case protocolViolation(path: String, line: String)
    /// A statement handed to `send` holds a newline: it would be several requests.
    case multiLineStatement(String)
    /// `close()` was called before.
    case closed(path: String)

    public var description: String {
        switch self {
        case .noDaemon(let path):
            return "cannot connect to \(path): no daemon seems to be running (no socket at \(path)); "
                + "start one with scripts/start.sh, or give the socket of a running one with --socket or MNEMO_SOCKET"
        case .staleSocket(let path):
            return "cannot connect to \(path): a socket file exists at \(path) but nothing accepts on it: "
                + "the daemon may have crashed (a stale socket); restart it with scripts/start.sh "
                + "(mnemod removes a stale socket when it starts)"
        case .notASocket(let path):
            return "cannot connect to \(path): the file at \(path) is not a socket; "
                + "check --socket / MNEMO_SOCKET (the daemon's socket is the `socket` key of daemon.conf)"
        case .permissionDenied(let path, let user, let uid, let detail):
            return "cannot connect to \(path): permission denied for user \(user) (uid \(uid))"
                + (detail.isEmpty ? "" : "; \(detail)")
                + "; the socket's mode and the access rules of daemon.conf decide who may connect"
        case .socketPathTooLong(let path, let limit):
            return "cannot connect to \(path): a Unix socket path may have at most \(limit) bytes "
                + "(this one has \(path.utf8.count)); use a shorter or relative path"
        case .connectFailed(let path, let code):
            return "cannot connect to \(path): \(POSIX.errorString(code))"
        case .connectionClosed(let path):
            return "the daemon closed the connection on \(path)"
        case .ioFailed(let path, let operation, let code):
            return "\(operation) on \(path) failed: \(POSIX.errorString(code))"
        case .timedOut(let path, let seconds):
            return "no answer from the daemon on \(path) within \(seconds) s"
        case .protocolViolation(let path, let line):
            let shown = line.count > 120 ? String(line.prefix(119)) + "…" : line
            return "unexpected line from the daemon on \(path) (not OK <n> or ERR <CODE> ...): \(shown)"
        case .multiLineStatement(let statement):
            let shown = statement.count > 60 ? String(statement.prefix(59)) + "…" : statement
            return "a statement must be one line; this one holds a newline: \(shown.debugDescription)"
        case .closed(let path):
            return "the connection to \(path) was closed by the client"
        }
    }

    /// True for the failures of `MnemoConnection.init`: the daemon could not be reached.
    public var isConnectFailure: Bool {
        switch self {
        case .noDaemon, .staleSocket, .notASocket, .permissionDenied, .socketPathTooLong, .connectFailed:
            return true
        default:
            return false
        }
    }
}
