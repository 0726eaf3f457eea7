#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Small POSIX helpers shared by the client, kept out of the public API.
enum POSIX {
    #if canImport(Glibc) || canImport(Musl)
    static let streamSocket = Int32(SOCK_STREAM.rawValue)
    /// `send` flags: never raise SIGPIPE (Linux has MSG_NOSIGNAL; Darwin
    /// uses the SO_NOSIGPIPE socket option instead, set at connect).
    static let noSignal = Int32(MSG_NOSIGNAL)
    #else
    static let streamSocket = SOCK_STREAM
    static let noSignal: Int32 = 0
    #endif

    static func errorString(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    /// The name of a user id, or the number when it has none.
    static func userName(_ uid: uid_t) -> String {
        if let entry = getpwuid(uid), let name = entry.pointee.pw_name {
            return String(cString: name)
        }
        return "\(uid)"
    }

    static func groupName(_ gid: gid_t) -> String {
        if let entry = getgrgid(gid), let name = entry.pointee.gr_name {
            return String(cString: name)
        }
        return "\(gid)"
    }
}
