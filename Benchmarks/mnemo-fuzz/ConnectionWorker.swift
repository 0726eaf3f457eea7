import BenchmarkSupport
import Foundation

/// One connection's share of a run: generates its inputs, writes them
/// pipelined (at most `window` in flight), reads every answer and counts it
/// against the input it belongs to.
struct ConnectionWorker {
    let index: Int
    let epoch: Int
    let count: Int
    let seed: UInt64
    let window: Int
    let answerTimeout: Double
    let largeEvery: Int
    /// Percentage of inputs below the grammar (bytes, mutations).
    let rawPercent: Int
    let adminEvery: Int
    let supervisor: DaemonSupervisor
    let progress: RunProgress

    /// An input written and not yet fully answered.
    struct InFlight {
        var kind: String
        var bytes: [UInt8]
        var linesLeft: Int
    }

    /// A seed of its own for each connection and stream, from the run's seed.
    static func seed(_ seed: UInt64, epoch: Int, connection: Int, stream: UInt64) -> UInt64 {
        var mixer = SplitMix64(state: seed ^ UInt64(epoch) << 40 ^ UInt64(connection) << 20 ^ stream << 8)
        return mixer.next()
    }

    /// The inputs of one connection: statements, and raw inputs `rawPercent` of the time.
    struct Inputs {
        var statements: StatementGenerator
        var raw: RawInputGenerator
        var choice: Dice
        let rawPercent: Int

        /// The next input, ending with a newline, and what it is: a statement
        /// kind, or `raw` for bytes below the grammar.
        mutating func next() -> (kind: String, bytes: [UInt8]) {
            let statement = statements.next()
            if choice.percent(rawPercent) { return ("raw", raw.next(mutating: statement.text)) }
            var bytes = Array(statement.text.utf8)
            for i in bytes.indices where bytes[i] == 0x0A { bytes[i] = 0x20 }
            return (statement.kind, bytes + [0x0A])
        }
    }

    static func inputs(
        seed: UInt64, epoch: Int, connection: Int, largeEvery: Int, rawPercent: Int, adminEvery: Int,
        backupDirectory: String
    ) -> Inputs {
        Inputs(
            statements: StatementGenerator(
                seed: Self.seed(seed, epoch: epoch, connection: connection, stream: 1), largeEvery: largeEvery,
                backupDirectory: backupDirectory, adminEvery: adminEvery),
            raw: RawInputGenerator(seed: Self.seed(seed, epoch: epoch, connection: connection, stream: 2)),
            choice: Dice(seed: Self.seed(seed, epoch: epoch, connection: connection, stream: 3)), rawPercent: rawPercent)
    }

    func run() -> Tally {
        var inputs = Self.inputs(
            seed: seed, epoch: epoch, connection: index, largeEvery: largeEvery, rawPercent: rawPercent,
            adminEvery: adminEvery, backupDirectory: supervisor.directory + "/backups")
        var tally = Tally()
        var pending: [InFlight] = []
        var head = 0
        var produced = 0
        guard var (connection, generation) = try? supervisor.connect() else {
            print("connection \(index): cannot connect; \(count) inputs not sent")
            return tally
        }
        var lastProgress = monotonicSeconds()

        /// Gives up the connection's pipeline: its lines are counted as `lost`.
        func abandon(_ lost: inout Int) {
            for item in pending[head...] { lost += item.linesLeft }
            pending.removeAll(keepingCapacity: true)
            head = 0
        }
        func reconnect() -> Bool {
            guard let next = try? supervisor.connect() else { return false }
            (connection, generation) = next
            lastProgress = monotonicSeconds()
            return true
        }

        while produced < count || head < pending.count {
            while pending.count - head < window && produced < count {
                let (kind, bytes) = inputs.next()
                let lines = bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                connection.enqueue(bytes)
                pending.append(InFlight(kind: kind, bytes: bytes, linesLeft: lines))
                produced += 1
                tally.inputs += 1
                tally.lines += lines
            }
            do {
                let answers = try connection.pump(milliseconds: 200)
                if !answers.isEmpty { lastProgress = monotonicSeconds() }
                for answer in answers {
                    guard head < pending.count else {
                        tally.violations += 1
                        print("connection \(index): an answer nothing asked for: \(answer)")
                        continue
                    }
                    tally.count(answer.code, kind: pending[head].kind)
                    if answer.code == "TIMEOUT" {
                        // Not a failure (the daemon answered), but a statement worth knowing about.
                        let file = supervisor.saveFinding("timeout", pending[head].bytes, note: "ERR TIMEOUT \(answer.message)")
                        print("ERR TIMEOUT for \(String(decoding: pending[head].bytes.prefix(200), as: UTF8.self).debugDescription)\n  saved to \(file)")
                    }
                    if answer.code == "INTERNAL" {
                        let text = String(decoding: pending[head].bytes.prefix(300), as: UTF8.self)
                        let file = supervisor.saveFinding("internal", pending[head].bytes, note: "ERR INTERNAL \(answer.message)")
                        print("ERR INTERNAL \(answer.message)\n  for: \(text.debugDescription)\n  saved to \(file)")
                    }
                    if let bad = answer.badJSON {
                        tally.invalidJSON += 1
                        let text = String(decoding: pending[head].bytes.prefix(300), as: UTF8.self)
                        let file = supervisor.saveFinding("bad-json", pending[head].bytes, note: "answer line not JSON: \(bad)")
                        print("ANSWER NOT JSON: \(bad.debugDescription)\n  for: \(text.debugDescription)\n  saved to \(file)")
                    }
                    pending[head].linesLeft -= 1
                    if pending[head].linesLeft == 0 {
                        head += 1
                        progress.inputAnswered()
                    }
                }
                if head > 4096 {
                    pending.removeFirst(head)
                    head = 0
                }
                if head < pending.count && monotonicSeconds() - lastProgress > answerTimeout {
                    let stuck = pending[head]
                    let file = supervisor.saveFinding("unanswered", stuck.bytes, note: "no answer within \(answerTimeout) s")
                    print(
                        "UNANSWERED for \(Int(answerTimeout)) s: \(String(decoding: stuck.bytes.prefix(300), as: UTF8.self).debugDescription)\n  saved to \(file)"
                    )
                    tally.unanswered += stuck.linesLeft
                    pending[head].linesLeft = 0
                    head += 1
                    abandon(&tally.abandoned)
                    if !reconnect() { break }
                }
            } catch .protocolViolation(let line) {
                tally.violations += 1
                print("connection \(index): protocol violation: \(line.debugDescription)")
                abandon(&tally.dropped)
                if !reconnect() { break }
            } catch {
                let inFlight = pending[head...].map(\.bytes)
                switch supervisor.connectionLost(generation: generation, inFlight: inFlight) {
                case .crashed: abandon(&tally.lostInCrash)
                case .dropped:
                    print("connection \(index): the daemon closed the connection with \(inFlight.count) inputs in flight")
                    abandon(&tally.dropped)
                }
                if !reconnect() { break }
            }
        }
        return tally
    }
}
