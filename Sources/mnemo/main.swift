import ArgumentParser
import MnemoSchemas

/// The Mnemo client. The REPL and the socket client arrive with the daemon
/// issue; today it reports its version and the schema it writes.
@main
struct Mnemo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnemo",
        abstract: "The Mnemo client.",
        version: "mnemo 0.1 (schema version \(SchemaMigration.latestVersion))")
}
