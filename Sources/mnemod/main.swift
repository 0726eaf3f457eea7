import ArgumentParser
import Foundation
import Logging
import MnemoModel
import MnemoServer
import ServiceLifecycle

/// `mnemod`: the Mnemo memory daemon.
@main
struct Mnemod: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnemod",
        abstract: "The Mnemo memory daemon: a temporal knowledge graph served over a Unix socket.",
        discussion: """
            With no flags and no --config it runs on the embedded default: spaces under ./var, \
            socket ./var/mnemo.sock. Flags override keys of the configuration file. \
            SIGTERM/SIGINT stop it gracefully; SIGHUP reloads the configuration (limits and access rules).
            """)

    @Option(name: .long, help: "Configuration file (postgresql.conf style; see daemon.conf).")
    var config: String?

    @Option(name: .long, help: "Directory holding the spaces (key data_dir).")
    var dataDir: String?

    @Option(name: .long, help: "Unix socket path (key socket; default <data-dir>/mnemo.sock).")
    var socket: String?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical (key log_level).")
    var logLevel: String?

    func run() async throws {
        // Everything mnemod creates is private to its user: the data directory
        // and its subdirectories 0700, space files, their -wal and -shm, and the
        // pid file 0600. The socket gets socket_mode explicitly.
        umask(0o077)
        let load: @Sendable () throws -> DaemonConfig = { [config, dataDir, socket, logLevel] in
            var loaded = try config.map { path throws(ConfigError) in try DaemonConfig.load(path: path) } ?? DaemonConfig()
            if let dataDir { try loaded.apply(key: "data_dir", value: dataDir, file: "--data-dir", line: 0) }
            if let socket { try loaded.apply(key: "socket", value: socket, file: "--socket", line: 0) }
            if let logLevel { try loaded.apply(key: "log_level", value: logLevel, file: "--log-level", line: 0) }
            return loaded
        }
        let settings: DaemonConfig
        do {
            settings = try load()
        } catch {
            FileHandle.standardError.write(Data("mnemod: \(error)\n".utf8))
            throw ExitCode(78) // EX_CONFIG
        }
        let level = settings.logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "mnemod")
        logger.logLevel = level

        let daemon: MnemoDaemon
        do {
            daemon = try MnemoDaemon(config: settings, logger: logger, reloadConfig: load)
        } catch {
            logger.critical("cannot start: \(error.message)")
            throw ExitCode(error.code == .busy ? 75 : 1)
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [daemon], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch let error as ConfigError {
            // An address in daemon.conf that cannot be listened on (metrics_listen).
            logger.critical("cannot start: \(error)")
            throw ExitCode(78) // EX_CONFIG
        } catch {
            logger.critical("stopped on an error: \(error)")
            throw ExitCode(1)
        }
    }
}
