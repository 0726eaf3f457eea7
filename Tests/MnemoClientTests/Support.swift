import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `mnemo` executable built with these tests: next to the test bundle
/// (the products directory holds both), else `$MNEMO_BIN`, else the usual
/// scratch directories of the package.
enum MnemoBinary {
    static let path: String? = {
        let fileManager = FileManager.default
        func executable(in directory: URL) -> String? {
            let candidate = directory.appendingPathComponent("mnemo").path
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
                fileManager.isExecutableFile(atPath: candidate)
            else { return nil }
            return candidate
        }
        if let explicit = ProcessInfo.processInfo.environment["MNEMO_BIN"], !explicit.isEmpty {
            return explicit
        }
        var directories: [URL] = []
        // Linux: …/debug/MnemoPackageTests.xctest is the test executable;
        // macOS: …/debug/MnemoPackageTests.xctest/Contents/MacOS/MnemoPackageTests.
        var starts: [URL] = [Bundle.main.bundleURL]
        if let executable = Bundle.main.executableURL { starts.append(executable) }
        starts += Bundle.allBundles.map(\.bundleURL).filter { $0.pathExtension == "xctest" }
        starts.append(URL(fileURLWithPath: CommandLine.arguments[0]))
        for start in starts {
            var directory = start.deletingLastPathComponent()
            for _ in 0..<4 {
                directories.append(directory)
                directory = directory.deletingLastPathComponent()
            }
        }
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for scratch in [".build-client", ".build"] {
            directories.append(packageRoot.appendingPathComponent(scratch).appendingPathComponent("debug"))
        }
        for directory in directories {
            if let found = executable(in: directory) { return found }
        }
        return nil
    }()
}

struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum Subprocess {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The environment for `mnemo`: no socket or history from the outside.
    static func environment(_ extra: [String: String]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["MNEMO_SOCKET"] = nil
        environment["MNEMO_HISTORY"] = ""
        for (key, value) in extra { environment[key] = value }
        return environment
    }

    /// Runs `mnemo` with `input` as its standard input (a file, so not a
    /// terminal), collecting its output; fails after `timeout` seconds.
    static func runMnemo(
        _ arguments: [String], input: String = "", environment extra: [String: String] = [:], timeout: Double = 10
    ) throws -> RunResult {
        guard let binary = MnemoBinary.path else {
            throw Failure(description: "the mnemo executable was not found next to the test bundle (set MNEMO_BIN)")
        }
        let directory = try TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        let inputPath = directory + "/in"
        let outputPath = directory + "/out"
        let errorPath = directory + "/err"
        try Data(input.utf8).write(to: URL(fileURLWithPath: inputPath))
        try Data().write(to: URL(fileURLWithPath: outputPath))
        try Data().write(to: URL(fileURLWithPath: errorPath))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = environment(extra)
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let stdin = try FileHandle(forReadingFrom: URL(fileURLWithPath: inputPath))
        let stdout = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        let stderr = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        try? stdin.close()
        try? stdout.close()
        try? stderr.close()
        guard waitForExit(process, timeout: timeout) else {
            throw Failure(description: "mnemo \(arguments) did not finish within \(timeout) s")
        }
        return RunResult(
            status: process.terminationStatus,
            stdout: (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "")
    }

    /// Waits for the process; kills it and returns false after `timeout` seconds.
    static func waitForExit(_ process: Process, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline {
                process.terminate()
                kill(process.processIdentifier, SIGKILL)
                return false
            }
            usleep(2_000)
        }
        process.waitUntilExit()
        return true
    }
}

/// A pseudo-terminal pair: the child gets the slave as its terminal, the test
/// talks through the master.
final class PseudoTerminal {
    let master: Int32
    let slave: Int32
    /// Everything read from the master so far.
    private var bytes: [UInt8] = []
    var transcript: String { String(decoding: bytes, as: UTF8.self) }
    /// A position in the transcript, for waiting on output that comes after it.
    var mark: Int { bytes.count }

