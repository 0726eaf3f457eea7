#if canImport(Glibc)
import Glibc
#endif

/// Look-ups in the system's user and group database (`/etc/passwd`,
/// `/etc/group`, or whatever NSS serves), with the re-entrant calls only:
/// `getpwuid`, `getpwnam` and `getgrnam` return a buffer shared by every
/// thread, and look-ups run on several threads at once (one per new
/// connection, plus a configuration reload). A look-up may block for as long as
/// a directory service takes to answer, so none runs on an event loop.
enum UserDatabase {
    /// A look-up the database could not answer (an I/O error, an unreachable
    /// directory service); distinct from a name that does not exist.
    struct Failure: Error, Sendable, CustomStringConvertible {
        var call: String
        var code: Int32
        var description: String { "\(call): \(String(cString: strerror(code)))" }
    }

    /// The largest buffer a single entry may need before we give up on it.
    private static let maximumBuffer = 1 << 20

    /// The name of the user `uid`, or nil when no user has it.
    static func userName(of uid: UInt32) throws(Failure) -> String? {
        try entry("getpwuid_r", sizeHint: Int32(_SC_GETPW_R_SIZE_MAX)) { (entry: UnsafeMutablePointer<passwd>, buffer, size, result) in
            getpwuid_r(uid, entry, buffer, size, result)
        } value: {
            $0.pw_name.map { String(cString: $0) }
        } ?? nil
    }

    /// The uid of the user called `name`, or nil when there is none.
    static func uid(ofUser name: String) throws(Failure) -> UInt32? {
        try entry("getpwnam_r", sizeHint: Int32(_SC_GETPW_R_SIZE_MAX)) { (entry: UnsafeMutablePointer<passwd>, buffer, size, result) in
            getpwnam_r(name, entry, buffer, size, result)
        } value: {
            $0.pw_uid
        }
    }

    /// The gid of the group called `name`, or nil when there is none.
    static func gid(ofGroup name: String) throws(Failure) -> UInt32? {
        try entry("getgrnam_r", sizeHint: Int32(_SC_GETGR_R_SIZE_MAX)) { (entry: UnsafeMutablePointer<group>, buffer, size, result) in
            getgrnam_r(name, entry, buffer, size, result)
        } value: {
            $0.gr_gid
        }
    }

    /// The groups of the user called `name`: `primary` first, then every
    /// supplementary group (`getgrouplist`, which is thread-safe).
    static func groups(ofUser name: String, primary: UInt32) -> [UInt32] {
        var count: Int32 = 64
        var list = [gid_t](repeating: 0, count: Int(count))
        // A list that was too short reports the length it needs; the group
        // database may grow between the two calls, hence the loop.
        while getgrouplist(name, primary, &list, &count) == -1 {
            let needed = max(Int(count), list.count * 2)
            guard needed <= 65_536 else { break }
            count = Int32(needed)
            list = [gid_t](repeating: 0, count: needed)
        }
        var result: [UInt32] = [primary]
        for g in list.prefix(max(0, min(Int(count), list.count))) where !result.contains(g) { result.append(g) }
        return result
    }

    /// Runs a `get*_r` call with a buffer that grows while the call answers
    /// `ERANGE`; the value of the entry found, or nil when there is none.
    private static func entry<Entry, Value>(
        _ call: String, sizeHint: Int32,
        _ lookUp: (UnsafeMutablePointer<Entry>, UnsafeMutablePointer<CChar>, Int, UnsafeMutablePointer<UnsafeMutablePointer<Entry>?>) -> Int32,
        value: (Entry) -> Value
    ) throws(Failure) -> Value? {
        let suggested = sysconf(sizeHint)
        var size = suggested > 0 ? min(suggested, maximumBuffer) : 1024
        let entry = UnsafeMutablePointer<Entry>.allocate(capacity: 1)
        defer { entry.deallocate() }
        while true {
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: size)
            defer { buffer.deallocate() }
            var result: UnsafeMutablePointer<Entry>? = nil
            let code = lookUp(entry, buffer, size, &result)
            if code == ERANGE && size < maximumBuffer {
                size = min(size * 2, maximumBuffer)
                continue
            }
            // Not found is 0 with no result (some C libraries answer ENOENT or ESRCH).
            if code == 0 || code == ENOENT || code == ESRCH || code == EBADF || code == EPERM {
                guard let result else { return nil }
                return value(result.pointee)
            }
            throw Failure(call: call, code: code)
        }
    }
}
