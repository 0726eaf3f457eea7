import Foundation

/// A directory for the files of one test or benchmark run — a daemon's data,
/// socket, configuration and log — removed when the last reference to it goes.
///
/// Daemons keep the directory they run in alive: a test that restarts a
/// daemon over the same data passes one directory to both, and it outlives them.
public final class TemporaryDirectory: Sendable {
    public let path: String
    private let removedWhenReleased: Bool

    /// A fresh directory `/tmp/<prefix>-XXXXXXXX`: short, so that a socket path
    /// inside it fits in `sun_path` (108 bytes).
    public init(prefix: String = "mnemo") {
        path = "/tmp/\(prefix)-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        removedWhenReleased = true
    }

    /// The directory at `path`, emptied first and private to its owner (0700),
    /// as `mnemod` wants a data directory; left in place when released if
    /// `removedWhenReleased` is false (a benchmark's work directory, a fuzzer's
    /// that `--keep` keeps).
    public init(emptying path: String, removedWhenReleased: Bool = true) throws {
        self.path = path
        self.removedWhenReleased = removedWhenReleased
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
    }

    deinit {
        if removedWhenReleased { try? FileManager.default.removeItem(atPath: path) }
    }

    /// The path of `name` inside the directory.
    public func file(_ name: String) -> String { path + "/" + name }
}
