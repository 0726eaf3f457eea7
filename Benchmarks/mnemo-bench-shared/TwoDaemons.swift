import BenchmarkSupport
import Foundation
import MnemoClient
import MnemoTestSupport
import Synchronization

/// Two PostgreSQL daemons, each with a data directory of its own, on one
/// database: both reading the default space at once, and how long a write
/// on one takes to be answered by the other.
struct TwoDaemons {
    var a: MnemodProcess
    var b: MnemodProcess
    var workload: FactWorkload
    var refusals: Refusals

    /// `count` one-row matches of facts drawn from `0..<facts` on each daemon,
    /// each on a thread and a connection of its own, both started together
    /// after `warmup` each: the latencies on A and on B.
    func concurrentMatches(_ count: Int, of facts: Int, warmup: Int) throws -> (a: Latencies, b: Latencies) {
        let daemons = [a, b]
        let connections = try daemons.map { try $0.connect(readTimeout: 120) }
        let statements: [[String]] = (0..<2).map { k in
            var draws = SplitMix64(state: 21 + UInt64(k))
            return (0..<(warmup + count)).map { _ in workload.oneRowMatch(draws.next(facts)) }
        }
        let results = Mutex<[Int: Latencies]>([:])
        let failures = Mutex<[String]>([])
        let ready = DispatchGroup()
        let start = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        let refusals = refusals
        for k in 0..<2 {
            ready.enter()
            done.enter()
            let connection = UncheckedConnection(connection: connections[k])
            let mine = statements[k]
            let name = k == 0 ? "A" : "B"
            Thread {
                defer { done.leave() }
                var latencies = Latencies()
                var warm = false
                do {
                    for text in mine.prefix(warmup) { _ = try connection.connection.request(text) }
                    warm = true
                    ready.leave()
                    start.wait()
                    for text in mine.dropFirst(warmup) {
                        let t0 = monotonicSeconds()
                        let response = try connection.connection.request(text)
                        latencies.append(monotonicSeconds() - t0)
                        if response.lines.count != 1 { refusals.record("\(name): \(text): \(response.headerLine)") }
                    }
                } catch {
                    failures.withLock { $0.append("\(name): \(error)") }
                    if !warm { ready.leave() }
                }
                results.withLock { $0[k] = latencies }
            }.start()
        }
        ready.wait()
        start.signal()
        start.signal()
        done.wait()
        if let failure = failures.withLock({ $0.first }) { throw BenchmarkFailure(failure) }
        return results.withLock { ($0[0] ?? Latencies(), $0[1] ?? Latencies()) }
    }

    /// `trials` times: `assert seen(kN)` on A, then `match seen(kN)` on B
    /// again and again until it has the fact. The seconds from A's answer to
    /// B's first answer holding the fact, and A's answer time; a trial B has
    /// not seen after 30 s is a refusal and not counted.
    func propagation(_ trials: Int) throws -> (delay: Latencies, write: Latencies) {
        let writer = try a.connect(readTimeout: 120)
        let reader = try b.connect(readTimeout: 120)
        var delay = Latencies()
        var write = Latencies()
        for n in 0..<trials {
            let t0 = monotonicSeconds()
            let written = try writer.request("assert seen(k\(n))")
            let t1 = monotonicSeconds()
            guard written.isOK else {
                refusals.record("A: assert seen(k\(n)): \(written.headerLine)")
                continue
            }
            write.append(t1 - t0)
            while true {
                let answer = try reader.request("match seen(k\(n))")
                let now = monotonicSeconds()
                if answer.isOK && !answer.lines.isEmpty {
                    delay.append(now - t1)
                    break
                }
                if !answer.isOK { refusals.record("B: match seen(k\(n)): \(answer.headerLine)") }
                if now - t1 > 30 {
                    refusals.record("B: seen(k\(n)) not there 30 s after A wrote it")
                    break
                }
            }
            usleep(5_000)
        }
        return (delay, write)
    }
}

/// A connection handed to the one thread that uses it.
private struct UncheckedConnection: @unchecked Sendable {
    let connection: MnemoConnection
}
