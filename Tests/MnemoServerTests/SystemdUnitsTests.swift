import Foundation
import MnemoClient
import MnemoTestSupport
import Testing

/// `contrib/systemd/`: the units pass `systemd-analyze verify`, and the
/// commands they start work as written — the service's `mnemod` line serves
/// over its socket with the shipped `daemon.conf`, and the timer's service
/// consolidates through it — with the installed paths moved to a temporary
/// directory. (systemd itself is not started: this sandbox has none as init.)
@Suite("contrib/systemd: the units verify, and what they run works")
struct SystemdUnitsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let units = root.appendingPathComponent("contrib/systemd").path
    static let names = ["mnemod.service", "mnemo-consolidate.service", "mnemo-consolidate.timer"]
    static let analyze = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The unit's `key=value` lines for `key`, in order.
    static func values(_ key: String, in unit: String) throws -> [String] {
        try String(contentsOfFile: units + "/" + unit, encoding: .utf8).split(separator: "\n")
            .filter { $0.hasPrefix(key + "=") }.map { String($0.dropFirst(key.count + 1)) }
    }

    /// The unit's `ExecStart` with the installed paths replaced.
    static func command(of unit: String, _ replacements: [String: String]) throws -> [String] {
        let line = try #require(try values("ExecStart", in: unit).first)
        return line.split(separator: " ").map { word in replacements[String(word)] ?? String(word) }
    }

    /// Runs a program to its end; its exit status and what it printed.
    static func run(_ arguments: [String]) throws -> (Int32, String) {
        let (status, stdout, stderr) = try ChildProcess.outputs {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: arguments[0])
            process.arguments = Array(arguments.dropFirst())
            return process
        }
        return (status, stdout + stderr)
    }

    @Test(
        "systemd-analyze verify passes the three units (their commands pointed at the built binaries)",
        .enabled(if: analyze != nil, "systemd-analyze is not installed"))
    func verify() throws {
        let directory = TemporaryDirectory()
        let binaries = (MnemodBinary.forTests as NSString).deletingLastPathComponent
        for name in Self.names {
            let text = try String(contentsOfFile: Self.units + "/" + name, encoding: .utf8)
                .replacingOccurrences(of: "/usr/local/bin/", with: binaries + "/")
            try text.write(toFile: directory.file(name), atomically: true, encoding: .utf8)
        }
        // --man=no: the man pages are not installed here.
        let (status, output) = try Self.run([Self.analyze!, "verify", "--man=no"] + Self.names.map(directory.file))
        #expect(status == 0, "\(output)")
        #expect(output.isEmpty, "\(output)")
    }

    @Test("the service's mnemod line serves with the shipped daemon.conf, the timer's service consolidates through its socket, SIGTERM ends it")
    func commandsWork() throws {
        let directory = TemporaryDirectory()
        let binaries = (MnemodBinary.forTests as NSString).deletingLastPathComponent
        let socket = directory.file("run/mnemo.sock")
        try FileManager.default.createDirectory(atPath: directory.file("run"), withIntermediateDirectories: true)
        let paths = [
            "/usr/local/bin/mnemod": binaries + "/mnemod", "/usr/local/bin/mnemo": binaries + "/mnemo",
            "/etc/mnemo/daemon.conf": Self.root.appendingPathComponent("daemon.conf").path,
            "/var/lib/mnemo": directory.file("lib"), "/run/mnemo/mnemo.sock": socket,
        ]
        let daemon = try Self.command(of: "mnemod.service", paths)
        #expect(daemon.first == binaries + "/mnemod")
        let launch = MnemodLaunch(
            binary: daemon[0], config: nil, dataDirectory: directory.file("lib"), socket: socket,
            extraArguments: Array(daemon.dropFirst()).filter { !$0.isEmpty })
        let process = try MnemodProcess(launch, in: directory)
        let client = try process.connect()
        #expect(try client.request(#"remember "Ann paints on Sundays." by ann"#).isOK)
        let consolidate = try Self.command(of: "mnemo-consolidate.service", paths)
        let (status, output) = try Self.run(consolidate)
        #expect(status == 0, "\(output)")
        #expect(output.contains("space default: run 1"), "\(output)")
        #expect(try Self.values("SuccessExitStatus", in: "mnemo-consolidate.service") == ["75"])
        process.signal(SIGTERM)
        #expect(process.waitForExit() == 0)
    }
}
