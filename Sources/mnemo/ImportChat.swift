import ArgumentParser
import Foundation
import MnemoClient

/// `mnemo import-chat FILE`: a conversation log into the memory, one
/// `remember` per turn, pipelined.
struct ImportChat: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-chat",
        abstract: "Import a conversation log (Mnemo's JSON format or LoCoMo's) as episodes.",
        discussion: """
            Each turn becomes `remember "text" by SPEAKER at TIME in scene "SESSION" ref "ID"`; \
            sessions become scenes. Statements are pipelined in batches. The format is \
            described in docs/import-chat.md. Exit status: 0 when every turn was stored, \
            1 when some were refused (each is reported), 65 for a file in neither format.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .long, help: "Import into this space (created if you may create spaces).")
    var space: String?

    @Option(name: .long, help: "Statements per batch; the next batch is sent before the answers to the last are read.")
    var batch: Int = 250

    @Flag(name: .shortAndLong, help: "Print a summary line.")
    var verbose = false

    @Argument(help: "The conversation file (JSON).")
    var file: String

    func run() throws {
        let chat: ChatImport
        do {
            chat = try ChatImport.load(path: file)
        } catch {
            Terminal.error("mnemo import-chat: \(error)")
            throw ExitCode(65)
        }
        let client = try connection.connect()
        if let space {
            let answer = try request(client, "use space \(StatementInfo.quoted(space))")
            if case .error = answer {
                Terminal.error("mnemo import-chat: \(answer.headerLine)")
                throw ExitStatus.statementFailed
            }
        }
        let started = Date()
        var failures = 0
        let progress = ProgressLine.forStandardError(delay: 0)
        let name = (file as NSString).lastPathComponent
        let total = chat.turns.count
        progress?.begin("importing \(name): 0 of \(total) turns")
        do {
            defer { progress?.end() }
            try client.pipeline(chat.turns.map(\.statement), batch: max(1, batch)) { index, answer in
                if case .error = answer {
                    failures += 1
                    let message = "\(chat.turns[index].ref ?? "turn"): \(answer.headerLine)"
                    if let progress { progress.interrupt { Terminal.error(message) } } else { Terminal.error(message) }
                }
                progress?.update("importing \(name): \(index + 1) of \(total) turns (\((index + 1) * 100 / max(total, 1))%)")
            }
        } catch {
            Terminal.error("mnemo import-chat: \(error)")
            throw ExitStatus.unavailable
        }
        let seconds = Date().timeIntervalSince(started)
        if verbose || failures > 0 {
            let rate = seconds > 0 ? Double(chat.turns.count) / seconds : 0
            print(
                String(
                    format: "imported %d of %d turns (%d sessions, %@ format) in %.2f s, %.0f turns/s",
                    chat.turns.count - failures, chat.turns.count, chat.sessions, chat.format, seconds, rate))
        }
        if failures > 0 { throw ExitStatus.statementFailed }
    }

    private func request(_ client: MnemoConnection, _ statement: String) throws -> Response {
        do { return try client.request(statement) } catch {
            Terminal.error("mnemo import-chat: \(error)")
            throw ExitStatus.unavailable
        }
    }
}
