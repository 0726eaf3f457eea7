import Foundation
import MnemoClient
import MnemoStore
import MnemoTestSupport
import Testing

/// `storage = postgresql`: real `mnemod` processes, each with a data
/// directory of its own, sharing their spaces through one real PostgreSQL
/// database.
@Suite("storage = postgresql: many daemons, one memory", .enabled(if: PostgresTestServer.available), .serialized)
struct SharedStorageTests {
    /// The `daemon.conf` of a daemon on `target`'s database.
    func config(_ target: PostgresTarget) -> String {
        let directory = ((PostgresTestServer.socket ?? "") as NSString).deletingLastPathComponent
        return """
            storage = postgresql
            postgresql_url = 'postgresql://\(target.user)@/\(target.database)?host=\(directory)'

            """
    }

    @Test(
        "two daemons on one database: what one remembers the other recalls, what the other asserts the first matches, and a space made on one is listed (stats) and served on the other"
    )
    func twoDaemonsOneMemory() throws {
        try PostgresTestServer.withDatabase { target in
            let a = try MnemodProcess(config: config(target))
            let b = try MnemodProcess(config: config(target))
            let ca = try a.connect()
            let cb = try b.connect()
            try MnemodProcess.reportingLogs(of: [a, b]) {
                #expect(try ca.request(#"remember "Caroline went to the LGBTQ support group on Tuesday" by caroline"#).code == nil)
                // The other daemon follows through the change feed: a notification, then a catch-up.
                let recalled = try eventually({ try cb.request(#"recall "support group" limit 3"#).lines.joined() }, until: { $0.contains("support group") })
                #expect(recalled.contains("support group"), "\(recalled)")
                #expect(try cb.request("assert likes(melanie, pottery)").code == nil)
                // The staleness bound (docs/scale-out.md): a commit is seen elsewhere once its notification arrives.
                let acknowledged = ContinuousClock.now
                let matched = try eventually({ try ca.request("match likes(?who, pottery)").lines.joined() }, until: { $0.contains("melanie") })
                #expect(matched.contains("melanie"))
                #expect(ContinuousClock.now - acknowledged < .seconds(2), "a commit took \(ContinuousClock.now - acknowledged) to reach the other daemon")
                #expect(try ca.request("use team").code == nil)
                #expect(try ca.request("assert plans(caroline, adoption)").code == nil)
                let stats = try cb.request("stats").objects
                let spaces = stats.first { $0["name"] as? String == "spaces" }?["value"] as? [String]
                #expect(spaces == ["default", "team"], "\(String(describing: spaces))")
                #expect(try cb.request("use team").code == nil)
                #expect(try cb.request("match plans(caroline, ?what)").lines.joined().contains("adoption"))
                // The same ids on both: the replicas hold the same rows.
                #expect(try ca.request("match likes(?who, ?what)").lines == cb.request("match likes(?who, ?what)").lines)
            }
        }
    }

    @Test(
        "the database unreachable: writes answer BUSY and change nothing, recall and reads go on from the replica; once it is back, writes go through and the feed follows again"
    )
    func databaseDown() throws {
        try PostgresTestServer.withDatabase { target in
            let a = try MnemodProcess(config: config(target))
            let b = try MnemodProcess(config: config(target))
            let ca = try a.connect()
            let cb = try b.connect()
            try MnemodProcess.reportingLogs(of: [a, b]) {
                #expect(try ca.request(#"remember "we sailed to the lighthouse at dawn" by ann"#).code == nil)
                #expect(try ca.request(#"recall "lighthouse" limit 3"#).lines.joined().contains("lighthouse"))
                let admin = try PostgresLink(PostgresTestServer.target(database: "mnemo"))
                defer { admin.close() }
                try admin.execute("ALTER DATABASE \(target.database) ALLOW_CONNECTIONS false")
                try admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = \(target.database)")
                let refused = try ca.request(#"remember "this one is not kept" by ann"#)
                #expect(refused.code == "BUSY", "\(refused)")
                #expect(try ca.request(#"recall "lighthouse" limit 3"#).lines.joined().contains("lighthouse"))
                #expect(try ca.request("match mentions(?who, ?what)").code == nil)
                try admin.execute("ALTER DATABASE \(target.database) ALLOW_CONNECTIONS true")
                let again = try eventually({ try ca.request(#"remember "back on shore" by ann"#).code ?? "OK" }, until: { $0 == "OK" })
                #expect(again == "OK")
                let seen = try eventually({ try cb.request(#"recall "shore" limit 3"#).lines.joined() }, until: { $0.contains("back on shore") })
                #expect(seen.contains("back on shore"))
                #expect(!(try cb.request(#"recall "kept" limit 5"#).lines.joined().contains("not kept")))
            }
        }
    }

    @Test(
        "a daemon killed with SIGKILL during pipelined writes: every write it acknowledged is on the other daemon, whose next write goes through at once (no lock left behind)"
    )
    func killLosesNothing() throws {
        try PostgresTestServer.withDatabase { target in
            let survivor = try MnemodProcess(config: config(target))
            let victim = try MnemodProcess(config: config(target))
            let writer = PipelinedWriter(try victim.connect(), firstKey: 0)
            Thread.sleep(forTimeInterval: Double.random(in: 0.4...0.8))
            victim.signal(SIGKILL)
            #expect(victim.waitForExit() == SIGKILL)
            let acknowledged = writer.wait()
            #expect(acknowledged.errors.isEmpty, "\(acknowledged.errors.prefix(5))")
            #expect(!acknowledged.facts.isEmpty, "nothing was acknowledged before the kill")
            let client = try survivor.connect()
            let started = Date()
            #expect(try client.request("assert written(after)").code == nil)
            #expect(Date().timeIntervalSince(started) < 5, "the survivor's write waited on a lock the victim left")
            let facts = keys(in: try client.request("match written(?k) limit 100000"))
            let episodes = keys(in: try client.request("timeline writer limit 100000"))
            #expect(acknowledged.facts.subtracting(facts).isEmpty, "lost: \(acknowledged.facts.subtracting(facts).sorted().prefix(10))")
            #expect(acknowledged.episodes.subtracting(episodes).isEmpty, "lost: \(acknowledged.episodes.subtracting(episodes).sorted().prefix(10))")
        }
    }

    @Test(
        "forget on one daemon: the other, which had recalled it and is asked nothing since, applies it on its own, keeps no trace of it in its replica's files, and recalls it no more"
    )
    func forgetEverywhere() throws {
        try PostgresTestServer.withDatabase { target in
            let a = try MnemodProcess(config: config(target))
            let b = try MnemodProcess(config: config(target))
            let ca = try a.connect()
            let cb = try b.connect()
            try MnemodProcess.reportingLogs(of: [a, b]) {
                #expect(try ca.request(#"remember "my locker code is Zanzibar" by ann"#).code == nil)
                #expect(try ca.request(#"remember "the lighthouse was closed" by ann"#).code == nil)
                let before = try eventually({ try cb.request(#"recall "locker code" limit 3"#).lines.joined() }, until: { $0.contains("Zanzibar") })
                #expect(before.contains("Zanzibar"))
                let forgot = try ca.request("forget e:1")
                #expect(forgot.code == nil, "\(forgot)")
                // B is asked nothing: the change feed alone brings the forget to its files.
                let files = ["default.sqlite", "default.sqlite-wal"].map { b.dataDirectory + "/replicas/" + $0 }
                let deadline = Date().addingTimeInterval(10)
                while files.contains(where: { Self.holds($0, "zanzibar") }), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
                for file in files { #expect(!Self.holds(file, "zanzibar"), "\(file) still holds the forgotten text") }
                let after = try cb.request(#"recall "locker code" limit 3"#)
                #expect(after.code == nil)
                #expect(!after.lines.joined().contains("Zanzibar"), "\(after)")
                #expect(try cb.request(#"recall "lighthouse" limit 3"#).lines.joined().contains("lighthouse"))
            }
        }
    }

    /// Whether the file holds `word`, in any case (the full-text index keeps words in lower case).
    static func holds(_ file: String, _ word: String) -> Bool {
        let bytes = FileManager.default.contents(atPath: file) ?? Data()
        return [word.lowercased(), word.uppercased(), word.prefix(1).uppercased() + word.dropFirst().lowercased()].contains {
            bytes.range(of: Data($0.utf8)) != nil
        }
    }

    @Test("a daemon started on an empty data directory makes its replica from the shared log, and a replica file of another database is made anew")
    func coldDaemon() throws {
        try PostgresTestServer.withDatabase { target in
            let first = try MnemodProcess(config: config(target))
            let c = try first.connect()
            for i in 0..<20 { #expect(try c.request("assert counted(n\(i))").code == nil) }
            #expect(first.stop() == 0)
            let cold = try MnemodProcess(config: config(target))
            let answer = try cold.connect().request("match counted(?n)")
            #expect(answer.code == nil, "\(answer)")
            #expect(answer.lines.count == 20, "\(answer.lines)")
            #expect(cold.stop() == 0)
            // The same data directory on a database made anew: its replica is of another space.
            try PostgresTestServer.withDatabase { other in
                let again = try MnemodProcess(config: config(other), directory: cold.directory)
                let fresh = try again.connect().request("match counted(?n)")
                #expect(fresh.code == nil, "\(fresh)")
                #expect(fresh.lines.isEmpty)
            }
        }
    }

    @Test(
        "consolidation runs on one daemon at a time per space: another daemon is refused BUSY meanwhile and leaves the run alone when it opens the space; the journal and undo are shared"
    )
    func consolidationLease() throws {
        try PostgresTestServer.withDatabase { target in
            let directory = TemporaryDirectory()
            let reflector = try HeldReflector(in: directory)
            defer { reflector.release() }
            let a = try MnemodProcess(config: config(target) + reflector.configLine)
            let ca = try a.connect()
            try chat(ca)
            let scenesBefore = try ca.request("scenes").lines
            // Handed to the thread below and used there alone.
            nonisolated(unsafe) let runner = try a.connect()
            let finished = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                _ = try? runner.request("consolidate")
                finished.signal()
            }
            #expect(reflector.waitUntilReflecting(), "the run never reached the reflector")
            // A daemon that starts now finds the run `running` in the journal, and leaves it be.
            let b = try MnemodProcess(config: config(target))
            let cb = try b.connect()
            try MnemodProcess.reportingLogs(of: [a, b]) {
                let refused = try cb.request("consolidate")
                #expect(refused.code == "BUSY", "\(refused)")
                #expect("\(refused)".contains("in progress on another daemon"), "\(refused)")
                #expect(!b.log.contains("left running"))
                reflector.release()
                #expect(finished.wait(timeout: .now() + 30) == .success)
                #expect(try ca.request("consolidations").objects.first?["status"] as? String == "done")
                // The journal, and undo, on the other daemon, which sees the run finished
                // once the notification of that change reaches it (docs/scale-out.md,
                // "Staleness bound"): for a moment it may still see it `running`.
                let journal = try eventuallyObjects(until: { $0.first?["status"] as? String == "done" }) {
                    try cb.request("consolidations").objects
                }
                #expect(journal.first?["status"] as? String == "done", "\(journal)")
                #expect(try cb.request("undo consolidation 1").objects.first?["kind"] as? String == "undo")
                let scenes = try eventuallyLines(equalTo: scenesBefore) { try ca.request("scenes").lines }
                #expect(scenes == scenesBefore)
                #expect(try cb.request("consolidate").code == nil)
            }
        }
    }

    @Test("storage = postgresql without postgresql_url, or with a password in it, stops mnemod at start-up saying why")
    func badSettings() throws {
        let missing = try MnemodProcess(config: "storage = postgresql\n", wait: false)
        #expect(missing.waitForExit() != 0)
        #expect(missing.log.contains("postgresql_url"), "\(missing.log)")
        let password = try MnemodProcess(config: "storage = postgresql\npostgresql_url = 'postgresql://u:secret@db/x'\n", wait: false)
        #expect(password.waitForExit() != 0)
        #expect(password.log.contains("postgresql_url"), "\(password.log)")
    }

    /// What `body` answers once `done` accepts it, within 10 s (else its last answer).
    func eventuallyObjects(
        until done: ([[String: Any]]) -> Bool, _ body: () throws -> [[String: Any]]
    ) throws -> [[String: Any]] {
        let deadline = Date().addingTimeInterval(10)
        var last: [[String: Any]] = []
        while Date() < deadline {
            last = try body()
            if done(last) { return last }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return last
    }

    /// What `body` answers once it is `expected`, within 10 s (else its last answer).
    func eventuallyLines(equalTo expected: [String], _ body: () throws -> [String]) throws -> [String] {
        let deadline = Date().addingTimeInterval(10)
        var last: [String] = []
        while Date() < deadline {
            last = try body()
            if last == expected { return last }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return last
    }

    /// What `body` answers once `done` accepts it, within 10 s (else its last answer).
    func eventually(_ body: () throws -> String, until done: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(10)
        var last = ""
        while Date() < deadline {
            last = try body()
            if done(last) { return last }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return last
    }
}
