import DequeModule
import Foundation
import MnemoEngine
import MnemoModel
import MnemoQuery
import NIOCore
import NIOPosix

/// Answers the requests of one connection, one at a time and in order.
///
/// Requests that need no file (`ping`, `help`, syntax errors), a `recall`
/// whose space is in memory and the short reads that finish within
/// `inline_read_budget` are answered on the network thread; the others run
/// on a worker — writes on the write pool, everything else on the read
/// pool, so that slow reads never hold up a write — and the requests
/// pipelined behind them wait their turn. Between two reads of the socket,
/// or after a worker's answer, a connection runs recalls and reads on the
/// network thread for at most `inline_read_budget` (at least one): a client
/// that pipelines thousands of them takes turns with the other connections
/// of its thread, the rest of its requests going to workers. Replies are written as they are
/// ready and flushed when the socket has nothing more to read, so pipelined
/// requests share system calls.
///
/// Memory per connection is bounded (backpressure): the connection is not
/// read while it has `maximumQueuedRequests` requests or `max_queued_bytes`
/// of request lines waiting, and while more than `max_pending_output` of its
/// answers wait to be sent (the channel is not writable), none of its
/// requests is started and it is not read either. A client that pipelines
/// and never reads holds at most those amounts plus the answer being built.
///
/// Each request on a worker carries a `Cancellation`: its `request_timeout`
/// deadline, the connection closing, cancel it, and the work stops at its
/// next check. A read past its deadline is answered `ERR TIMEOUT` at once; a
/// write is answered by the work itself, so that `ERR TIMEOUT` on a write
/// always means it was not committed.
final class ConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = RequestFrame
    typealias OutboundIn = Never
    typealias OutboundOut = ByteBuffer

    private let session: Session
    private let runner: StatementRunner
    private let state: ServerState
    private let pools: WorkerPools
    private var queue = Deque<(request: QueuedRequest, bytes: Int)>()
    /// The request-line bytes of the requests in `queue`.
    private var queuedBytes = 0
    private var running = false
    private var quiescing = false
    private var readPaused = false
    /// Replies not yet handed to the channel.
    private var pending: ByteBuffer?
    /// Whether the request running now was already answered with `ERR TIMEOUT`.
    private var currentTimedOut = false
    /// The cancellation of the request running on a worker now.
    private var current: Cancellation?
    /// Whether that request is a batch of writes (the client leaving does not stop those).
    private var currentIsWrite = false
    /// The client shut its sending side: answer what it sent, then close.
    private var inputClosed = false
    /// Closing once the answers are written (`closeWhenDone`).
    private var closing = false
    /// When this turn's first recall or short read ran on the network thread
    /// (`mayRunInline`); `nil` before it.
    private var inlineSince: UInt64?

    /// How long a connection may take to finish at shutdown (its client reading
    /// its last answers); then its request is stopped and it is closed.
    static let shutdownGrace = TimeAmount.seconds(10)

    /// Stop reading when this many requests wait; resume below `lowWater`.
    static let maximumQueuedRequests = 4096
    private static let lowWater = 512

    init(session: Session, state: ServerState, pools: WorkerPools) {
        self.session = session
        self.state = state
        self.pools = pools
        self.runner = StatementRunner(state: state)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Parsed on arrival: while a worker runs the requests before it, this
        // thread gets the next ones ready.
        let frame = unwrapInboundIn(data)
        let bytes = if case .line(let buffer) = frame { buffer.readableBytes } else { 0 }
        queue.append((QueuedRequest(frame), bytes))
        queuedBytes += bytes
        drain(context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        inlineSince = nil
        flushIfNeeded(context: context)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        // The client read some of its answers: serve it again.
        if context.channel.isWritable {
            drain(context: context)
            flushIfNeeded(context: context)
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        // Nobody will read the answer: a read in progress may stop. A write goes
        // on: what it commits stays committed, answered or not.
        if !currentIsWrite { current?.cancel(.disconnected) }
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            // Shutting down: answer what was received, read nothing more, then
            // close; a client that does not read its answers gets shutdownGrace.
            quiescing = true
            updateReading(context: context)
            closeWhenDone(context: context)
            let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: Self.shutdownGrace) {
                let (handler, context) = bound.value
                handler.current?.cancel(.shutdown)
                context.close(promise: nil)
            }
            return
        }
        if let event = event as? ChannelEvent, event == .inputClosed {
            // `printf '...' | socat`: everything sent is answered, then the connection closes.
            inputClosed = true
            closeWhenDone(context: context)
            return
        }
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            guard queue.isEmpty && !running else { return }
            let seconds = state.config.idleTimeout.components.seconds
            write(.error(MnemoError(.timeout, "idle for \(seconds)s; closing the connection")), context: context)
            flushIfNeeded(context: context)
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        state.logger.debug("connection of \(session.peer): \(error)")
        context.close(promise: nil)
    }

    /// Answers queued requests until one has to run on a worker, or the
    /// client stops reading its answers.
    private func drain(context: ChannelHandlerContext) {
        while !running, context.channel.isWritable, let (request, bytes) = queue.popFirst() {
            queuedBytes -= bytes
            let started = Self.monotonicNanoseconds()
            let statement: Statement
            switch request {
            case .answered(let keyword, let reply):
                if let keyword { record(keyword, started, failed: reply.isError) }
                write(reply, context: context)
                continue
            case .statement(let parsed):
                statement = parsed
            }
            let handoff: RecallHandoff?
            switch runner.runInline(statement, session: session, inlineAllowed: mayRunInline(statement)) {
            case .answered(let reply):
                record(statement.keyword, started, failed: reply.isError)
                write(reply, context: context)
                continue
            case .onWorker(let ranked):
                handoff = ranked
            }
            if statement.traits.isWrite {
                runOnWorker(gatherWrites(after: statement), started: started, context: context)
            } else {
                runOnWorker([statement], handoff: handoff, started: started, context: context)
            }
        }
        updateReading(context: context)
        closeWhenDone(context: context)
    }

    /// Whether `statement`, if it is a recall or a short read, may run on the
    /// network thread: while this turn's share of it is not spent. A turn
    /// ends when the socket has nothing more to read for now, or a worker
    /// answers; its share is `inline_read_budget` (at least one statement).
    private func mayRunInline(_ statement: Statement) -> Bool {
        guard statement.traits.inline == .whenInMemory || statement.traits.inline == .withinBudget else { return true }
        let now = Self.monotonicNanoseconds()
        guard let since = inlineSince else {
            inlineSince = now
            return true
        }
        let budget = state.config.inlineReadBudget.components
        // At most 10 ms (the key's bound): no overflow.
        let share = UInt64(clamping: budget.seconds) * 1_000_000_000 + UInt64(clamping: budget.attoseconds / 1_000_000_000)
        return now - since < share
    }

    /// Reads from the socket only while the queue and the unsent answers are
    /// within their bounds (with some slack before reading again, so that a
    /// client at the limit is not switched on and off at every request).
    private func updateReading(context: ChannelHandlerContext) {
        let maxBytes = state.config.maxQueuedBytes
        let writable = context.channel.isWritable
        let full = queue.count >= Self.maximumQueuedRequests || queuedBytes >= maxBytes
        if !readPaused && (quiescing || !writable || full) {
            readPaused = true
            context.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
        } else if readPaused && !quiescing && writable && queue.count < Self.lowWater && queuedBytes < maxBytes / 2 {
            readPaused = false
            context.channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
        }
    }

    /// The write and the writes queued right behind it (up to a batch), to
    /// commit together: one transaction, one trip to a worker.
    private func gatherWrites(after first: Statement) -> [Statement] {
        var batch = [first]
        while batch.count < Self.maximumWriteBatch, case .statement(let next)? = queue.first?.request, next.traits.isWrite {
            batch.append(next)
            queuedBytes -= queue.removeFirst().bytes
        }
        return batch
    }

    /// The most pipelined writes committed in one transaction.
    static let maximumWriteBatch = 256

    /// Runs `statements` on a worker (a write batch, or one read, or the
    /// recall `handoff` the network thread ranked) and answers when done.
    private func runOnWorker(_ statements: [Statement], handoff: RecallHandoff? = nil, started: UInt64, context: ChannelHandlerContext) {
        running = true
        currentTimedOut = false
        let loop = context.eventLoop
        let runner = self.runner
        let session = self.session
        let writes = statements[0].traits.isWrite
        let timeout = StatementRunner.runsUnbounded(statements) ? .zero : state.config.requestTimeout
        let cancellation = Cancellation(limit: "request_timeout (\(timeout))")
        current = cancellation
        currentIsWrite = writes
        // Handler and context belong to the event loop; the closures below run there.
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: loop)
        let timer: Scheduled<Void>? =
            timeout > .zero
            ? loop.scheduleTask(in: TimeAmount(timeout)) {
                cancellation.cancel(.deadline)
                // A write answers when it stops, with whether it committed; a read
                // has nothing to lose and is answered now.
                guard !writes else { return }
                let (handler, context) = bound.value
                handler.currentTimedOut = true
                handler.write(.error(cancellation.error), context: context)
                handler.flushIfNeeded(context: context)
            } : nil
        let work: EventLoopFuture<[Reply]> =
            writes
            ? pools.runWrite(space: session.space, eventLoop: loop) {
                runner.runWrites(statements, session: session, cancellation: cancellation)
            }
            : pools.reads.runIfActive(eventLoop: loop) {
                if let handoff { return [runner.finish(handoff, of: statements[0], session: session, cancellation: cancellation)] }
                return [runner.run(statements[0], session: session, cancellation: cancellation)]
            }
        work.whenComplete { result in
            let (handler, context) = bound.value
            timer?.cancel()
            let replies: [Reply] =
                switch result {
                case .success(let replies): replies
                case .failure(let error): statements.map { _ in .error(MnemoError(.busy, "the daemon is shutting down: \(error)")) }
                }
            for (statement, reply) in zip(statements, replies) {
                handler.record(statement.keyword, started, failed: reply.isError)
            }
            handler.running = false
            handler.inlineSince = nil
            handler.current = nil
            handler.currentIsWrite = false
            if handler.currentTimedOut {
                // The first statement was answered with ERR TIMEOUT; the others still get theirs.
                for reply in replies.dropFirst() { handler.write(reply, context: context) }
            } else {
                for reply in replies { handler.write(reply, context: context) }
            }
            handler.flushIfNeeded(context: context)
            if context.channel.isActive { handler.drain(context: context) }
            handler.flushIfNeeded(context: context)
        }
    }

    /// Adds a reply to the connection's pending output; it goes out at the next
    /// flush (end of the current read, a finished worker request) or when it grows large.
    private func write(_ reply: Reply, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        if case .ok(let answer) = reply, answer.readableBytes >= 64 * 1024 {
            // A big answer goes out in its own buffer, after what is pending, without a copy.
            flushIfNeeded(context: context)
            context.writeAndFlush(wrapOutboundOut(answer), promise: nil)
            return
        }
        if pending == nil { pending = context.channel.allocator.buffer(capacity: 512) }
        reply.write(into: &pending!)
        if pending!.readableBytes >= 64 * 1024 { flushIfNeeded(context: context) }
    }

    private func flushIfNeeded(context: ChannelHandlerContext) {
        guard let buffer = pending else { return }
        pending = nil
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    /// Closes the connection once it is shutting down or its client stopped
    /// sending, and every request is answered and every answer written.
    private func closeWhenDone(context: ChannelHandlerContext) {
        guard quiescing || inputClosed, queue.isEmpty, !running, !closing else { return }
        closing = true
        // Writes complete in order: once this one has, every answer before it went out.
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(pending ?? context.channel.allocator.buffer(capacity: 0)), promise: written)
        pending = nil
        // Completed on the channel's event loop, where the context may be used.
        written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }

    private func record(_ statement: String, _ started: UInt64, failed: Bool) {
        let seconds = Double(Self.monotonicNanoseconds() - started) / 1e9
        state.statistics.record(statement, seconds: seconds, failed: failed)
    }

    /// Whether a request line is exactly `ping` (any case, surrounding blanks allowed).
    static func isPing(_ buffer: ByteBuffer) -> Bool {
        buffer.withUnsafeReadableBytes { bytes in
            var start = 0
            var end = bytes.count
            while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
            while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 || bytes[end - 1] == 0x0D { end -= 1 }
            guard end - start == 4 else { return false }
            return bytes[start] | 0x20 == 0x70 && bytes[start + 1] | 0x20 == 0x69
                && bytes[start + 2] | 0x20 == 0x6E && bytes[start + 3] | 0x20 == 0x67
        }
    }

    static func monotonicNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
