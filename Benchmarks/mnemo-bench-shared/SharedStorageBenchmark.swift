// SQLite storage beside PostgreSQL storage (`storage = postgresql`) on one
// machine, in one run: ingest, reads, two daemons sharing a space, and a
// daemon started on an empty data directory.
//
//   swift build -c release --product mnemod
//   swift build -c release --product mnemo-bench-shared
//   .build/release/mnemo-bench-shared [--facts N] [--cold-facts N] [--postgresql-socket PATH] [--mnemod PATH]
//
// Without --postgresql-socket it starts a throwaway cluster with
// scripts/postgres.sh (fsync and synchronous_commit off) and removes it at the
// end; with it, it makes a database per measure there (as --postgresql-user,
// who must be able to CREATE DATABASE) and drops them at the end. It measures
//   1. ingest: --facts facts asserted over one connection, pipelined (--batch
//      to 2 × --batch in flight), facts/s; then --single asserts one at a
//      time, p50/p99 — on a daemon with storage = sqlite and one with
//      storage = postgresql, in slices that alternate between them;
//   2. reads of that space: a one-row `match` (bound literal) and `recall`,
//      p50/p99 after warm-up, alternating the same way;
//   3. a second PostgreSQL daemon on the same database, with a data directory
//      of its own: seconds to its first answer, then both reading at once
//      (match p50/p99 on each), then --trials writes on the first and the time
//      until the second answers each (it polls `match seen(kN)`);
//   4. the PostgreSQL daemons stopped, a daemon on an empty data directory:
//      seconds from its start until its first `match` is answered (its replica
//      made from the log); each daemon restarted on its own files, the same;
//      with --cold-facts other than --facts, a database of that many facts
//      ingested (pipelined) for the cold start.
import ArgumentParser
import BenchmarkSupport
import Foundation
import MnemoClient
import MnemoTestSupport

@main
struct SharedStorageBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnemo-bench-shared",
        abstract: "SQLite storage beside PostgreSQL storage in one run: ingest, reads, two daemons on one database, a cold start.")

    @Option(help: "Facts ingested on each storage (pipelined).")
    var facts = 20_000
    @Option(help: "Facts of the space a daemon with an empty data directory starts on (default: --facts, the space already ingested).")
    var coldFacts: Int?
    @Option(help: "Statements sent before the answers to the batch before are read: batch to 2 × batch in flight.")
    var batch = 32
    @Option(help: "Asserts timed one at a time on each storage (after 100 not timed).")
    var single = 2_000
    @Option(help: "One-row matches timed on each storage, and on each of the two PostgreSQL daemons at once (after 500 not timed).")
    var queries = 5_000
    @Option(help: "Recalls timed on each storage (after 100 not timed).")
    var recalls = 2_000
    @Option(help: "Writes on one PostgreSQL daemon timed until the other answers them.")
    var trials = 200
    @Option(help: "The socket file of a PostgreSQL server (…/.s.PGSQL.5432); default: a cluster of scripts/postgres.sh for this run.")
    var postgresqlSocket: String?
    @Option(help: "The PostgreSQL user with --postgresql-socket (no password: trust or peer authentication).")
    var postgresqlUser = "mnemo"
    @OptionGroup var mnemod: MnemodOption

    func validate() throws {
        guard facts >= 1, batch >= 1, single >= 1, queries >= 1, recalls >= 1, trials >= 1, (coldFacts ?? 1) >= 1 else {
            throw ValidationError("--facts, --cold-facts, --batch, --single, --queries, --recalls and --trials must be at least 1")
        }
    }

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        guard FileManager.default.isExecutableFile(atPath: mnemod.binary) else {
            print("mnemo-bench-shared: no mnemod at \(mnemod.binary): build it (swift build -c release --product mnemod) or pass --mnemod PATH")
            throw ExitCode(1)
        }
        let cluster: PostgresCluster
        do {
            if let postgresqlSocket {
                cluster = PostgresCluster(socket: postgresqlSocket, user: postgresqlUser)
            } else {
                guard let script = PostgresCluster.findScript() else {
                    print("mnemo-bench-shared: scripts/postgres.sh not found above this program or the current directory: pass --postgresql-socket")
                    throw ExitCode(1)
                }
                cluster = try PostgresCluster(starting: script)
            }
        } catch let error as BenchmarkFailure {
            print("mnemo-bench-shared: \(error)")
            throw ExitCode(1)
        }
        defer { cluster.stop() }
        do {
            try measure(cluster)
        } catch {
            print("mnemo-bench-shared: \(error)")
            throw ExitCode(1)
        }
    }

    /// The machine's load averages over 1, 5 and 15 minutes.
    static var load: String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3).joined(separator: " ")
    }

    static func progress(_ text: String) {
        print(String(format: "[%@] ", Date().formatted(date: .omitted, time: .standard)) + text)
        fflush(nil)
    }
}

