import Foundation
import GRDB
import MnemoClient
import MnemoTestSupport
import Synchronization
import Testing

/// `PRAGMA integrity_check` of a space file, read beside a running daemon.
func integrityCheck(_ path: String) throws -> [String] {
    var configuration = Configuration()
    configuration.readonly = true
    let queue = try DatabaseQueue(path: path, configuration: configuration)
    defer { try? queue.close() }
    return try queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
}

/// Folds a space's WAL back into its file and removes it (the daemon is stopped).
func checkpoint(_ path: String) throws {
    let queue = try DatabaseQueue(path: path)
    try queue.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
    try queue.close()
}

/// The keys `k<n>` that appear as quoted values in an answer.
func keys(in answer: Response) -> Set<String> {
    let text = answer.lines.joined(separator: "\n")
    let pattern = try! NSRegularExpression(pattern: #""(?:note )?(k[0-9]+)""#)
    return Set(
        pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        })
}

/// A client that pipelines writes, 32 at a time, until its connection
/// breaks, and keeps the key of every write whose `OK` it read: a fact
/// `written(k<n>)` and an episode "note k<n>", alternately.
final class PipelinedWriter: @unchecked Sendable {
    private let acknowledged = Mutex<(facts: Set<String>, episodes: Set<String>, errors: [String])>(([], [], []))
    private let finished = DispatchSemaphore(value: 0)

    init(_ connection: MnemoConnection, firstKey: Int) {
        // Handed to the thread below and used there alone.
        nonisolated(unsafe) let client = connection
        Thread.detachNewThread { [self] in
            defer { finished.signal() }
            var next = firstKey
            while true {
                let batch = (next..<next + 32).map { n in
                    n % 2 == 0
                        ? ("k\(n)", "assert written(k\(n))", true)
                        : ("k\(n)", "remember \"note k\(n)\" by writer", false)
                }
                next += 32
                do {
                    try client.sendMany(batch.map(\.1))
                    for (key, _, isFact) in batch {
                        let answer = try client.readResponse()
                        acknowledged.withLock { a in
                            if let code = answer.code {
                                a.errors.append("\(key): \(code)")
                            } else if isFact {
                                a.facts.insert(key)
                            } else {
                                a.episodes.insert(key)
                            }
                        }
                    }
                } catch {
                    return // the daemon was killed
                }
            }
        }
    }

    /// What was acknowledged, once the connection broke.
    func wait() -> (facts: Set<String>, episodes: Set<String>, errors: [String]) {
        _ = finished.wait(timeout: .now() + 30)
        return acknowledged.withLock { $0 }
    }
}

