// Export and import at scale (issue 19): the synthetic memory of
// mnemo-bench-recall (1,000,000 facts over 100,000 entities, 200,000
// episodes in 20,000 scenes, with their activation log) exported by a real
// mnemod to JSON Lines, imported into an empty space, and exported again:
// lines/s and facts/s each way, the daemon's peak resident memory during
// each, the file's size, and whether the second export is the same file.
//
//   swift build -c release --product mnemo-bench-transfer
//   .build/release/mnemo-bench-transfer [--dir /tmp/mnemo-recall] [--facts N] [--episodes N] [--mnemod PATH]
//
// The store in --dir is mnemo-bench-recall's (built if missing, else reused);
// each run serves a fresh copy of it, and its files go with the run.
import ArgumentParser
import BenchmarkSupport
import Foundation
import MnemoClient
import MnemoTestSupport

@main
struct TransferBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnemo-bench-transfer",
        abstract: "export and import of a 1,000,000-fact space by a real mnemod: lines/s, facts/s and peak resident memory each way.")

    @OptionGroup var store: RecallMemoryOptions
    @Option(help: "What the export holds besides the record: none, activation (the default: the memory's log of mentions) or derived,activation.")
    var with = "activation"
    @OptionGroup var mnemod: MnemodOption

    func validate() throws {
        guard store.episodes >= 20_000, store.facts >= 0 else { throw ValidationError("--episodes must be at least 20000, --facts at least 0") }
        guard ["none", "activation", "derived", "derived,activation"].contains(with) else {
            throw ValidationError("--with is none, activation, derived or derived,activation")
        }
    }

    func run() throws {
        let memory = store.memory
        let storePath = try memory.store(in: store.directory)
        let daemon = try MnemodProcess.inScratchDirectory("mnemo-transfer-run", serving: storePath, binary: mnemod.binary)
        defer { daemon.stop() }
        let connection = try daemon.connect(readTimeout: nil)
        let suffix = with == "none" ? "" : " with " + with.replacingOccurrences(of: ",", with: ", ")
        print("mnemod serving a copy of \(storePath); resident \(kiB(residentBytes(daemon.pid)))")

        let first = daemon.directory.file("first.jsonl")
        let exported = try measure("export", "export to \"\(first)\"\(suffix)", connection, daemon)
        print(String(format: "  file: %.0f MiB, %.0f bytes a line", Double(fileSize(first)) / 1_048_576, Double(fileSize(first)) / Double(exported.lines)))

        guard try connection.request(#"use space "copy""#).isOK else { throw ExitCode(1) }
        _ = try measure("import", "import from \"\(first)\"", connection, daemon)

        let second = daemon.directory.file("second.jsonl")
        _ = try measure("export again", "export to \"\(second)\"\(suffix)", connection, daemon)
        print("the second export is \(try sameBytes(first, second) ? "the same file" : "NOT the same file") as the first")
    }

    /// Runs one export or import, with the daemon's peak resident memory
    /// reset before it (`/proc/PID/clear_refs`) and read after it.
    func measure(_ label: String, _ statement: String, _ connection: MnemoConnection, _ daemon: MnemodProcess) throws -> (lines: Int, facts: Int) {
        let before = residentBytes(daemon.pid)
        try? "5".write(toFile: "/proc/\(daemon.pid)/clear_refs", atomically: false, encoding: .utf8)
        let t0 = monotonicSeconds()
        let answer = try connection.request(statement)
        let seconds = monotonicSeconds() - t0
        guard answer.isOK, let line = answer.lines.first,
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let counts = object["counts"] as? [String: Int]
        else {
            print("\(statement): \(answer.headerLine)")
            throw ExitCode(1)
        }
        let lines = counts.values.reduce(1, +)
        let facts = counts["fact"] ?? 0
        print(
            String(
                format: "%@: %d lines (%d facts) in %.1f s: %.0f lines/s, %.0f facts/s; resident before %@, peak during %@", label, lines, facts,
                seconds, Double(lines) / seconds, Double(facts) / seconds, kiB(before), kiB(peakResidentBytes(daemon.pid))))
        return (lines, facts)
    }

    func kiB(_ bytes: Int?) -> String { bytes.map { String(format: "%.0f MiB", Double($0) / 1_048_576) } ?? "?" }

    func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.intValue ?? 0
    }

    func sameBytes(_ a: String, _ b: String) throws -> Bool {
        guard let x = FileHandle(forReadingAtPath: a), let y = FileHandle(forReadingAtPath: b) else { return false }
        while true {
            let (p, q) = (x.readData(ofLength: 1 << 20), y.readData(ofLength: 1 << 20))
            if p != q { return false }
            if p.isEmpty { return true }
        }
    }
}
