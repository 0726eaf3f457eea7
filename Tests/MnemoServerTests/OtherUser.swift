import Foundation
import MnemoTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Client processes run as another user, for the rules that are about uids:
/// `setpriv` gives the child the uid and gid asked for and no supplementary
/// groups, and the daemon sees them through SO_PEERCRED. Only root may switch
/// uids; elsewhere the tests that need it are skipped, saying why.
enum OtherUser {
    /// `nobody` on most systems; any uid other than the test's own would do.
    static let uid: UInt32 = 65534
    static let setpriv = "/usr/bin/setpriv"

    /// Whether this test run can start processes as another uid.
    static var available: Bool { getuid() == 0 && FileManager.default.isExecutableFile(atPath: setpriv) }

    /// The arguments that run `command` as `uid` (and gid `gid`, no other groups).
    static func command(_ command: [String], uid: UInt32 = uid, gid: UInt32? = nil) -> [String] {
        ["--reuid=\(uid)", "--regid=\(gid ?? uid)", "--clear-groups", "--"] + command
    }

    /// The condition of the tests that run a client as another uid.
    static var required: ConditionTrait {
        .enabled(if: available, "needs root and setpriv to run a client as another uid")
    }

    /// A test directory other users may search (not list), to reach a socket in it.
    static func reachableDirectory() -> TemporaryDirectory {
        let directory = TemporaryDirectory()
        chmod(directory.path, 0o711)
        return directory
    }

    /// The `mnemo` client where another uid can run it: the build directory
    /// may be closed to other users, so a copy goes in a directory they can search.
    static func clientBinary(in directory: TemporaryDirectory) throws -> String {
        let copy = directory.file("mnemo")
        if !FileManager.default.fileExists(atPath: copy) {
            try FileManager.default.copyItem(atPath: mnemoBinary, toPath: copy)
            chmod(copy, 0o755)
        }
        return copy
    }

    /// Runs `mnemo` as `uid`; its exit status and output.
    static func runMnemo(
        _ arguments: [String], in directory: TemporaryDirectory, uid: UInt32 = uid, gid: UInt32? = nil,
        input: String? = nil
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = try Spawned(arguments: command([try clientBinary(in: directory)] + arguments, uid: uid, gid: gid))
        if let input { process.write(input) }
        process.closeInput()
        let status = process.waitForExit()
        return (status, process.output, process.errors)
    }
}

/// A process started under `setpriv`, its standard output and error collected
/// as they come (so that a test can wait for a line), its input a pipe.
final class Spawned: @unchecked Sendable {
    private(set) var process = Process()
    private let input = Pipe()
    private let collected = Collected()
    /// Kept open while the reading threads read them.
    private let outputs: [Pipe]

    init(arguments: [String]) throws {
        let out = Pipe()
        let err = Pipe()
        outputs = [out, err]
        var environment = ProcessInfo.processInfo.environment
        environment["MNEMO_SOCKET"] = nil
        // Foundation's Process can fail to spawn with EBADF when other test
        // threads spawn at the same moment; a fresh Process on the next try works.
        var attempt = 0
        while true {
            process.executableURL = URL(fileURLWithPath: OtherUser.setpriv)
            process.arguments = arguments
            process.environment = environment
            process.standardOutput = out
            process.standardError = err
            process.standardInput = input
            do {
                try process.run()
                break
            } catch {
                attempt += 1
                if attempt > 5 { throw error }
                process = Process()
                usleep(50_000)
            }
        }
        let collected = self.collected
        // One thread per pipe, reading until end of file.
        for (pipe, isError) in [(out, false), (err, true)] {
            let fd = pipe.fileHandleForReading.fileDescriptor
            Thread.detachNewThread {
                var chunk = [UInt8](repeating: 0, count: 4096)
                while true {
                    let n = read(fd, &chunk, chunk.count)
                    if n < 0 && errno == EINTR { continue }
                    guard n > 0 else { break }
                    let text = String(decoding: chunk[..<n], as: UTF8.self)
                    collected.text.withLock { if isError { $0.err += text } else { $0.out += text } }
                }
                collected.drained.add(1, ordering: .releasing)
            }
        }
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        // The readers must be done before the pipes (and their descriptors) go.
        let deadline = Date().addingTimeInterval(5)
        while collected.drained.load(ordering: .acquiring) < 2 && Date() < deadline { usleep(1_000) }
    }

    var output: String { collected.text.withLock { $0.out } }
    var errors: String { collected.text.withLock { $0.err } }

    func write(_ text: String) { input.fileHandleForWriting.write(Data(text.utf8)) }
    func closeInput() { try? input.fileHandleForWriting.close() }

    /// Waits until the standard output holds `text`; whether it came within `timeout` seconds.
    func waitForOutput(containing text: String, timeout: Double = 20) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if output.contains(text) { return true }
            usleep(10_000)
        }
        return output.contains(text)
    }

    /// The exit status (after the output pipes are drained); -1 after 20 s.
    func waitForExit(timeout: Double = 20) -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        guard !process.isRunning else { return -1 }
        while collected.drained.load(ordering: .acquiring) < 2 && Date() < deadline { usleep(1_000) }
        return process.terminationStatus
    }
}

/// What a spawned process wrote, shared with the threads that read it.
final class Collected: Sendable {
    let text = Mutex<(out: String, err: String)>(("", ""))
    /// How many of the two output pipes reached end of file.
    let drained = Atomic<Int>(0)
}