extension SharedStorageBenchmark {
    func measure(_ cluster: PostgresCluster) throws {
        let workload = FactWorkload()
        let refusals = Refusals()
        let warmSingle = 100
        print("mnemo-bench-shared " + CommandLine.arguments.dropFirst().joined(separator: " "))
        print("mnemod \(mnemod.binary)")
        print(
            "postgresql \(cluster.socket)"
                + (cluster.ownDirectory != nil ? " (a cluster of scripts/postgres.sh for this run: fsync and synchronous_commit off)" : ""))
        print("\(Date().formatted(.iso8601)), \(ProcessInfo.processInfo.activeProcessorCount) cores, load \(Self.load)\n")

        // 1 and 2: one daemon on each storage, measured in alternating slices.
        let database = try cluster.makeDatabase("shared")
        // `storage = sqlite` said, not left to the default: MnemodProcess puts a daemon that says
        // no storage on PostgreSQL when the tests' MNEMO_TEST_STORAGE = postgresql is set.
        let sqlite = try StorageUnderTest(
            "sqlite", MnemodProcess.inScratchDirectory("mnemo-shared-sqlite", binary: mnemod.binary, configuration: "storage = sqlite\n"))
        let postgres = try StorageUnderTest(
            "postgresql",
            MnemodProcess.inScratchDirectory("mnemo-shared-pg-a", binary: mnemod.binary, configuration: cluster.daemonConfiguration(database)))
        let measures = InterleavedMeasures(storages: [sqlite, postgres], workload: workload, refusals: refusals)
        Self.progress("ingesting \(facts) facts on each storage, pipelined")
        let ingest = try measures.ingest(0..<facts, batch: batch)
        Self.progress("asserting \(single) facts one at a time on each")
        let asserts = try measures.singleAsserts(facts..<(facts + warmSingle + single), warmup: warmSingle)
        let written = facts + warmSingle + single
        Self.progress("\(queries) one-row matches and \(recalls) recalls on each")
        let matches = try measures.oneRowMatches(queries, of: written, warmup: 500)
        let recalled = try measures.recalls(recalls, warmup: 100)

        // 3: a second PostgreSQL daemon on the same database.
        Self.progress("a second postgresql daemon on the same database")
        let lastFact = workload.oneRowMatch(written - 1)
        let second = try Self.firstAnswer(lastFact) {
            try MnemodProcess.inScratchDirectory("mnemo-shared-pg-b", binary: mnemod.binary, configuration: cluster.daemonConfiguration(database))
        }
        let pair = TwoDaemons(a: postgres.daemon, b: second.daemon, workload: workload, refusals: refusals)
        Self.progress("\(queries) one-row matches on each of the two at once")
        let together = try pair.concurrentMatches(queries, of: written, warmup: 500)
        Self.progress("\(trials) writes on one, the other polled until it answers them")
        let propagation = try pair.propagation(trials)

        // 4: starts.
        Self.progress("stopping both; a daemon on an empty data directory")
        second.daemon.stop()
        postgres.daemon.stop()
        let cold = try Self.firstAnswer(lastFact) {
            try MnemodProcess.inScratchDirectory("mnemo-shared-pg-cold", binary: mnemod.binary, configuration: cluster.daemonConfiguration(database))
        }
        cold.daemon.stop()
        let log = try cluster.logSize(database)
        Self.progress("each daemon restarted on its own files")
        let restartPostgres = try postgres.restart(answering: lastFact)
        let restartSQLite = try sqlite.restart(answering: lastFact)
        postgres.daemon.stop()
        sqlite.daemon.stop()
        var bigCold: (facts: Int, ingest: Double, serving: Double, answered: Double, log: (changes: Int64, bytes: Int64))?
        if let coldFacts, coldFacts != facts {
            let bigDatabase = try cluster.makeDatabase("cold")
            Self.progress("ingesting \(coldFacts) facts on postgresql for the cold start, pipelined")
            let filler = try StorageUnderTest(
                "postgresql",
                MnemodProcess.inScratchDirectory("mnemo-shared-pg-fill", binary: mnemod.binary, configuration: cluster.daemonConfiguration(bigDatabase)))
            let rate = try InterleavedMeasures(storages: [filler], workload: workload, refusals: refusals).ingest(0..<coldFacts, batch: batch)
            filler.daemon.stop()
            Self.progress("a daemon on an empty data directory, \(coldFacts) facts")
            let start = try Self.firstAnswer(workload.oneRowMatch(coldFacts - 1)) {
                try MnemodProcess.inScratchDirectory(
                    "mnemo-shared-pg-cold-big", binary: mnemod.binary, configuration: cluster.daemonConfiguration(bigDatabase))
            }
            start.daemon.stop()
            bigCold = (coldFacts, rate[0], start.serving, start.answered, try cluster.logSize(bigDatabase))
        }

        // The tables.
        print("\nload after: \(Self.load)\n")
        var table = Table("", "sqlite", "postgresql")
        table.add(
            "ingest, \(Table.count(Double(facts))) facts pipelined (\(batch)–\(2 * batch) in flight)", "\(Table.count(ingest[0])) facts/s",
            "\(Table.count(ingest[1])) facts/s")
        table.add("assert one at a time, p50 · p99 ms (\(single))", asserts[0].medianAndP99, asserts[1].medianAndP99)
        table.add("one-row match, p50 · p99 ms (\(queries))", matches[0].medianAndP99, matches[1].medianAndP99)
        table.add(
            "recall \"3 words\" limit 10, p50 · p99 ms (\(recalls); results each)",
            recalled[0].medianAndP99 + String(format: " (%.1f)", recalled[0].rowsEach),
            recalled[1].medianAndP99 + String(format: " (%.1f)", recalled[1].rowsEach))
        table.add("restart on its own files → first match answered", Table.seconds(restartSQLite), Table.seconds(restartPostgres))
        table.add(
            "empty data dir → first match answered (\(Table.count(Double(written + trials))) facts; \(Table.log(log)))", "-",
            "\(Table.seconds(cold.answered)) (serving at \(Table.seconds(cold.serving)))")
        if let bigCold {
            table.add(
                "empty data dir → first match answered (\(Table.count(Double(bigCold.facts))) facts ingested at \(Table.count(bigCold.ingest)) facts/s; \(Table.log(bigCold.log)))",
                "-", "\(Table.seconds(bigCold.answered)) (serving at \(Table.seconds(bigCold.serving)))")
        }
        table.print()
        print("")
        var shared = Table("two postgresql daemons, one database", "daemon A", "daemon B")
        shared.add(
            "empty data dir → first match answered (\(Table.count(Double(written))) facts)", "-",
            "\(Table.seconds(second.answered)) (serving at \(Table.seconds(second.serving)))")
        shared.add("one-row match alone, p50 · p99 ms", matches[1].medianAndP99, "-")
        shared.add("one-row match, both at once, p50 · p99 ms (\(queries) each)", together.a.medianAndP99, together.b.medianAndP99)
        shared.add("assert seen(kN) on A, p50 · p99 ms (\(trials))", propagation.write.medianAndP99, "-")
        shared.add(
            "A's answer → B answers match seen(kN), p50 · p99 · max ms", "-",
            propagation.delay.medianAndP99 + " · " + String(format: "%.3f", propagation.delay.milliseconds(1)))
        shared.print()
        print("\nerrors and wrong answers: \(refusals.summary)")
        print("command: " + CommandLine.arguments.joined(separator: " "))
    }

    /// Starts a daemon with `launch` and times it: the seconds until it
    /// answered `ping`, and until it answered `statement`, its first
    /// statement, with one row (or the run stops).
    static func firstAnswer(_ statement: String, _ launch: () throws -> MnemodProcess) throws -> (
        daemon: MnemodProcess, serving: Double, answered: Double
    ) {
        let t0 = monotonicSeconds()
        let daemon = try launch()
        let serving = monotonicSeconds() - t0
        let answer = try daemon.connect(readTimeout: 600).request(statement)
        let answered = monotonicSeconds() - t0
        guard answer.lines.count == 1 else { throw BenchmarkFailure("a new daemon answered \(statement) with \(answer.headerLine)") }
        return (daemon, serving, answered)
    }
}
