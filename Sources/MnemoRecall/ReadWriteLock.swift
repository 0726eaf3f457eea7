#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value many threads may read at once and one at a time may change: a
/// POSIX read-write lock around it.
///
/// Writers go first: once a writer waits, readers that come after it wait
/// too, so that a stream of overlapping readers cannot hold a writer off for
/// ever (on Linux; Darwin's lock does not say which it prefers). A reader
/// therefore must not take the read lock again inside `withReadLock`: with
/// a writer waiting between the two, the second would wait for the writer,
/// which waits for the first.
final class ReadWriteLock<Value>: @unchecked Sendable {
    private let lock: UnsafeMutablePointer<pthread_rwlock_t>
    // Read only while the lock is held for reading, changed only while it is
    // held for writing: that is what makes this type Sendable.
    private var value: Value

    init(_ value: Value) {
        self.value = value
        lock = .allocate(capacity: 1)
        var attributes = pthread_rwlockattr_t()
        pthread_rwlockattr_init(&attributes)
        defer { pthread_rwlockattr_destroy(&attributes) }
        #if canImport(Glibc)
        pthread_rwlockattr_setkind_np(&attributes, Int32(PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP))
        #endif
        let created = pthread_rwlock_init(lock, &attributes)
        precondition(created == 0, "pthread_rwlock_init: \(created)")
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deallocate()
    }

    /// Runs `body` with the value, beside any other readers.
    func withReadLock<T, E: Error>(_ body: (Value) throws(E) -> T) throws(E) -> T {
        let locked = pthread_rwlock_rdlock(lock)
        precondition(locked == 0, "pthread_rwlock_rdlock: \(locked)")
        defer { pthread_rwlock_unlock(lock) }
        return try body(value)
    }

    /// Runs `body` with the value if the lock can be had for reading at once;
    /// `nil` while a writer holds it, or (on Linux) waits for it.
    func withReadLockIfFree<T, E: Error>(_ body: (Value) throws(E) -> T) throws(E) -> T? {
        guard pthread_rwlock_tryrdlock(lock) == 0 else { return nil }
        defer { pthread_rwlock_unlock(lock) }
        return try body(value)
    }

    /// Runs `body` with the value to change, alone.
    func withWriteLock<T, E: Error>(_ body: (inout Value) throws(E) -> T) throws(E) -> T {
        let locked = pthread_rwlock_wrlock(lock)
        precondition(locked == 0, "pthread_rwlock_wrlock: \(locked)")
        defer { pthread_rwlock_unlock(lock) }
        return try body(&value)
    }
}
