import Dispatch
import Foundation

/// Runs the reflector command (daemon.conf `reflector`): the request JSON on
/// its stdin, its answer read from stdout, within a time limit. The command
/// line runs through `/bin/sh -c`, so it may carry arguments.
struct ReflectorHook {
    let command: String
    let timeout: Double

    enum Failure: Error, CustomStringConvertible {
        case launch(String)
        case timeout(Double)
        case exit(Int32, String)
        case badJSON(String)
        var description: String {
            switch self {
            case .launch(let why): "could not start: \(why)"
            case .timeout(let s): "took longer than \(s) s and was stopped"
            case .exit(let status, let stderr): "exited with status \(status)\(stderr.isEmpty ? "" : ": \(stderr)")"
            case .badJSON(let why): "answered something that is not the expected JSON: \(why)"
            }
        }
    }

    func call(_ request: Data) throws(Failure) -> Data {
        // A command that exits without reading its input must not kill us with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        do { try process.run() } catch { throw .launch("\(error)") }
        // Feed stdin and drain stdout/stderr on their own threads, so a large
        // request or answer cannot fill a pipe and stall both sides.
        let group = DispatchGroup()
        nonisolated(unsafe) var answer = Data()
        nonisolated(unsafe) var complaint = Data()
        DispatchQueue.global().async(group: group) {
            // A command that stops reading early fails the write; its exit status says why.
            try? input.fileHandleForWriting.write(contentsOf: request)
            try? input.fileHandleForWriting.close()
        }
        DispatchQueue.global().async(group: group) { answer = output.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { complaint = errors.fileHandleForReading.readDataToEndOfFile() }
        if done.wait(timeout: .now() + timeout) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            _ = done.wait(timeout: .now() + 5)
            _ = group.wait(timeout: .now() + 5)
            throw .timeout(timeout)
        }
        _ = group.wait(timeout: .now() + 5)
        guard process.terminationStatus == 0 else {
            let text = String(decoding: complaint.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw .exit(process.terminationStatus, text)
        }
        return answer
    }
}
