import ArgumentParser
import BenchmarkSupport
import Foundation

/// `mnemo-fuzz`: a grammar-aware fuzzer for `mnemod` (docs/operations.md, "Fuzzing").
struct MnemoFuzz: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnemo-fuzz",
        abstract: "Send generated statements with hostile values, and raw bytes, to a real mnemod; count every answer.",
        discussion: """
            Starts mnemod in a temporary directory (a fresh one every --epoch inputs), sends --count inputs over \
            --connections pipelined connections and reads every answer. A crash is reported, the inputs in flight \
            are saved under --crash-dir with the daemon's log and spaces, the daemon is restarted, and at the end \
            each crash is replayed line by line to name the input that caused it. ERR INTERNAL answers and inputs \
            not answered within --answer-timeout are saved there too. Exit status 0 only when every line was \
            answered, none with ERR INTERNAL, and the daemon never crashed.
            """)

    @Option(help: "Inputs to send in all.") var count = 100_000
    @Option(help: "Seed of the generator: the same seed sends the same inputs.") var seed: UInt64 = 1
    @Option(help: "Connections sending at once.") var connections = 4
    @Option(help: "Inputs in flight per connection.") var window = 16
    @Option(help: "A fresh data directory every N inputs (0: one for the whole run).") var epoch = 100_000
    @Option(help: "About one input in N carries a 1 MiB string (0: never).") var largeEvery = 5000
    @Option(help: "Percentage of inputs below the grammar: raw bytes, invalid UTF-8, mutated statements.") var rawPercent = 16
    @Option(help: "Each of consolidate, undo consolidation and backup to is about one input in N.") var adminEvery = 6000
    @Option(help: "Seconds to wait for an answer before counting it unanswered.") var answerTimeout = 60.0
    @Option(help: "Where crashing inputs, ERR INTERNAL and unanswered inputs are saved.") var crashDir = "fuzz-crashes"
    @Option(help: "Fuzz the daemon on this socket instead of starting one (it cannot be restarted).") var socket: String?
    @OptionGroup var mnemod: MnemodOption
    @Option(name: .customLong("set"), help: "A daemon.conf line for the daemon it starts, e.g. --set 'request_timeout = 10s'.")
    var settings: [String] = []
    @Option(help: "Send each line of FILE alone, in order, and report those that crash the daemon or answer ERR INTERNAL.")
    var replay: String?
    @Option(help: "With --replay: start from a copy of this spaces directory (a crash record's `spaces`).") var spaces: String?
    @Option(help: "Where the daemon's temporary directories are made.") var work = "/tmp"
    @Option(name: .customLong("print"), help: "Print the first N inputs of connection 0 (as Swift string literals) and exit: what a seed sends.")
    var printCount: Int?
    @Flag(help: "Keep the daemon's directories.") var keep = false
    @Flag(help: "With --replay: print every line's answer code.") var verbose = false

    /// The daemon's configuration: lines long enough for 1 MiB strings, then `--set`.
    var configuration: String {
        (["max_line = 2MB", "log_level = warning"] + settings).joined(separator: "\n") + "\n"
    }

    func validate() throws {
        guard count >= 0, connections >= 1, window >= 1, epoch >= 0, largeEvery >= 0, (0...100).contains(rawPercent),
            adminEvery >= 3, answerTimeout > 0
        else {
            throw ValidationError("counts must be positive, --raw-percent from 0 to 100, --admin-every at least 3")
        }
    }

    func run() throws {
        if let n = printCount {
            printInputs(n)
            return
        }
        try FileManager.default.createDirectory(atPath: crashDir, withIntermediateDirectories: true)
        let supervisor = DaemonSupervisor(binary: mnemod.binary, externalSocket: socket, crashDirectory: crashDir, configuration: configuration)
        if let replay {
            let clean = try replayFile(replay, supervisor: supervisor)
            throw ExitCode(clean ? 0 : 1)
        }
        var tally = Tally()
        var peakKiB = 0
        var unclean: [String] = []
        let started = monotonicSeconds()
        let epochs = socket != nil || epoch == 0 ? 1 : max(1, (count + epoch - 1) / epoch)
        print(
            "mnemo-fuzz: seed \(seed), \(count) inputs, \(connections) connections, window \(window), "
                + "\(epochs) data director\(epochs == 1 ? "y" : "ies"), 1 MiB string about every \(largeEvery)")
        for e in 0..<epochs {
            let share = epochs == 1 ? count : min(epoch, count - e * epoch)
            let directory = "\(work)/mnemo-fuzz-\(getpid())-\(e)"
            if socket == nil {
                try supervisor.start(directory: directory)
            } else {
                try FileManager.default.createDirectory(atPath: directory + "/backups", withIntermediateDirectories: true)
            }
            tally.merge(runEpoch(e, inputs: share, supervisor: supervisor))
            peakKiB = max(peakKiB, supervisor.peakMemoryKiB() ?? 0)
            if socket == nil {
                let status = supervisor.stop()
                if status != 0 {
                    unclean.append("epoch \(e): \(status.map { "exit status \($0)" } ?? "killed after 60 s")")
                    print("mnemod did not stop cleanly: \(unclean.last!)\n\(supervisor.logTail())")
                }
            }
            if !keep { try? FileManager.default.removeItem(atPath: directory) }
        }
        let seconds = monotonicSeconds() - started
        report(tally, seconds: seconds, peakKiB: peakKiB, unclean: unclean, supervisor: supervisor)
        if socket == nil { triage(supervisor) }
        let clean =
            supervisor.crashes == 0 && tally.internalErrors == 0 && tally.unanswered == 0 && tally.dropped == 0
            && tally.violations == 0 && tally.invalidJSON == 0 && tally.answered == tally.lines && unclean.isEmpty
        throw ExitCode(clean ? 0 : 1)
    }

    /// `--print N`: connection 0's first inputs of the first data directory.
    func printInputs(_ n: Int) {
        var inputs = ConnectionWorker.inputs(
            seed: seed, epoch: 0, connection: 0, largeEvery: largeEvery, rawPercent: rawPercent,
            adminEvery: adminEvery, backupDirectory: "\(work)/mnemo-fuzz-backups")
        for _ in 0..<n {
            let bytes = inputs.next().bytes
            print(String(decoding: bytes.prefix(400), as: UTF8.self).debugDescription + (bytes.count > 400 ? " (\(bytes.count) bytes)" : ""))
        }
    }

    /// One data directory's share of the run, over `connections` threads.
    func runEpoch(_ e: Int, inputs: Int, supervisor: DaemonSupervisor) -> Tally {
        let progress = RunProgress()
        let group = DispatchGroup()
        for k in 0..<connections {
            let share = inputs / connections + (k < inputs % connections ? 1 : 0)
            let worker = ConnectionWorker(
                index: k, epoch: e, count: share, seed: seed, window: window, answerTimeout: answerTimeout,
                largeEvery: largeEvery, rawPercent: rawPercent, adminEvery: adminEvery, supervisor: supervisor,
                progress: progress)
            group.enter()
            Thread.detachNewThread {
                progress.handIn(worker.run())
                group.leave()
            }
        }
        let started = monotonicSeconds()
        while group.wait(timeout: .now() + 10) == .timedOut {
            let done = progress.inputsAnswered
            let rate = Double(done) / (monotonicSeconds() - started)
            print(
                String(
                    format: "  data directory %d: %d/%d inputs answered, %.0f/s, crashes so far %d", e, done, inputs, rate,
                    supervisor.crashes))
        }
        return progress.total
    }

    func report(_ tally: Tally, seconds: Double, peakKiB: Int, unclean: [String], supervisor: DaemonSupervisor) {
        let allAnswered = tally.answered == tally.lines
        print(
            """
            mnemo-fuzz summary (seed \(seed))
              inputs sent       \(tally.inputs) (\(tally.lines) request lines)
              lines answered    \(tally.answered)\(allAnswered ? " (every line)" : "")
              answers by code   \(tally.codeSummary)
              ERR INTERNAL      \(tally.internalErrors)
              answers not JSON  \(tally.invalidJSON)
              crashes           \(supervisor.crashes) (lines lost in them: \(tally.lostInCrash))
              unanswered        \(tally.unanswered) in \(Int(answerTimeout)) s (abandoned behind them: \(tally.abandoned))
              dropped           \(tally.dropped) lines on connections the daemon closed; protocol violations \(tally.violations)
              shutdowns         \(unclean.isEmpty ? "all clean" : unclean.joined(separator: "; "))
              daemon peak RSS   \(socket == nil ? "\(peakKiB / 1024) MiB (largest of the data directories)" : "not known (--socket)")
              wall time         \(String(format: "%.1f s, %.0f inputs/s", seconds, Double(tally.inputs) / max(seconds, 0.001)))
            answers by input kind (a raw input may hold several lines):
            \(tally.kindSummary)
            """)
    }

    /// Replays every crash's in-flight inputs one at a time on a copy of the
    /// spaces it left, to name the input that kills the daemon.
    func triage(_ supervisor: DaemonSupervisor) {
        for record in supervisor.crashRecordPaths {
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: record)) ?? []).filter { $0.hasPrefix("in-flight-") }.sorted()
            let bytes = files.flatMap { (try? Data(contentsOf: URL(fileURLWithPath: "\(record)/\($0)"))).map(Array.init) ?? [] }
            print("triage of \(record): \(Replayer.lines(of: bytes).count) lines in flight")
            let triage = DaemonSupervisor(binary: mnemod.binary, externalSocket: nil, crashDirectory: record + "/triage", configuration: configuration)
            let directory = "\(work)/mnemo-fuzz-\(getpid())-triage"
            do {
                try triage.start(directory: directory, spaces: FileManager.default.fileExists(atPath: record + "/spaces") ? record + "/spaces" : nil)
                let findings = try Replayer(supervisor: triage, answerTimeout: answerTimeout, verbose: false).replay(Replayer.lines(of: bytes))
                let lines = Replayer.lines(of: bytes)
                for (line, outcome) in findings where outcome == .crashed {
                    _ = FileManager.default.createFile(atPath: "\(record)/culprit-line-\(line).txt", contents: Data(lines[line - 1] + [0x0A]))
                }
                if findings.isEmpty { print("  no single line reproduces it alone: see \(record)") }
            } catch {
                print("  triage failed: \(error)")
            }
            _ = triage.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// `--replay FILE`: every line alone; whether none misbehaved.
    func replayFile(_ path: String, supervisor: DaemonSupervisor) throws -> Bool {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let directory = "\(work)/mnemo-fuzz-\(getpid())-replay"
        if socket == nil { try supervisor.start(directory: directory, spaces: spaces) }
        defer {
            if socket == nil {
                _ = supervisor.stop()
                if !keep { try? FileManager.default.removeItem(atPath: directory) }
            }
        }
        let lines = Replayer.lines(of: bytes)
        let findings = try Replayer(supervisor: supervisor, answerTimeout: answerTimeout, verbose: verbose).replay(lines)
        print("replayed \(lines.count) lines of \(path): \(findings.isEmpty ? "all answered, no ERR INTERNAL, no crash" : "\(findings.count) misbehaved")")
        return findings.isEmpty
    }
}
