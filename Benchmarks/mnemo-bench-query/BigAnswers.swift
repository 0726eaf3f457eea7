import ArgumentParser
import BenchmarkSupport
import Foundation
import MnemoClient
import MnemoTestSupport

/// `mnemo-bench-query big-answers` (issue 20): for each size, the statements
/// that answer many rows, timed over the socket (rows, time to the first byte
/// and to the last answer line, rows/s; medians of `--runs`), each beside the
/// rate at which SQLite reads the same rows from the same file in the same
/// run (`FactRowSQL`, `RowSQL`); then the one-row case, p50/p99. One markdown table per size.
struct BigAnswers: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "big-answers",
        abstract: "Answers of many rows over the socket, beside SQLite reading the same rows, at 10k, 100k and 1M rows.")

    @Option(name: .customLong("dir"), help: "Where the spaces of each size are built (DIR/<size>), and reused by later runs (delete one to rebuild it).")
    var directory = "/tmp/mnemo-big-answers"
    @Option(help: "Sizes, comma-separated: facts in each space (at least 5000).")
    var sizes = "10000,100000,1000000"
    @Option(help: "Runs of each statement; the medians are reported (after one more that warms up).")
    var runs = 3
    @Option(help: "Runs of each one-row statement, for p50 and p99 (after 200 that warm up).")
    var oneRowRuns = 2000
    @OptionGroup var mnemod: MnemodOption

    /// The daemon's configuration: what the big answers need beyond the defaults.
    static let daemonConfiguration = """
        # mnemo-bench-query big-answers: answers of up to 100,000 rows of any size, however long they take
        max_answer_bytes = 4GB
        request_timeout = 0

        """

    var sizeList: [Int] { sizes.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func validate() throws {
        let list = sizes.split(separator: ",")
        guard !list.isEmpty, list.count == sizeList.count, sizeList.allSatisfy({ $0 >= 5000 && $0 <= 100_000_000 }) else {
            throw ValidationError("--sizes takes whole numbers from 5000 to 100000000, comma-separated: \(sizes)")
        }
        guard runs >= 1, oneRowRuns >= 1 else { throw ValidationError("--runs and --one-row-runs must be at least 1") }
    }

    func run() throws {
        let root = directory.hasPrefix("/") ? directory : FileManager.default.currentDirectoryPath + "/" + directory
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        print("mnemo-bench-query big-answers, \(Date()), mnemod \(mnemod.binary)")
        print("daemon.conf:", Self.daemonConfiguration.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined(separator: ", "))
        print(
            "An answer holds at most \(100_000.grouped) rows (`limit` takes 1 to 100000): at larger sizes each statement reads the first 100,000 rows of the space."
        )
        print("")
        for size in sizeList {
            try measure(size: size, in: root + "/\(size)")
        }
    }

    private func launch(_ dataDirectory: String) throws -> MnemodProcess {
        let launch = MnemodLaunch(
            binary: mnemod.binary, config: Self.daemonConfiguration, dataDirectory: dataDirectory, logLevel: "warning", log: .inherited)
        return try MnemodProcess(launch, waitUntilServing: 600)
    }

    private func measure(size: Int, in dataDirectory: String) throws {
        let spaces = BigAnswerSpaces(size: size)
        if !spaces.isBuilt(in: dataDirectory) {
            print("building \(dataDirectory) (load average \(Self.loadAverage))")
            fflush(nil)
            try? FileManager.default.removeItem(atPath: dataDirectory)
            try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let t0 = monotonicSeconds()
            let daemon = try launch(dataDirectory)
            try spaces.build(in: dataDirectory, using: try daemon.connect(readTimeout: nil))
            daemon.stop()
            print(String(format: "built in %.0f s", monotonicSeconds() - t0))
        }
        // A daemon started afresh, as on a run that reuses the build.
        let daemon = try launch(dataDirectory)
        defer { daemon.stop() }
        let loadBefore = Self.loadAverage
        let limit = min(size, 100_000)

        var readers: [String: SQLiteRowReader] = [:]
        for space in ["big", "nary", "journal"] {
            readers[space] = try SQLiteRowReader(path: dataDirectory + "/spaces/\(space).sqlite")
        }
        var clocks: [String: AnswerClock] = [:]
        var probes: [String: MnemoConnection] = [:]
        for space in ["big", "nary", "journal"] {
            let clock = try AnswerClock(socketPath: daemon.socketPath)
            _ = try clock.time("use \(space)")
            clocks[space] = clock
            let probe = try daemon.connect(readTimeout: nil)
            _ = try BigAnswerSpaces.request("use \(space)", on: probe)
            probes[space] = probe
        }

        var table = BigAnswerTable(runs: runs, oneRowRuns: oneRowRuns)
        for statement in try BigAnswerStatement.all(limit: limit, big: readers["big"]!, nary: readers["nary"]!) {
            table.add(
                try measure(statement, clock: clocks[statement.space]!, probe: probes[statement.space]!, reader: readers[statement.space]!))
        }
        for (space, statement) in [
            ("big", "ping"), ("big", "match big(i: 4242, tag: ?t)"), ("nary", "match rel(a: solo, b: ?b, c: ?c, d: ?d)"),
            ("nary", "match rel(a: ?a, b: ?b, c: 4242, d: ?d)"),
        ] {
            table.add(try measureOneRow(statement, clock: clocks[space]!))
        }

        print("### \(size.grouped) rows")
        print("")
        print("\(spaces.description). Load average \(loadBefore) before, \(Self.loadAverage) after.")
        print("")
        table.print()
        print("")
        // Out now, also into a file: the next size takes minutes.
        fflush(nil)
    }

    /// A statement's answer, then `runs` timed runs of it, each followed by
    /// SQLite reading the same rows.
    private func measure(_ statement: BigAnswerStatement, clock: AnswerClock, probe: MnemoConnection, reader: SQLiteRowReader) throws
        -> BigAnswerTable.Row
    {
        let answer = try probe.request(statement.text)
        guard answer.isOK else { return .refused(statement.text, answer.headerLine) }
        let sql = statement.sql(answer.lines)
        _ = try reader.read(sql)
        var timings: [AnswerClock.Timing] = []
        var readings: [SQLiteRowReader.Reading] = []
        for _ in 0..<runs {
            let timing = try clock.time(statement.text)
            guard timing.lines == answer.lines.count else {
                throw HarnessError("\(statement.text): answered \(answer.lines.count) rows, then \(timing.lines)")
            }
            timings.append(timing)
            readings.append(try reader.read(sql))
        }
        guard readings[0].rows == answer.lines.count else {
            throw HarnessError("\(statement.text): the answer has \(answer.lines.count) rows, its SQL read \(readings[0].rows)")
        }
        return .many(
            statement.text, rows: answer.lines.count, firstByte: Self.median(timings.map(\.firstByte)),
            lastLine: Self.median(timings.map(\.lastLine)), sqlite: Self.median(readings.map(\.seconds)))
    }

    private func measureOneRow(_ statement: String, clock: AnswerClock) throws -> BigAnswerTable.Row {
        var latencies: [Double] = []
        var lines = 0
        for i in 0..<(oneRowRuns + 200) {
            let timing = try clock.time(statement)
            if i >= 200 { latencies.append(timing.lastLine) }
            lines = timing.lines
        }
        latencies.sort()
        return .one(statement, rows: lines, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99))
    }

    static func median(_ samples: [Double]) -> Double { percentile(samples.sorted(), 0.5) }

    /// The 1, 5 and 15 minute load averages, as `uptime` shows them.
    static var loadAverage: String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }
}
