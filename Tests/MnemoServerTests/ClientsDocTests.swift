import Foundation
import MnemoTestSupport
import Testing

/// The clients `docs/clients.md` shows, run as the page writes them against a
/// real `mnemod`: the Python client with its example (standard library only),
/// and the shell pipeline through `socat`.
@Suite("docs/clients.md: its Python and socat clients work as written")
struct ClientsDocTests {
    static let page = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/clients.md").path

    /// The page's fenced blocks of one language ("" for none), in order.
    static func blocks(_ language: String) throws -> [String] {
        let text = try String(contentsOfFile: page, encoding: .utf8)
        var blocks: [String] = []
        var open: (language: Substring, lines: [Substring])?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let fence = open {
                if line == "```" {
                    if fence.language == language { blocks.append(fence.lines.joined(separator: "\n") + "\n") }
                    open = nil
                } else {
                    open!.lines.append(line)
                }
            } else if line.hasPrefix("```") {
                open = (line.dropFirst(3), [])
            }
        }
        return blocks
    }

    /// What the page shows the clients print: its fenced blocks with no language, in order.
    static func outputs() throws -> [[String]] {
        try blocks("").map { $0.split(separator: "\n").map(String.init) }
    }

    /// Runs `executable` with `arguments` in `directory`, `MNEMO_SOCKET` set.
    static func run(_ executable: String, _ arguments: [String], in directory: String, socket: String) throws -> (Int32, String, String) {
        try ChildProcess.outputs {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.currentDirectoryURL = URL(fileURLWithPath: directory)
            var environment = ProcessInfo.processInfo.environment
            environment["MNEMO_SOCKET"] = socket
            process.environment = environment
            return process
        }
    }

    /// The first of `names` found on `PATH`.
    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test("the Python client and its example print what the page says, an ERR and a pipeline included")
    func python() throws {
        let python = try #require(Self.which("python3"), "python3 is installed by scripts/install-deps.sh")
        let blocks = try Self.blocks("python")
        try #require(blocks.count == 2, "the page has the client and the example")
        let daemon = try MnemodProcess()
        let directory = TemporaryDirectory()
        try blocks[0].write(toFile: directory.file("mnemo_client.py"), atomically: true, encoding: .utf8)
        try blocks[1].write(toFile: directory.file("example.py"), atomically: true, encoding: .utf8)
        let (status, stdout, stderr) = try Self.run(python, ["example.py"], in: directory.path, socket: daemon.socketPath)
        #expect(status == 0, "\(stderr)")
        let shown = try #require(try Self.outputs().first)
        #expect(shown.first?.hasSuffix("python3 example.py") == true, "the first output block is the example's")
        #expect(stdout.split(separator: "\n").map(String.init) == Array(shown.dropFirst()))
    }

    @Test("the socat pipeline answers each statement in order, and the connection ends with the input")
    func socat() throws {
        let socat = try #require(Self.which("socat"), "socat is installed by scripts/install-deps.sh")
        let script = try #require(try Self.blocks("sh").first)
        #expect(script.contains("socat"))
        let daemon = try MnemodProcess()
        let directory = TemporaryDirectory()
        let (status, stdout, stderr) = try Self.run("/bin/sh", ["-c", script], in: directory.path, socket: daemon.socketPath)
        #expect(status == 0, "\(stderr) (socat at \(socat))")
        let lines = stdout.split(separator: "\n").map(String.init)
        let outputs = try Self.outputs()
        try #require(outputs.count == 2, "the page shows the Python example's output, then socat's")
        let expected = outputs[1]
        #expect(lines.count == expected.count, "\(lines)")
        for (line, shown) in zip(lines, expected) {
            // The page elides the fields after the ones it shows, marked "...}".
            let prefix = shown.hasSuffix("...}") ? String(shown.dropLast(4)) : shown
            #expect(line.hasPrefix(prefix), "\(line) does not begin as the page shows: \(shown)")
        }
    }
}
