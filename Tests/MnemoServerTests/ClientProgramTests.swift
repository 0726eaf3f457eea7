import Foundation
import MnemoTestSupport
import Testing

/// The `mnemo` client built beside `mnemod`.
var mnemoBinary: String { (MnemodBinary.forTests as NSString).deletingLastPathComponent + "/mnemo" }

/// Runs `mnemo` with arguments; its exit status and output.
func runMnemo(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: mnemoBinary)
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment["MNEMO_SOCKET"] = nil
    process.environment = environment
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    var attempt = 0
    while true {
        do {
            try process.run()
            break
        } catch {
            attempt += 1
            if attempt > 5 { throw error }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
}

@Suite("The mnemo client against a real daemon")
struct ClientProgramTests {
    @Test("mnemo import-chat pipelines 600 turns in overlapping batches; every one is stored, in order")
    func importChat() throws {
        let daemon = try MnemodProcess()
        let turns = (0..<600).map { #"{"speaker": "ann", "text": "note number \#($0)", "ref": "t\#($0)"}"# }
        let file = daemon.directory.file("chat.json")
        try #"{"sessions": [{"scene": "long", "at": "2024-02-01T09:00:00Z", "turns": [\#(turns.joined(separator: ","))]}]}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        let result = try runMnemo(["import-chat", file, "--batch", "100", "-v", "--socket", daemon.socketPath])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("imported 600 of 600 turns"))
        let episodes = try daemon.connect().request(#"scene "long""#).objects.dropFirst()
        #expect(episodes.map { $0["ref"] as? String } == (0..<600).map { "t\($0)" })
    }
}
