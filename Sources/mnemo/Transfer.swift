import ArgumentParser
import Foundation
import MnemoClient

/// `mnemo export FILE` and `mnemo import FILE`: the statement `export to` or
/// `import from` with FILE made absolute (the daemon reads and writes the
/// file itself; docs/export-import.md says why), in the space given, with a
/// progress line on a terminal.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a space to a JSON Lines file (the daemon writes it; admin only).",
        discussion: """
            Sends `export to "FILE"` (FILE made absolute; the daemon creates it, mode 0600, \
            and never overwrites one). The file holds everything needed to rebuild the space; \
            --derived adds what consolidation derived, --activation the activation log. \
            docs/export-import.md describes the format. Exit status: 0 written, 1 refused \
            (the message says why), 69 when the daemon cannot be reached.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .long, help: "Export this space (default: the connection's default space).")
    var space: String?

    @Flag(name: .long, help: "Also export what consolidation derived (persona attributes, insights, links, scene summaries).")
    var derived = false

    @Flag(name: .long, help: "Also export the activation log.")
    var activation = false

    @Flag(name: .shortAndLong, help: "Print a summary line.")
    var verbose = false

    @Argument(help: "The file to create.")
    var file: String

    func run() throws {
        var statement = "export to \(StatementInfo.quoted(Transfer.absolute(file)))"
        let parts = [derived ? "derived" : nil, activation ? "activation" : nil].compactMap { $0 }
        if !parts.isEmpty { statement += " with " + parts.joined(separator: ", ") }
        try Transfer.run("export", statement, connection: connection, space: space, verbose: verbose)
    }
}

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Rebuild a space from a file mnemo export wrote (the daemon reads it; admin only).",
        discussion: """
            Sends `import from "FILE"` (FILE made absolute) in --space (created if it does \
            not exist), which must be empty. Ids are kept as in the file. One transaction: \
            a bad line is reported with its number and nothing is imported. Exit status: 0 \
            imported, 1 refused, 69 when the daemon cannot be reached.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .long, help: "Import into this space (created if you may create spaces).")
    var space: String?

    @Flag(name: .shortAndLong, help: "Print a summary line.")
    var verbose = false

    @Argument(help: "The export file.")
    var file: String

    func run() throws {
        try Transfer.run("import", "import from \(StatementInfo.quoted(Transfer.absolute(file)))", connection: connection, space: space, verbose: verbose)
    }
}

/// What `mnemo export` and `mnemo import` share.
enum Transfer {
    /// `path` from the working directory, as the daemon needs it.
    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    static func run(_ operation: String, _ statement: String, connection options: ConnectionOptions, space: String?, verbose: Bool) throws {
        let client = try options.connect()
        let started = Date()
        let answer: Response
        do {
            if let space {
                let used = try client.request("use space \(StatementInfo.quoted(space))")
                guard used.isOK else {
                    Terminal.error("mnemo \(operation): \(used.headerLine)")
                    throw ExitStatus.statementFailed
                }
            }
            let progress = ProgressLine.forStandardError(delay: 0)
            progress?.begin("\(operation) running")
            let poller = progress.map { TransferPoller.start(operation, socket: options.socketPath, space: space, line: $0) }
            defer {
                poller?.finish()
                progress?.end()
            }
            answer = try client.request(statement)
        } catch let error as MnemoClientError {
            Terminal.error("mnemo \(operation): \(error)")
            throw ExitStatus.unavailable
        }
        guard answer.isOK else {
            Terminal.error("mnemo \(operation): \(answer.headerLine)")
            throw ExitStatus.statementFailed
        }
        if verbose, let line = answer.lines.first, let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] {
            let counts = (object["counts"] as? [String: Int] ?? [:]).filter { $0.value > 0 }.sorted { $0.key < $1.key }
            let seconds = Date().timeIntervalSince(started)
            print(
                String(format: "%@ %@ in %.2f s: ", operation == "export" ? "exported to" : "imported from", object["path"] as? String ?? "", seconds)
                    + counts.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
        }
    }
}
