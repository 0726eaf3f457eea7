import ArgumentParser
import Foundation
import Logging
import MnemoStore

/// The Mnemo daemon. Today it opens (creating or upgrading) the default space
/// of its data directory and holds it until SIGINT or SIGTERM; the socket
/// server arrives with the daemon issue.
@main
struct Mnemod: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnemod",
        abstract: "The Mnemo memory daemon.")

    @Option(name: .long, help: "Directory holding the spaces (one SQLite file each).")
    var dataDir: String = "./var"

    func run() throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let logger = Logger(label: "mnemod")
        let spaces: SpaceManager
        let store: MemoryStore
        do {
            spaces = try SpaceManager(directory: dataDir)
            store = try spaces.store(SpaceManager.defaultSpace, create: true)
        } catch {
            logger.critical("cannot open \(dataDir): \(error)")
            throw ExitCode(1)
        }
        logger.info("opened space \"\(SpaceManager.defaultSpace)\" at \(store.path), schema version \((try? store.schemaVersion()) ?? 0)")
        logger.info("no socket yet: the protocol server is not built in this version; stop with Ctrl-C")
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        var received: Int32 = 0
        sigwait(&signals, &received)
        logger.info("signal \(received): closing \(store.path)")
    }
}
