import ArgumentParser
import Foundation
import MnemoClient
import MnemoSchemas

/// The root command. With no subcommand it runs `Shell` (the REPL on a
/// terminal, batch from a file or standard input, or `-c`); `consolidate`,
/// `import-chat` and `mcp` are its other subcommands.
struct Mnemo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnemo",
        abstract: "The Mnemo client.",
        discussion: """
            Talks to mnemod over its Unix socket (--socket, else $MNEMO_SOCKET, \
            else ./var/mnemo.sock). Without a subcommand: on a terminal, an \
            interactive prompt; with a FILE or a non-terminal standard input, \
            runs the statements in it; with -c, runs one statement. The options \
            of that default command (--socket, --json, -c, --keep-going) are \
            listed by `mnemo shell --help`.
            """,
        version: "mnemo 0.1 (schema version \(SchemaMigration.latestVersion))",
        subcommands: [Shell.self, ImportChat.self, Consolidate.self, ServeMCP.self, Export.self, Import.self],
        defaultSubcommand: Shell.self)
}

/// Exit statuses shared by the subcommands (sysexits.h where one fits).
enum ExitStatus {
    /// An answer was `ERR ...`.
    static let statementFailed = ExitCode(1)
    /// EX_NOINPUT: the statement file cannot be opened.
    static let noInput = ExitCode(66)
    /// EX_UNAVAILABLE: the daemon cannot be reached, or the connection was lost.
    static let unavailable = ExitCode(69)
    /// EX_IOERR: reading the input failed.
    static let ioError = ExitCode(74)
}

/// `--socket`, for every subcommand that talks to the daemon.
struct ConnectionOptions: ParsableArguments {
    static let defaultSocket = "./var/mnemo.sock"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The daemon's socket (default: $MNEMO_SOCKET, else \(ConnectionOptions.defaultSocket)).",
            valueName: "path"))
    var socket: String?

    var socketPath: String {
        if let socket { return socket }
        if let fromEnvironment = ProcessInfo.processInfo.environment["MNEMO_SOCKET"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return Self.defaultSocket
    }

    /// Connects, or prints why not and exits with EX_UNAVAILABLE (69).
    func connect() throws -> MnemoConnection {
        do {
            return try MnemoConnection(socketPath: socketPath)
        } catch {
            Terminal.error("mnemo: \(error)")
            throw ExitStatus.unavailable
        }
    }
}
