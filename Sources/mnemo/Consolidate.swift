import ArgumentParser
import Foundation
import MnemoClient

/// `mnemo consolidate`: one consolidation run, for cron and scripts. Quiet
/// when all went well; exit status 0 done, 1 error, 75 another run in progress.
struct Consolidate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consolidate",
        abstract: "Run the reflective consolidation passes now (for cron).",
        discussion: """
            Sends `consolidate` (or `consolidate dry run`) to the daemon, for each \
            --space given (else the connection's default space). Prints nothing when \
            the run succeeds; -v prints one summary line per space. Warnings (a \
            reflector command that failed) go to standard error, and so does the \
            time a run has taken while it runs when standard error is a terminal. Exit status: 0 done, \
            1 error (including a daemon that cannot be reached), 75 (EX_TEMPFAIL) \
            another consolidation of that space is in progress: try again later. \
            docs/operations.md has a crontab line and a systemd timer.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .long, help: "Consolidate this space (repeat for several).")
    var space: [String] = []

    @Flag(name: .customLong("dry-run"), help: "Report what a run would change, and change nothing.")
    var dryRun = false

    @Flag(name: .shortAndLong, help: "Print a one-line summary per space.")
    var verbose = false

    static let inProgress = ExitCode(75)

    func run() throws {
        let client: MnemoConnection
        do {
            client = try MnemoConnection(socketPath: connection.socketPath)
        } catch {
            Terminal.error("mnemo consolidate: \(error)")
            throw ExitStatus.statementFailed
        }
        var status: ExitCode = .success
        for space in space.isEmpty ? [nil] : space.map(Optional.some) {
            let label = space ?? "default"
            do {
                if let space {
                    let answer = try client.request("use space \(StatementInfo.quoted(space))")
                    if case .error = answer {
                        Terminal.error("mnemo consolidate: space \(label): \(answer.headerLine)")
                        status = ExitStatus.statementFailed
                        continue
                    }
                }
                let progress = ProgressLine.forStandardError()
                progress?.begin("consolidating space \(label)")
                let answer: Response
                do {
                    defer { progress?.end() }
                    answer = try client.request(dryRun ? "consolidate dry run" : "consolidate")
                }
                guard answer.isOK else {
                    Terminal.error("mnemo consolidate: space \(label): \(answer.headerLine)")
                    if answer.headerLine.hasPrefix("ERR BUSY"), status == .success {
                        status = Self.inProgress
                    } else if !answer.headerLine.hasPrefix("ERR BUSY") {
                        status = ExitStatus.statementFailed
                    }
                    continue
                }
                let lines = answer.lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                let head = lines.first ?? [:]
                for warning in head["warnings"] as? [String] ?? [] { Terminal.error("mnemo consolidate: space \(label): \(warning)") }
                if verbose {
                    let passes = lines.dropFirst().map { "\($0["pass"] as? String ?? "?") \($0["changes"] as? Int ?? 0)" }
                    print(
                        "space \(label): \(dryRun ? "dry run" : "run \(head["run"] as? Int ?? 0)"), "
                            + "\(head["changes"] as? Int ?? 0) changes in \(head["duration_ms"] as? Double ?? 0) ms ("
                            + passes.joined(separator: ", ") + ")")
                }
            } catch {
                Terminal.error("mnemo consolidate: space \(label): \(error)")
                status = ExitStatus.statementFailed
            }
        }
        if status != .success { throw status }
    }
}
