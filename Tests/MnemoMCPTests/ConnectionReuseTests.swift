import Foundation
import MnemoClient
import MnemoTestSupport
import Testing

/// What `DaemonLink` asks of a connection before reusing it: whether the
/// daemon hung up (or spoke) while nothing was asked.
@Suite("MnemoConnection.hasEndedUnasked against a real daemon")
struct ConnectionReuseTests {
    @Test("false while the connection is good or an answer is awaited; true once the daemon closed it as idle or stopped")
    func endedUnasked() throws {
        let daemon = try MnemodProcess(config: "idle_timeout = 300ms\n")
        let client = try daemon.connect()
        #expect(!client.hasEndedUnasked)
        #expect(try client.request("ping").isPong)
        #expect(!client.hasEndedUnasked)
        try client.send("ping")
        #expect(!client.hasEndedUnasked, "an answer is awaited: what arrives is that answer")
        #expect(try client.readResponse().isPong)

        // The daemon closes it 300 ms after the last answer; a loaded machine may take longer.
        let deadline = Date().addingTimeInterval(15)
        while !client.hasEndedUnasked && Date() < deadline { usleep(20_000) }
        #expect(client.hasEndedUnasked, "closed as idle, after ERR TIMEOUT")
        #expect(try client.readResponse().code == "TIMEOUT")

        let other = try daemon.connect()
        daemon.stop()
        #expect(other.hasEndedUnasked)
        other.close()
        #expect(other.hasEndedUnasked)
    }
}