@Suite("crash safety: SIGKILL", .serialized)
struct KillTests {
    /// Every acknowledged fact and episode is in the daemon's default space
    /// (asked with the largest row limit: past the default 1000 rows an answer
    /// stops short, and twelve rounds write more than that).
    func expectAll(_ facts: Set<String>, _ episodes: Set<String>, in daemon: MnemodProcess, round: Int) throws {
        let client = try daemon.connect()
        let foundFacts = keys(in: try client.request("match written(?k) limit 100000"))
        #expect(foundFacts.count < 100_000 && facts.count < 100_000, "round \(round): past the row limit")
        let foundEpisodes = facts.isEmpty && episodes.isEmpty ? [] : keys(in: try client.request("timeline writer limit 100000"))
        #expect(facts.subtracting(foundFacts).isEmpty, "round \(round): acknowledged facts lost: \(facts.subtracting(foundFacts).sorted().prefix(10))")
        #expect(
            episodes.subtracting(foundEpisodes).isEmpty,
            "round \(round): acknowledged episodes lost: \(episodes.subtracting(foundEpisodes).sorted().prefix(10))")
        #expect(try integrityCheck(daemon.dataDirectory + "/spaces/default.sqlite") == ["ok"], "round \(round)")
    }

    @Test(
        "mnemod killed with SIGKILL during pipelined writes, 12 times over one data directory: after each restart every acknowledged write is there and integrity_check passes",
        .opensSpaceFiles
    )
    func killDuringPipelinedWrites() throws {
        let directory = TemporaryDirectory()
        var facts: Set<String> = []
        var episodes: Set<String> = []
        for round in 0..<12 {
            let daemon = try MnemodProcess(directory: directory)
            try expectAll(facts, episodes, in: daemon, round: round)
            let writer = PipelinedWriter(try daemon.connect(), firstKey: round * 1_000_000)
            // Long enough for batches to commit, short enough to land inside one.
            Thread.sleep(forTimeInterval: Double.random(in: 0.15...0.45))
            daemon.signal(SIGKILL)
            #expect(daemon.waitForExit() == SIGKILL)
            let acknowledged = writer.wait()
            #expect(acknowledged.errors.isEmpty, "round \(round): \(acknowledged.errors.prefix(5))")
            #expect(!acknowledged.facts.isEmpty, "round \(round): nothing was acknowledged before the kill")
            facts.formUnion(acknowledged.facts)
            episodes.formUnion(acknowledged.episodes)
        }
        let last = try MnemodProcess(directory: directory)
        try expectAll(facts, episodes, in: last, round: 12)
    }

    @Test(
        "SIGKILL during a consolidation run: at restart the run is journaled interrupted with exactly its committed passes, undo puts everything back, and a new run completes",
        .opensSpaceFiles
    )
    func killDuringConsolidation() throws {
        let directory = TemporaryDirectory()
        let reflector = try HeldReflector(in: directory)
        defer { reflector.release() }
        let daemon = try MnemodProcess(config: reflector.configLine, directory: directory)
        let client = try daemon.connect()
        try chat(client)
        let scenesBefore = try client.request("scenes").lines
        // Handed to the thread below and used there alone.
        nonisolated(unsafe) let runner = try daemon.connect()
        Thread.detachNewThread { _ = try? runner.request("consolidate") }
        #expect(reflector.waitUntilReflecting(), "the run never reached the reflector")
        daemon.signal(SIGKILL)
        #expect(daemon.waitForExit() == SIGKILL)
        reflector.release()

        let again = try MnemodProcess(directory: directory)
        let c = try again.connect()
        let journal = try c.request("consolidations").objects
        #expect(journal.map { $0["status"] as? String } == ["interrupted"])
        let summary = journal.first?["summary"] as? [String: Any]
        #expect((summary?["failure"] as? String)?.contains("daemon stopped during the run") == true)
        #expect((summary?["passes"] as? [[String: Any]])?.compactMap { $0["pass"] as? String } == ["entities", "supersession", "decay", "scenes"])
        #expect(again.log.contains("consolidation run 1 was left running"))
        let stats = try c.request("stats").objects
        #expect(stats.contains { $0["name"] as? String == "consolidation_last_status" && $0["value"] as? String == "interrupted" })
        #expect(stats.contains { $0["name"] as? String == "consolidation_running" && $0["value"] as? Bool == false })

        // The journal holds exactly the passes that committed, each with its rows.
        let file = again.dataDirectory + "/spaces/default.sqlite"
        #expect(try integrityCheck(file) == ["ok"])
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: file, configuration: configuration)
        try queue.read { db in
            let passes = try Row.fetchAll(
                db,
                sql: """
                    SELECT p.pass, p.changes, (SELECT count(*) FROM consolidation_change c WHERE c.run_id = p.run_id AND c.pass = p.pass)
                    FROM consolidation_pass p WHERE p.run_id = 1 ORDER BY p.seq
                    """)
            #expect(passes.map { $0[0] as String } == ["entities", "supersession", "decay", "scenes"])
            for pass in passes { #expect(pass[1] as Int == pass[2] as Int, "pass \(pass[0] as String)") }
            #expect(passes.contains { ($0[1] as Int) > 0 }, "the committed passes changed nothing: nothing to undo")
        }
        try queue.close()

        // Undo puts back what the committed passes did.
        #expect(try c.request("scenes").lines != scenesBefore)
        let undo = try c.request("undo consolidation 1")
        #expect(undo.objects.first?["kind"] as? String == "undo")
        #expect(try c.request("scenes").lines == scenesBefore)
        #expect(try c.request("consolidations").objects.first?["status"] as? String == "undone")
        // A new run (no reflector now) completes, and recall works on what it left.
        let run = try c.request("consolidate")
        #expect(run.code == nil, "\(run)")
        #expect(try c.request("consolidations").objects.first?["status"] as? String == "done")
        #expect(try c.request(#"recall "hiking" limit 3"#).lines.count == 3)
    }
}

