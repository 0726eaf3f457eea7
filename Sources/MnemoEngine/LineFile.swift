import Foundation
import MnemoModel

#if canImport(Glibc)
import Glibc
#endif

/// A file a client named, read line by line through a buffer of fixed size:
/// the file `import` reads. Opened as `CreatedFile` writes (an absolute
/// path, no symbolic link followed), and only a regular file.
final class LineFile {
    let path: String
    /// The file's size when opened, for progress.
    let size: Int64
    /// Bytes consumed so far (lines handed out and their newlines).
    private(set) var offset: Int64 = 0
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false

    /// The longest line read; a longer one is an error rather than memory.
    static let maximumLine = 64 << 20
    private static let chunk = 1 << 20

    init(opening path: String, for purpose: String) throws(MnemoError) {
        guard path.hasPrefix("/") else { throw MnemoError(.invalid, "\(purpose) needs an absolute path; \"\(path)\" is relative") }
        guard !path.utf8.contains(0) else { throw MnemoError(.invalid, "a \(purpose) path cannot hold a NUL character") }
        // Non-blocking to open: a FIFO would otherwise wait in open() for a
        // writer, holding a worker no deadline can free; it is refused below.
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            let code = errno
            let reason = String(cString: strerror(code))
            switch code {
            case ENOENT: throw MnemoError(.notFound, "no file \(path)")
            case ELOOP: throw MnemoError(.invalid, "\(path) is a symbolic link; \(purpose) does not follow one")
            case EACCES, EPERM: throw MnemoError(.denied, "the daemon may not read \(path): \(reason)")
            default: throw MnemoError(.invalid, "cannot open \(path): \(reason)")
            }
        }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw MnemoError(.invalid, "\(path) is not a regular file")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        self.path = path
        descriptor = fd
        size = Int64(info.st_size)
    }

    deinit { close(descriptor) }

    /// The next line without its newline (and a `\r` before it), `nil` at
    /// the end of the file. Not valid UTF-8 is an error.
    func nextLine(number: Int) throws(MnemoError) -> String? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                let line = try text(buffer[start..<newline], number: number)
                offset += Int64(newline + 1 - start)
                start = newline + 1
                return line
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                let line = try text(buffer[start...], number: number)
                offset += Int64(buffer.count - start)
                start = buffer.count
                return line
            }
            guard buffer.count - start <= Self.maximumLine else {
                throw MnemoError(.invalid, "line \(number): longer than \(Self.maximumLine) bytes")
            }
            try fill()
        }
    }

    private func text(_ bytes: ArraySlice<UInt8>, number: Int) throws(MnemoError) -> String {
        let trimmed = bytes.last == 0x0D ? bytes.dropLast() : bytes
        guard let line = String(validating: trimmed, as: UTF8.self) else { throw MnemoError(.invalid, "line \(number): not valid UTF-8") }
        return line
    }

    /// Reads another chunk after what is left of the buffer.
    private func fill() throws(MnemoError) {
        if start > 0 {
            buffer.removeFirst(start)
            start = 0
        }
        let old = buffer.count
        buffer.reserveCapacity(old + Self.chunk)
        buffer.append(contentsOf: repeatElement(0, count: Self.chunk))
        var n: Int
        repeat {
            n = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + old, Self.chunk) }
        } while n < 0 && errno == EINTR
        guard n >= 0 else {
            buffer.removeLast(Self.chunk)
            throw MnemoError(.internalError, "reading \(path): \(String(cString: strerror(errno)))")
        }
        buffer.removeLast(Self.chunk - n)
        if n == 0 { atEnd = true }
    }
}
