import Foundation
import Logging
import MnemoClient
import MnemoStore
import MnemoTestSupport
import NIOCore
import NIOEmbedded

@testable import MnemoServer

/// One connection served in process: the frame decoder and a real
/// `ConnectionHandler`, as `MnemoDaemon` builds them, over a real
/// `ServerState` (its spaces SQLite files in a temporary data directory) and
/// real worker pools, on NIO's `NIOAsyncTestingChannel` — whose event loop,
/// unlike `EmbeddedChannel`'s, takes the answers the worker threads hand back.
///
/// Bytes go in as one read of the socket each (`send`); what the handler
/// flushes comes out as answers (`answers`). `close()` ends the connection
/// and stops the pools: call it at the end of every test.
final class HandlerChannel {
    let directory = TemporaryDirectory()
    let state: ServerState
    let channel = NIOAsyncTestingChannel()
    private let pools: WorkerPools
    /// Complete lines flushed by the handler and not yet taken as answers.
    private var lines: [String] = []
    /// Bytes flushed after the last newline.
    private var partial: [UInt8] = []

    /// - Parameter configure: changes to the default `daemon.conf` settings.
    init(_ configure: (inout DaemonConfig) -> Void = { _ in }) async throws {
        var config = DaemonConfig()
        config.dataDirectory = directory.file("data")
        configure(&config)
        try FileManager.default.createDirectory(
            atPath: config.dataDirectory, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let files = try SpaceManager(directory: config.dataDirectory, options: config.storeOptions)
        let state = ServerState(config: config, files: files, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let pools = WorkerPools(threads: 2)
        pools.start()
        self.state = state
        self.pools = pools
        let peer = Peer(pid: getpid(), uid: getuid(), gid: getgid(), groups: [getgid()])
        let channel = channel
        try await channel.testingEventLoop.executeInContext {
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(ByteToMessageHandler(RequestFrameDecoder(maxLine: { state.config.maxLine })))
            try pipeline.addHandler(ConnectionHandler(session: Session(peer: peer), state: state, pools: pools))
        }
        try await channel.connect(to: SocketAddress(unixDomainSocketPath: directory.file("m.sock"))).get()
    }

    /// Delivers `text` as one read of the socket.
    func send(_ text: String) async throws {
        try await channel.writeInbound(ByteBuffer(string: text))
    }

    /// Runs `body` on the channel's event loop, as NIO calls the handler:
    /// nothing a worker hands back runs on the loop meanwhile.
    @discardableResult
    func onEventLoop<T: Sendable>(_ body: @escaping @Sendable (NIOAsyncTestingChannel) throws -> T) async throws -> T {
        let channel = channel
        return try await channel.testingEventLoop.executeInContext { try body(channel) }
    }

    /// The next `count` answers, waiting up to `seconds` for the workers.
    ///
    /// It gives up only when a look at the channel that began after the
    /// deadline finds nothing new: this test's task may wait far longer than
    /// `seconds` for a thread between two looks (the whole suite shares two
    /// cores, and many tests block their thread), and the answers that came
    /// meanwhile count.
    /// - Throws: `HarnessError` when fewer arrive, with what did.
    func answers(_ count: Int, within seconds: Double = 20) async throws -> [Response] {
        let deadline = Date().addingTimeInterval(seconds)
        var found: [Response] = []
        while found.count < count {
            if let answer = try takeAnswer() {
                found.append(answer)
                continue
            }
            let late = Date() >= deadline
            if try await readFlushed() { continue }
            if late { throw HarnessError("\(found.count) of \(count) answers in \(seconds) s: \(found)") }
            try await Task.sleep(for: .milliseconds(5))
        }
        return found
    }

    /// The next answer.
    func answer() async throws -> Response { try await answers(1)[0] }

    /// Whether nothing more was flushed within `seconds`.
    func staysSilent(for seconds: Double = 0.3) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await readFlushed() { return false }
            try await Task.sleep(for: .milliseconds(10))
        }
        return lines.isEmpty && partial.isEmpty
    }

    /// Whether the handler has autoread switched off: the socket is not read.
    var isReadPaused: Bool { Self.isReadPaused(channel) }

    static func isReadPaused(_ channel: NIOAsyncTestingChannel) -> Bool {
        channel.options.contains { $0.option is ChannelOptions.Types.AutoReadOption && $0.value as? Bool == false }
    }

    /// Ends the connection and stops the worker pools.
    func close() async throws {
        _ = try await channel.finish(acceptAlreadyClosed: true)
        try await pools.shutdownGracefully()
    }

    /// Moves what the handler flushed into `lines`; whether there was anything.
    private func readFlushed() async throws -> Bool {
        guard var buffer = try await channel.readOutbound(as: ByteBuffer.self) else { return false }
        partial += buffer.readBytes(length: buffer.readableBytes) ?? []
        while let newline = partial.firstIndex(of: 0x0A) {
            lines.append(String(decoding: partial[..<newline], as: UTF8.self))
            partial.removeSubrange(...newline)
        }
        return true
    }

    /// One whole answer from `lines`, if they hold one.
    private func takeAnswer() throws -> Response? {
        guard let header = lines.first else { return nil }
        switch Response.parseHeader(header) {
        case .error(let code, let message):
            lines.removeFirst()
            return .error(code: code, message: message)
        case .ok(let count):
            guard lines.count > count else { return nil }
            let body = Array(lines[1..<count + 1])
            lines.removeFirst(count + 1)
            return .ok(body)
        case nil:
            throw HarnessError("not an answer header: \(header)")
        }
    }
}