/// Whether this process may mount a tmpfs (root, and a kernel that lets it).
let canMountTmpfs: Bool = {
    guard geteuid() == 0 else { return false }
    let probe = "/tmp/mnemo-mount-probe-\(getpid())"
    try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: probe) }
    guard shell("mount -t tmpfs -o size=1m tmpfs \(probe)") == 0 else { return false }
    return shell("umount \(probe)") == 0
}()

@discardableResult
func shell(_ command: String) -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return -1 }
    process.waitUntilExit()
    return process.terminationStatus
}

@Suite("crash safety: a full disk", .serialized)
struct FullDiskTests {
    /// Pipelines `assert filled(k<n>, "<padding>")` in batches until `stop`
    /// says so; the keys answered OK and those answered each error code.
    func fill(_ client: MnemoConnection, from first: Int, batches: Int, stop: (Response) -> Bool = { $0.code != nil })
        throws -> (ok: Set<String>, failed: [String: Set<String>], messages: [String])
    {
        let padding = String(repeating: "the quick brown fox jumps over the lazy dog ", count: 40)
        var ok: Set<String> = []
        var failed: [String: Set<String>] = [:]
        var messages: [String] = []
        var n = first
        for _ in 0..<batches {
            let keys = (n..<n + 16).map { "k\($0)" }
            n += 16
            try client.sendMany(keys.map { "assert filled(\($0), \"\(padding)\")" })
            var stopped = false
            for key in keys {
                let answer = try client.readResponse()
                if let code = answer.code {
                    failed[code, default: []].insert(key)
                    if case .error(_, let message) = answer { messages.append(message) }
                } else {
                    ok.insert(key)
                }
                stopped = stopped || stop(answer)
            }
            if stopped { break }
        }
        return (ok, failed, messages)
    }

    /// Every key answered OK is stored, none answered with an error is.
    func expectExactly(_ ok: Set<String>, absent failed: Set<String>, client: MnemoConnection) throws {
        let stored = keys(in: try client.request("match filled(?k, ?text)"))
        #expect(ok.subtracting(stored).isEmpty, "acknowledged but missing: \(ok.subtracting(stored).sorted().prefix(5))")
        #expect(failed.intersection(stored).isEmpty, "answered an error but stored: \(failed.intersection(stored).sorted().prefix(5))")
    }

    @Test(
        "max_space_size: pipelined writes past it answer ERR FULL naming the file and change nothing; the file stays sound; after SIGHUP raises it, writes succeed again",
        .opensSpaceFiles
    )
    func spaceSizeLimit() throws {
        let daemon = try MnemodProcess(config: "max_space_size = 1MB\n")
        let client = try daemon.connect()
        let first = try fill(client, from: 0, batches: 400)
        #expect(first.failed.keys.sorted() == ["FULL"], "\(first.failed.keys)")
        #expect(!first.ok.isEmpty)
        #expect(
            first.messages.first?.contains("default.sqlite") == true && first.messages.first?.contains("max_space_size") == true,
            "\(first.messages.first ?? "")")
        try expectExactly(first.ok, absent: first.failed["FULL"] ?? [], client: client)
        // Reads go on; so do writes that need no new page.
        #expect(try client.request("ping").isPong)
        #expect(try integrityCheck(daemon.dataDirectory + "/spaces/default.sqlite") == ["ok"])

