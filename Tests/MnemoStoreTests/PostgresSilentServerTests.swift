import Foundation
import MnemoModel
import MnemoTestSupport
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import MnemoStore

/// A server that takes the connection and never answers (a hung server, a
/// proxy whose back end is gone): the link gives up, it does not wait for
/// ever. (postgres-nio's `connectTimeout` bounds the start-up as well as the
/// socket's connect; this holds it to that.)
@Suite("PostgreSQL: a server that never answers")
struct PostgresSilentServerTests {
    @Test("a server that accepts the connection and never answers its start-up is BUSY once the connect timeout has passed")
    func silentStartup() throws {
        let dir = TemporaryDirectory()
        let path = dir.file(".s.PGSQL.5432")
        // Accepts, reads what comes, and answers nothing.
        let server = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in channel.eventLoop.makeSucceededVoidFuture() }
            .bind(unixDomainSocketPath: path).wait()
        defer { try? server.close().wait() }
        let target = PostgresTarget(endpoint: .socket(path: path), user: "mnemo", database: "mnemo")
        // On a thread of its own, so that a link that waits for ever fails the test instead of stopping the run.
        let outcome = Mutex<MnemoError?>(nil)
        let done = DispatchSemaphore(value: 0)
        let started = ContinuousClock.now
        Thread.detachNewThread {
            do throws(MnemoError) {
                let link = try PostgresLink(target, connectTimeout: .milliseconds(300))
                link.close()
            } catch {
                outcome.withLock { $0 = error }
            }
            done.signal()
        }
        #expect(done.wait(timeout: .now() + 20) == .success, "the link still waits for the start-up")
        let error = outcome.withLock { $0 }
        #expect(error?.code == .busy, "\(String(describing: error))")
        #expect(ContinuousClock.now - started < .seconds(10))
    }
}
