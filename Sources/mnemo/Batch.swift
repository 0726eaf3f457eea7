import ArgumentParser
import Foundation
import MnemoClient

/// Lines of a statement file or of standard input, read through a buffer.
final class InputLines {
    let reader: BufferedLineReader
    private let ownsDescriptor: Bool

    init(fileDescriptor: Int32) {
        reader = BufferedLineReader(fileDescriptor: fileDescriptor)
        ownsDescriptor = false
    }

    init?(path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        var info = stat()
        if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            errno = EISDIR
            return nil
        }
        reader = BufferedLineReader(fileDescriptor: fd)
        ownsDescriptor = true
    }

    deinit {
        if ownsDescriptor { close(reader.fileDescriptor) }
    }

    /// Whether the next `next()` may have to wait for the writer of the input
    /// (a pipe or terminal with nothing more to read yet).
    var wouldBlock: Bool {
        if reader.hasBufferedLine || reader.reachedEnd { return false }
        var poller = pollfd(fd: reader.fileDescriptor, events: Int16(POLLIN), revents: 0)
        return poll(&poller, 1, 0) == 0
    }

    func next() throws -> String? {
        do {
            return try reader.readLine()
        } catch {
            guard case .failed(let code) = error else { throw ExitStatus.ioError }
            Terminal.error("mnemo: reading the statements failed: \(String(cString: strerror(code)))")
            throw ExitStatus.ioError
        }
    }
}

/// Runs statements in order over one connection, pipelined.
///
/// Read-only statements (`StatementInfo.isReadOnly`) are sent without waiting;
/// any other statement is sent only once every earlier answer has arrived, so
/// that when the batch stops at an `ERR`, nothing that changes state was sent
/// after it. With `keepGoing` everything is pipelined (no stop to protect).
/// At most `window` answers are outstanding.
final class BatchRunner {
    let connection: MnemoConnection
    let printer: AnswerPrinter
    let keepGoing: Bool
    let window: Int
    let sendChunk: Int

    private var unsent: [Statement] = []
    private var inFlight: [Statement] = []
    private var inFlightHead = 0
    private(set) var failures = 0
    private(set) var stopped = false
    /// Says which statement an answer is awaited for, when that takes long.
    private let progress = ProgressLine.forStandardError()

    init(connection: MnemoConnection, printer: AnswerPrinter, keepGoing: Bool, window: Int = 512, sendChunk: Int = 64) {
        self.connection = connection
        self.printer = printer
        self.keepGoing = keepGoing
        self.window = max(window, 1)
        self.sendChunk = max(min(sendChunk, window), 1)
    }

    /// Runs a list of statements.
    func run(_ statements: [Statement]) throws {
        try guarded {
            for statement in statements {
                try submit(statement)
                if stopped { break }
            }
            try drainAll()
        }
    }

    /// Runs the statements of an input as they are read. When the input has
    /// nothing more to give yet (a pipe), what was read is sent and answered
    /// first, so that a writer waiting for answers is never kept waiting.
    func run(_ input: InputLines) throws {
        var assembler = StatementAssembler()
        try guarded {
            while !stopped {
                if input.wouldBlock {
                    try drainAll()
                    Terminal.flush()
                }
                guard let line = try input.next() else { break }
                if let statement = assembler.feed(line) { try submit(statement) }
            }
            if !stopped, let statement = assembler.finish() { try submit(statement) }
            try drainAll()
        }
    }

    private func guarded(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as MnemoClientError {
            Terminal.error("mnemo: \(error)")
            throw ExitStatus.unavailable
        }
        Terminal.flush()
    }

    private func submit(_ statement: Statement) throws {
        guard !stopped else { return }
        if !keepGoing && !StatementInfo.isReadOnly(statement.text) {
            try drainAll()
            if stopped { return }
        }
        unsent.append(statement)
        if unsent.count >= sendChunk { try sendUnsent() }
    }

    private func sendUnsent() throws {
        guard !unsent.isEmpty else { return }
        // Statements from the assembler never hold a newline.
        try connection.sendMany(unsent.lazy.map(\.text))
        inFlight.append(contentsOf: unsent)
        unsent.removeAll(keepingCapacity: true)
        while inFlight.count - inFlightHead > window && !stopped {
            try readOne()
        }
    }

    private func drainAll() throws {
        try sendUnsent()
        while inFlightHead < inFlight.count && !stopped {
            try readOne()
        }
    }

    private func readOne() throws {
        let statement = inFlight[inFlightHead]
        progress?.begin(ProgressLine.running(statement.text))
        let response: Response
        do {
            defer { progress?.end() }
            response = try connection.readResponse()
        }
        inFlightHead += 1
        if inFlightHead == inFlight.count {
            inFlight.removeAll(keepingCapacity: true)
            inFlightHead = 0
        } else if inFlightHead >= 4096 {
            inFlight.removeFirst(inFlightHead)
            inFlightHead = 0
        }
        printer.print(response, for: statement)
        if !response.isOK {
            failures += 1
            if !keepGoing { stopped = true }
        }
    }
}
