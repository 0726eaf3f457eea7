import BenchmarkSupport
import MnemoClient
import MnemoTestSupport

/// One daemon measured, by the name of its storage, and the connection the
/// measures talk to it through.
final class StorageUnderTest {
    let name: String
    private(set) var daemon: MnemodProcess
    private(set) var connection: MnemoConnection

    init(_ name: String, _ daemon: MnemodProcess) throws {
        self.name = name
        self.daemon = daemon
        connection = try daemon.connect(readTimeout: 120)
    }

    /// Sends `statement`, waits for its answer, and returns it with the
    /// seconds between the two.
    func timed(_ statement: String) throws -> (response: Response, seconds: Double) {
        let t0 = monotonicSeconds()
        let response = try connection.request(statement)
        return (response, monotonicSeconds() - t0)
    }

    /// Stops the daemon, starts it again on the same files, and returns the
    /// seconds from the start until it answered the one-row `statement` (its
    /// first), checking that it has one row.
    func restart(answering statement: String) throws -> Double {
        daemon.stop()
        let t0 = monotonicSeconds()
        daemon = try MnemodProcess(daemon.launch, in: daemon.directory, waitUntilServing: 600)
        connection = try daemon.connect(readTimeout: 600)
        let answer = try connection.request(statement)
        let seconds = monotonicSeconds() - t0
        guard answer.lines.count == 1 else { throw BenchmarkFailure("\(name) restarted: \(statement) answered \(answer.headerLine)") }
        return seconds
    }
}
