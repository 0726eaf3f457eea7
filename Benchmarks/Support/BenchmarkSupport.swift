import Foundation
import MnemoClient

/// SplitMix64: a fixed-seed generator, so every run of a benchmark does the same work.
public struct SplitMix64: RandomNumberGenerator {
    public var state: UInt64

    public init(state: UInt64) { self.state = state }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<n`.
    public mutating func next(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }
}

/// Seconds on the monotonic clock.
public func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// The p-quantile (0...1) of sorted samples.
public func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    return sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
}

/// A real `mnemod` started for a benchmark, connected to, and stopped at the end.
public final class DaemonUnderTest {
    public let process = Process()
    public let connection: MnemoConnection
    /// Seconds from launch until the socket answered.
    public let startSeconds: Double

    /// The `mnemod` beside the running benchmark's own executable.
    public static var defaultBinary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("mnemod").path
    }

    public init(binary: String = DaemonUnderTest.defaultBinary, dataDirectory: String, socket: String,
                extraArguments: [String] = [], timeout: Double = 600) throws {
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--data-dir", dataDirectory, "--socket", socket, "--log-level", "warning"] + extraArguments
        let started = monotonicSeconds()
        try process.run()
        var client: MnemoConnection?
        while client == nil && monotonicSeconds() - started < timeout && process.isRunning {
            client = try? MnemoConnection(socketPath: socket)
            if client == nil { usleep(20_000) }
        }
        guard let client else {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
            throw DaemonError(description: "mnemod did not start (\(binary))")
        }
        connection = client
        startSeconds = monotonicSeconds() - started
    }

    public func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit { stop() }

    public struct DaemonError: Error, CustomStringConvertible { public var description: String }
}
