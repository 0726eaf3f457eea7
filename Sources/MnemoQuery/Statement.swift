/// A parsed statement of the query language (SPEC §2).
public enum Statement: Hashable, Sendable {
    /// `ping`
    case ping
    /// `stats`
    case stats
    /// `help` or `help <statement>`
    case help(topic: String?)
    /// `use space "name"` / `use name`
    case use(space: String)
    /// A statement of the language that this version parses no further and
    /// does not run yet (`ERR UNSUPPORTED`).
    case unsupported(keyword: String)

    /// The statement's keyword, for statistics and messages.
    public var keyword: String {
        switch self {
        case .ping: "ping"
        case .stats: "stats"
        case .help: "help"
        case .use: "use"
        case .unsupported(let keyword): keyword
        }
    }

    /// What a peer needs to be allowed to run it.
    public var access: StatementAccess {
        switch self {
        case .ping, .help, .unsupported: .none
        case .stats: .none
        case .use: .read
        }
    }
}

/// The permission a statement needs from the access rules.
public enum StatementAccess: Sendable, Hashable {
    /// Anyone connected.
    case none
    /// Read access to the connection's space.
    case read
    /// Write access to the connection's space.
    case write
    /// Administration (`forget`, `backup`, `undo consolidation`, creating a space).
    case admin
}
