import Foundation
import MnemoClient
import MnemoTestSupport
import Testing

/// A few turns in three scenes, enough for every pass to have work.
func chat(_ client: MnemoConnection) throws {
    for (i, day) in ["2023-05-08", "2023-06-08", "2023-07-08"].enumerated() {
        #expect(try client.request(#"remember "Hey Mel, I went hiking with my sister." by caroline at \#(day)T10:00 in scene "chat \#(i)""#).code == nil)
        #expect(try client.request(#"remember "Sounds lovely, Caroline." by melanie at \#(day)T10:01 in scene "chat \#(i)""#).code == nil)
    }
}

/// A consolidation started on its own connection, in a daemon whose
/// reflector (`body`, after reading its input) first touches a marker file:
/// `start` returns once the run is inside the reflector; `wait` gives its answer.
final class BackgroundRun: @unchecked Sendable {
    let directory = TemporaryDirectory()
    let daemon: MnemodProcess
    private let finished = DispatchSemaphore(value: 0)
    private var answer: Response?

    init(reflector body: String, config extra: String = "") throws {
        let marker = directory.file("reflecting")
        let script = directory.file("reflector.sh")
        try "#!/bin/sh\ncat >/dev/null\ntouch \(marker)\n\(body)\n".write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        daemon = try MnemodProcess(config: "reflector = \(script)\n" + extra, directory: directory)
        try chat(daemon.connect())
        // Handed to the thread below and used there alone.
        nonisolated(unsafe) let runner = try daemon.connect()
        Thread.detachNewThread { [self] in
            answer = try? runner.request("consolidate")
            finished.signal()
        }
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: marker), Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
    }

    var config: String { (try? String(contentsOfFile: daemon.configPath, encoding: .utf8)) ?? "" }

    func wait() -> Response? {
        guard finished.wait(timeout: .now() + 30) == .success else { return nil }
        return answer
    }
}

@Suite("Consolidation over the socket", .serialized)
struct ConsolidationServerTests {
    @Test("mnemo consolidate: quiet on success, one line with -v, exit 0; the journal lists the runs; undo over the socket")
    func cronCommand() throws {
        let daemon = try MnemodProcess()
        let client = try daemon.connect()
        try chat(client)
        let quiet = try runMnemo(["consolidate", "--socket", daemon.socketPath])
        #expect(quiet.status == 0)
        #expect(quiet.stdout.isEmpty && quiet.stderr.isEmpty)
        let verbose = try runMnemo(["consolidate", "-v", "--socket", daemon.socketPath])
        #expect(verbose.status == 0)
        #expect(verbose.stdout.split(separator: "\n").count == 1)
        #expect(verbose.stdout.hasPrefix("space default: run 2, 0 changes"))
        let dry = try runMnemo(["consolidate", "--dry-run", "-v", "--socket", daemon.socketPath])
        #expect(dry.status == 0 && dry.stdout.contains("dry run"))
        let journal = try client.request("consolidations").objects
        #expect(journal.map { $0["status"] as? String } == ["dry run", "done", "done"])
        // stats tells an operator the last run and whether one is going on.
        let stats = Dictionary(
            try client.request("stats").objects.compactMap { o in (o["name"] as? String).map { ($0, o["value"]) } },
            uniquingKeysWith: { a, _ in a })
        #expect(stats["consolidation_last_run"] as? Int == 2)
        #expect(stats["consolidation_last_status"] as? String == "done")
        #expect(stats["consolidation_running"] as? Bool == false)
        // "Mel" was linked to Melanie: her persona answers to it.
        let mel = try client.request("persona mel").objects
        #expect(!mel.isEmpty && mel.allSatisfy { $0["entity"] as? String == "melanie" })
        #expect(try client.request("persona caroline").objects.contains { $0["value"] as? String == "hiking" && $0["category"] as? String == "activity" })
        let undo = try client.request("undo consolidation 1")
        #expect(undo.objects.first?["kind"] as? String == "undo")
        #expect(try client.request("persona caroline").objects.isEmpty)
        // Recall still works on the graph rebuilt after the undo.
        #expect(try client.request(#"recall "hiking" limit 3"#).lines.count == 3)
    }

    @Test("mnemo consolidate exits 1 when the daemon cannot be reached, and for an unknown space")
    func cronErrors() throws {
        let missing = try runMnemo(["consolidate", "--socket", "/tmp/no-such-mnemo.sock"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no-such-mnemo.sock"))
        let daemon = try MnemodProcess()
        let badSpace = try runMnemo(["consolidate", "--space", "bad name", "--socket", daemon.socketPath])
        #expect(badSpace.status == 1)
        #expect(badSpace.stderr.contains("ERR INVALID"))
    }

    @Test("While a run is in progress: another exits 75, reads are answered, writes commit; a failing reflector is logged")
    func duringARun() throws {
        let run = try BackgroundRun(reflector: "sleep 2\nexit 3", config: "reflector_timeout = 20s\n")
        let daemon = run.daemon
        let client = try daemon.connect()
        // Another run of the same space: EX_TEMPFAIL.
        let second = try runMnemo(["consolidate", "--socket", daemon.socketPath])
        #expect(second.status == 75)
        #expect(second.stderr.contains("ERR BUSY"))
        // Reads and writes go on.
        let started = Date()
        #expect(try client.request(#"recall "hiking" limit 2"#).lines.count == 2)
        #expect(try client.request(#"remember "Back from the trip" by caroline at 2023-08-01T10:00"#).code == nil)
        #expect(Date().timeIntervalSince(started) < 1.5)
        let head = run.wait()?.objects.first
        #expect(head?["kind"] as? String == "consolidation")
        #expect((head?["warnings"] as? [String])?.first?.contains("exited with status 3") == true)
        #expect(daemon.log.contains("exited with status 3"))
    }

    @Test("SIGTERM during a run: the run stops at its next pass, journaled as interrupted, and the daemon exits 0")
    func shutdownDuringARun() throws {
        let run = try BackgroundRun(reflector: "sleep 1\necho '{}'")
        let daemon = run.daemon
        let config = run.config
        daemon.signal(SIGTERM)
        #expect(run.wait()?.code == "BUSY")
        #expect(daemon.waitForExit() == 0)
        let again = try MnemodProcess(config: config, directory: run.directory)
        let journal = try again.connect().request("consolidations").objects
        #expect(journal.first?["status"] as? String == "interrupted")
        // What it did is journaled and can be undone.
        #expect(try again.connect().request("undo consolidation 1").objects.first?["kind"] as? String == "undo")
    }

    @Test("consolidate_interval runs consolidation on a schedule")
    func schedule() throws {
        let daemon = try MnemodProcess(config: "consolidate_interval = 1s\n")
        let client = try daemon.connect()
        try chat(client)
        let deadline = Date().addingTimeInterval(15)
        var runs: [[String: Any]] = []
        while runs.isEmpty, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2)
            runs = try client.request("consolidations").objects
        }
        #expect(runs.first?["status"] as? String == "done" || runs.first?["status"] as? String == "running")
    }
}
