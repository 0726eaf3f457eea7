/// How to start one `mnemod`: the executable, its files, its flags, where its
/// log goes. A path that is not absolute names a file inside the directory
/// the daemon is started in (`MnemodProcess.directory`).
///
/// The defaults are a test's daemon: the test build's `mnemod`, an empty
/// `daemon.conf` passed with `--config`, data in `data/`, the socket `m.sock`,
/// standard error in a log file of its own that the test can read.
public struct MnemodLaunch: Sendable {
    /// Where the daemon's standard error goes (its standard output, on which it
    /// writes nothing, goes along when inherited and is discarded otherwise).
    public enum Log: Sendable {
        /// A new file in the directory, named uniquely: several daemons that run
        /// over one directory, one after the other or at once, each have theirs.
        case newFile
        /// This file, created if missing and appended to: one log across the
        /// restarts of a daemon (a fuzzer's, whose crashes quote it).
        case appended(toFile: String)
        /// This program's standard error (a benchmark's terminal).
        case inherited
    }

    public var binary: String
    /// The text of the `daemon.conf` written in the directory and passed with
    /// `--config`; nil: no `--config`, the daemon runs on its embedded defaults.
    public var config: String?
    /// `--data-dir`.
    public var dataDirectory: String
    /// `--socket`.
    public var socket: String
    /// `--log-level`, when given.
    public var logLevel: String?
    /// Flags after the others (they override keys of `daemon.conf`).
    public var extraArguments: [String]
    public var log: Log
    /// Whether the daemon's current directory is the directory it is started
    /// in (where a relative `backup to` path lands) rather than this program's.
    public var runsInDirectory: Bool

    public init(
        binary: String = MnemodBinary.forTests, config: String? = "", dataDirectory: String = "data",
        socket: String = "m.sock", logLevel: String? = nil, extraArguments: [String] = [],
        log: Log = .newFile, runsInDirectory: Bool = false
    ) {
        self.binary = binary
        self.config = config
        self.dataDirectory = dataDirectory
        self.socket = socket
        self.logLevel = logLevel
        self.extraArguments = extraArguments
        self.log = log
        self.runsInDirectory = runsInDirectory
    }
}
