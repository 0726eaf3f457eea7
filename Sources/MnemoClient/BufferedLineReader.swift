#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads `\n`-terminated lines from a file descriptor through a growing
/// buffer (one `read` per 64 KiB or more, never one per byte). A `\r` before
/// the `\n` is dropped. Invalid UTF-8 is replaced by U+FFFD.
///
/// The reader does not own the descriptor: it never closes it.
public final class BufferedLineReader {
    public enum ReadError: Error, Equatable {
        /// `read` failed with this errno (EAGAIN/EWOULDBLOCK: a receive timeout expired).
        case failed(errno: Int32)
    }

    public let fileDescriptor: Int32
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// First unconsumed byte.
    private var head = 0
    /// End of the valid bytes.
    private var tail = 0
    /// Bytes in head..<head+scanned hold no newline (so a search can resume there).
    private var scanned = 0
    /// `read` returned 0.
    public private(set) var reachedEnd = false

    public init(fileDescriptor: Int32, initialCapacity: Int = 64 * 1024) {
        self.fileDescriptor = fileDescriptor
        self.capacity = max(initialCapacity, 16)
        self.storage = .allocate(capacity: capacity)
    }

    deinit {
        storage.deallocate()
    }

    /// Bytes read but not yet returned as lines.
    public var bufferedByteCount: Int { tail - head }

    /// Whether a complete line is already buffered (the next `readLine` will not block).
    public var hasBufferedLine: Bool {
        newlineIndex() != nil
    }

    /// The next line without its terminator; nil at end of input when nothing
    /// is left. A last line without `\n` is returned as a line. With
    /// `requireNewline`, end of input inside a line returns nil instead and
    /// leaves the partial bytes buffered.
    public func readLine(requireNewline: Bool = false) throws(ReadError) -> String? {
        while true {
            if let newline = newlineIndex() {
                return takeLine(upTo: newline, consuming: newline + 1)
            }
            if reachedEnd {
                if tail == head || requireNewline { return nil }
                return takeLine(upTo: tail, consuming: tail)
            }
            _ = try fill()
        }
    }

    /// One `read` into the buffer (blocking unless data or EOF is pending).
    /// Returns the number of bytes read; 0 means end of input.
    @discardableResult
    public func fill() throws(ReadError) -> Int {
        if reachedEnd { return 0 }
        makeRoom()
        while true {
            let count = read(fileDescriptor, storage + tail, capacity - tail)
            if count > 0 {
                tail += count
                return count
            }
            if count == 0 {
                reachedEnd = true
                return 0
            }
            let code = errno
            if code == EINTR { continue }
            throw .failed(errno: code)
        }
    }

    private func newlineIndex() -> Int? {
        let start = head + scanned
        guard start < tail else { return nil }
        if let hit = memchr(storage + start, 0x0A, tail - start) {
            return storage.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
        scanned = tail - head
        return nil
    }

    private func takeLine(upTo end: Int, consuming next: Int) -> String {
        var length = end - head
        if length > 0 && storage[head + length - 1] == 0x0D { length -= 1 }
        let line = String(decoding: UnsafeBufferPointer(start: storage + head, count: length), as: UTF8.self)
        head = next
        scanned = 0
        if head == tail {
            head = 0
            tail = 0
        }
        return line
    }

    /// Ensures at least 16 KiB free after `tail`: moves the unconsumed bytes to
    /// the front, or doubles the buffer when it is mostly full.
    private func makeRoom() {
        let minimumFree = 16 * 1024
        if capacity - tail >= minimumFree { return }
        let used = tail - head
        if head > 0 && capacity - used >= minimumFree && used <= capacity / 2 {
            memmove(storage, storage + head, used)
        } else {
            var newCapacity = capacity * 2
            while newCapacity - used < minimumFree { newCapacity *= 2 }
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            bigger.initialize(from: storage + head, count: used)
            storage.deallocate()
            storage = bigger
            capacity = newCapacity
        }
        head = 0
        tail = used
    }
}