    /// A terminal `columns` wide and `rows` high (the size `TIOCGWINSZ` reports to the child).
    init(columns: Int = 100, rows: Int = 24) throws {
        #if os(Linux)
        // posix_openpt/grantpt/unlockpt/ptsname are not visible through the
        // Glibc module; their Linux implementation is /dev/ptmx and two ioctls.
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0 else {
            throw Subprocess.Failure(description: "open /dev/ptmx: \(String(cString: strerror(errno)))")
        }
        let unlockRequest: UInt = 0x4004_5431 // TIOCSPTLCK
        var unlock: Int32 = 0
        guard ioctl(master, unlockRequest, &unlock) == 0 else {
            throw Subprocess.Failure(description: "TIOCSPTLCK: \(String(cString: strerror(errno)))")
        }
        // TIOCGPTPEER opens this master's own slave; a /dev/pts/N path from
        // TIOCGPTN can name another pty when several devpts instances are mounted.
        let peerRequest: UInt = 0x5441 // TIOCGPTPEER (Linux 4.13)
        let peer = ioctl(master, peerRequest, O_RDWR | O_NOCTTY | O_CLOEXEC)
        if peer >= 0 {
            slave = peer
        } else {
            let numberRequest: UInt = 0x8004_5430 // TIOCGPTN
            var number: UInt32 = 0
            guard ioctl(master, numberRequest, &number) == 0 else {
                throw Subprocess.Failure(description: "TIOCGPTN: \(String(cString: strerror(errno)))")
            }
            slave = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY | O_CLOEXEC)
        }
        #else
        master = posix_openpt(O_RDWR | O_NOCTTY)
        guard master >= 0, grantpt(master) == 0, unlockpt(master) == 0, let name = ptsname(master) else {
            throw Subprocess.Failure(description: "posix_openpt: \(String(cString: strerror(errno)))")
        }
        _ = fcntl(master, F_SETFD, FD_CLOEXEC)
        slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)
        #endif
        guard slave >= 0 else {
            throw Subprocess.Failure(description: "open slave: \(String(cString: strerror(errno)))")
        }
        resize(columns: columns, rows: rows)
    }

    /// Sets the window size, as a terminal emulator does when its window is resized.
    func resize(columns: Int, rows: Int = 24) {
        var size = winsize(ws_row: UInt16(clamping: rows), ws_col: UInt16(clamping: columns), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(slave, UInt(TIOCSWINSZ), &size)
    }

    deinit {
        close(master)
        closeSlave()
    }

    private var slaveOpen = true

    func closeSlave() {
        if slaveOpen {
            close(slave)
            slaveOpen = false
        }
    }

    /// Waits until the terminal is in non-canonical ("raw") mode, i.e. line
    /// editing reads keys. libedit prints its prompt before it switches modes;
    /// keys typed before that go through the kernel's line discipline (a
    /// Ctrl-D there is lost), so tests type only once this returns true.
    func waitForLineEditing(timeout: Double = 3) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var settings = termios()
            if tcgetattr(slave, &settings) == 0 && settings.c_lflag & tcflag_t(ICANON) == 0 { return true }
            usleep(1_000)
        }
        return false
    }

    /// Writes to the master, as if typed.
    func type(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(master, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }

    /// Where the last successful `waitFor` match ended (a mark).
    private(set) var lastMatchEnd = 0

    /// Reads until the transcript after `mark` contains `needle`; returns
    /// false after `timeout` seconds or at end of file.
    func waitFor(_ needle: String, after mark: Int = 0, timeout: Double = 3) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        let pattern = Array(needle.utf8)
        while true {
            if let end = Self.find(pattern, in: bytes, from: mark) {
                lastMatchEnd = end
                return true
            }
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { return false }
            var poller = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(remaining * 1000) + 1)
            if ready <= 0 { continue }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = read(master, &buffer, buffer.count)
            if count <= 0 { return false }
            bytes += buffer[0..<count]
        }
    }

    /// The end of the first occurrence of `pattern` at or after `start`.
    private static func find(_ pattern: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard !pattern.isEmpty, bytes.count >= pattern.count else { return nil }
        var index = max(start, 0)
        while index + pattern.count <= bytes.count {
            if bytes[index] == pattern[0] && bytes[index..<index + pattern.count].elementsEqual(pattern) {
                return index + pattern.count
            }
            index += 1
        }
        return nil
    }
}