        try daemon.rewriteConfig("max_space_size = 4MB\n")
        daemon.signal(SIGHUP)
        let deadline = Date().addingTimeInterval(10)
        while !daemon.log.contains("reloaded configuration"), Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        let second = try fill(client, from: 100_000, batches: 4)
        #expect(second.failed.isEmpty, "\(second.failed.keys)")
        #expect(second.ok.count == 64)
        try expectExactly(first.ok.union(second.ok), absent: first.failed["FULL"] ?? [], client: client)
        // Recall sees the writes made after the limit was raised.
        #expect(try client.request(#"remember "the zeppelin landed at noon" by ann"#).code == nil)
        #expect(try client.request(#"recall "zeppelin" limit 1"#).objects.first?["text"] as? String == "the zeppelin landed at noon")
    }

    @Test(
        "a consolidation run that fills the space half-way: ERR FULL, journaled failed, and recall answers from the store (the scenes the committed pass made), with a warning",
        .opensSpaceFiles
    )
    func consolidationFailsHalfWay() throws {
        let directory = TemporaryDirectory()
        // The reflector answers 6,000 facts of 1 kB: far more than the space may grow.
        let answer = directory.file("answer.json")
        let padding = String(repeating: "a long reflection on airships ", count: 35)
        let facts = (0..<6000).map { #"{"predicate":"pondered","args":["zeppelin",{"text":"\#($0) \#(padding)"}]}"# }
        try #"{"facts":[\#(facts.joined(separator: ","))]}"#.write(toFile: answer, atomically: true, encoding: .utf8)
        let script = directory.file("reflector.sh")
        try "#!/bin/sh\ncat >/dev/null\ncat \(answer)\n".write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let config = "reflector = \(script)\n"
        let daemon = try MnemodProcess(config: config, directory: directory)
        let client = try daemon.connect()
        // No speaker, no scene: the scenes pass gives these a scene of their own.
        #expect(try client.request(#"remember "A zeppelin crossed the bay" at 2023-03-02T10:00"#).code == nil)
        #expect(try client.request(#"remember "The zeppelin moored at the tower" at 2023-03-02T10:05"#).code == nil)
        let before = try client.request(#"recall "zeppelin" limit 5"#).objects
        #expect(before.count == 2 && before.allSatisfy { $0["scene"] is NSNull })
        let size = try client.request("stats").objects.first { $0["name"] as? String == "space_file_bytes" }?["value"] as? Int ?? 0
        try daemon.rewriteConfig(config + "max_space_size = \(size + 512 * 1024)\n")
        daemon.signal(SIGHUP)
        let deadline = Date().addingTimeInterval(10)
        while !daemon.log.contains("reloaded configuration"), Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }

        let run = try client.request("consolidate")
        #expect(run.code == "FULL", "\(run)")
        if case .error(_, let message) = run { #expect(message.contains("stopped in pass reflector"), "\(message)") }
        let journal = try client.request("consolidations").objects
        #expect(journal.first?["status"] as? String == "failed")
        #expect(daemon.log.contains("stopped part-way"))
        // The scenes pass committed: recall shows each episode in the scene the store has.
        let scenes = try client.request("scenes").objects.compactMap { $0["id"] as? String }
        let after = try client.request(#"recall "zeppelin" limit 5"#).objects
        #expect(after.count == 2)
        #expect(after.allSatisfy { ($0["scene"] as? String).map(scenes.contains) == true }, "\(after.map { $0["scene"] ?? "?" }) vs \(scenes)")
        #expect(try integrityCheck(daemon.dataDirectory + "/spaces/default.sqlite") == ["ok"])
    }

    @Test(
        "a real full disk (a 3 MB tmpfs): ERR FULL, nothing half-written, integrity_check passes, and writes succeed once space is freed", .opensSpaceFiles,
        .enabled(if: canMountTmpfs, "needs root and mount -t tmpfs"))
    func fullFilesystem() throws {
        let directory = TemporaryDirectory()
        let data = directory.file("data")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        #expect(shell("mount -t tmpfs -o size=3m tmpfs \(data)") == 0)
        defer { shell("umount -l \(data)") }
        var daemon: MnemodProcess? = try MnemodProcess(directory: directory)
        let client = try daemon!.connect()
        // Leave about 300 kB free.
        let ballast = data + "/ballast"
        var free = statvfs()
        statvfs(data, &free)
        let available = Int(free.f_bavail) * Int(free.f_frsize)
        #expect(FileManager.default.createFile(atPath: ballast, contents: Data(count: max(0, available - 300_000))))
        let first = try fill(client, from: 0, batches: 400)
        #expect(first.failed.keys.sorted() == ["FULL"], "\(first.failed.keys): \(first.messages.prefix(2))")
        #expect(try client.request("ping").isPong)
        try expectExactly(first.ok, absent: first.failed["FULL"] ?? [], client: client)

        try FileManager.default.removeItem(atPath: ballast)
        let second = try fill(client, from: 100_000, batches: 4)
        #expect(second.failed.isEmpty, "\(second.failed.keys): \(second.messages.prefix(2))")
        try expectExactly(first.ok.union(second.ok), absent: first.failed["FULL"] ?? [], client: client)
        #expect(try integrityCheck(data + "/spaces/default.sqlite") == ["ok"])
        // And all of it is still there after a restart.
        daemon!.signal(SIGKILL)
        _ = daemon!.waitForExit()
        daemon = try MnemodProcess(directory: directory)
        try expectExactly(first.ok.union(second.ok), absent: first.failed["FULL"] ?? [], client: try daemon!.connect())
        daemon!.signal(SIGTERM)
        _ = daemon!.waitForExit()
    }
}

@Suite("crash safety: damaged space files", .serialized)
struct DamagedFileTests {
    /// Writes a few facts and episodes into `space` and returns the client.
    @discardableResult
    func populate(_ daemon: MnemodProcess, space: String, count: Int = 200) throws -> MnemoConnection {
        let client = try daemon.connect()
        #expect(try client.request("use space \(space)").code == nil)
        let statements = (0..<count).map { n in
            n % 2 == 0 ? "assert written(k\(n))" : #"remember "note k\#(n) about the harbour and its boats" by writer"#
        }
        try client.sendMany(statements)
        for _ in statements { #expect(try client.readResponse().code == nil) }
        return client
    }

    /// The answer to reading a space: its `use`, or the first read that fails.
    func read(_ space: String, in daemon: MnemodProcess) throws -> Response {
        let client = try daemon.connect()
        let use = try client.request("use space \(space)")
        if use.code != nil { return use }
        for statement in ["match written(?k)", "timeline writer", #"recall "harbour boats" limit 5"#] {
            let answer = try client.request(statement)
            if answer.code != nil { return answer }
        }
        return .ok([])
    }

    @Test(
        "a space file with garbage over its pages and one truncated to half: the daemon starts, each answers ERR INTERNAL naming its file, the other spaces work",
        .opensSpaceFiles
    )
    func corruptAndTruncatedAtRest() throws {
        let directory = TemporaryDirectory()
        var daemon = try MnemodProcess(directory: directory)
        for space in ["default", "garbled", "halved", "sound"] { try populate(daemon, space: space) }
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
        let spaces = daemon.dataDirectory + "/spaces/"
        for space in ["garbled", "halved"] { try checkpoint(spaces + space + ".sqlite") }
        // Garbage over every page but the first (which names the tables).
        let garbled = try FileHandle(forWritingTo: URL(fileURLWithPath: spaces + "garbled.sqlite"))
        let size = try garbled.seekToEnd()
        try garbled.seek(toOffset: 8192)
        try garbled.write(contentsOf: Data((8192..<Int(size)).map { _ in UInt8.random(in: 0...255) }))
        try garbled.close()
        #expect(truncate(spaces + "halved.sqlite", off_t(size / 2)) == 0)

        daemon = try MnemodProcess(directory: directory)
        for space in ["garbled", "halved"] {
            let answer = try read(space, in: daemon)
            #expect(answer.code == "INTERNAL", "\(space): \(answer)")
            if case .error(_, let message) = answer { #expect(message.contains("\(space).sqlite"), "\(message)") }
        }
        #expect(try daemon.connect().request("ping").isPong)
        // The other spaces answer as before, writes included.
        for space in ["default", "sound"] {
            #expect(try read(space, in: daemon) == .ok([]), "\(space)")
            let client = try daemon.connect()
            _ = try client.request("use space \(space)")
            #expect(try client.request("assert written(k9999)").code == nil)
            #expect(keys(in: try client.request("match written(?k) limit 100000")).count == 101)
        }
    }

    @Test(
        "a default space that is not a database: the daemon starts, the default space answers ERR INTERNAL naming its file, other spaces work", .opensSpaceFiles
    )
    func corruptDefaultSpace() throws {
        let directory = TemporaryDirectory()
        var daemon = try MnemodProcess(directory: directory)
        try populate(daemon, space: "default")
        try populate(daemon, space: "other")
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
        let file = daemon.dataDirectory + "/spaces/default.sqlite"
        try checkpoint(file)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        try handle.write(contentsOf: Data(repeating: 0x5A, count: 4096))
        try handle.close()

        daemon = try MnemodProcess(directory: directory)
        #expect(daemon.log.contains("the default space cannot be served"))
        let client = try daemon.connect()
        let answer = try client.request("match written(?k) limit 100000")
        #expect(answer.code == "INTERNAL")
        if case .error(_, let message) = answer { #expect(message.contains("default.sqlite"), "\(message)") }
        #expect(try read("other", in: daemon) == .ok([]))
        #expect(try client.request("use space fresh").code == nil)
        #expect(try client.request("assert written(k1)").code == nil)
    }

    @Test("a space file truncated under the running daemon: that space answers ERR INTERNAL, the daemon lives on (no memory map: no SIGBUS)", .opensSpaceFiles)
    func truncatedWhileOpen() throws {
        let directory = TemporaryDirectory()
        var daemon = try MnemodProcess(directory: directory)
        try populate(daemon, space: "big", count: 3000)
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
        let file = daemon.dataDirectory + "/spaces/big.sqlite"
        try checkpoint(file)
        let size = try FileManager.default.attributesOfItem(atPath: file)[.size] as! NSNumber

        // A fresh daemon reads the space a little (a map, if any, now covers the
        // file), writes once (so the WAL, not the file, says how large it is),
        // then the file loses its second half behind the daemon's back.
        daemon = try MnemodProcess(directory: directory)
        let client = try daemon.connect()
        #expect(try client.request("use space big").code == nil)
        #expect(try client.request("assert written(k123456)").code == nil)
        #expect(try client.request("match written(k0)").lines.count == 1)
        #expect(truncate(file, off_t(size.int64Value / 2)) == 0)
        var answers: [Response] = []
        for statement in ["match written(?k)", "timeline writer", "scenes"] {
            answers.append(try client.request(statement))
        }
        #expect(answers.contains { $0.code == "INTERNAL" }, "\(answers.map(\.code))")
        #expect(try daemon.connect().request("ping").isPong)
        #expect(daemon.process.isRunning)
        let other = try daemon.connect()
        #expect(try other.request("assert written(k1)").code == nil)
    }
}
