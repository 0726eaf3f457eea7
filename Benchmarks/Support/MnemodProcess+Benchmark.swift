import Foundation
import MnemoTestSupport

extension MnemodProcess {
    /// A daemon for a benchmark in a directory of its own, `/tmp/NAME-PID`
    /// (emptied first, removed when the daemon is released), which is its data
    /// directory and holds its socket: with no spaces, or serving a copy of the
    /// space file `space` as its default space; `configuration`, if given, is
    /// its daemon.conf. It logs warnings to the benchmark's standard error, and
    /// may take ten minutes to answer (a large store's graph is built before
    /// the socket opens: `startSeconds` says how long it took).
    public static func inScratchDirectory(
        _ name: String, serving space: String? = nil, binary: String,
        configuration: String? = nil, extraArguments: [String] = []
    ) throws -> MnemodProcess {
        let directory = try TemporaryDirectory(emptying: "/tmp/\(name)-\(getpid())")
        if let space { try copySpace(space, into: directory.path) }
        let launch = MnemodLaunch(
            binary: binary, config: configuration, dataDirectory: directory.path, logLevel: "warning",
            extraArguments: extraArguments, log: .inherited)
        return try MnemodProcess(launch, in: directory, waitUntilServing: 600)
    }

    /// Copies the space file `store` (and its WAL, if any) into `dataDirectory` as
    /// its default space, for a daemon to serve: recall reinforces what it returns,
    /// so a store served twice would not be the same store. Private to its owner,
    /// as mnemod wants its files.
    public static func copySpace(_ store: String, into dataDirectory: String) throws {
        try FileManager.default.createDirectory(
            atPath: dataDirectory + "/spaces", withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: store + suffix) {
            let copy = dataDirectory + "/spaces/default.sqlite" + suffix
            try FileManager.default.copyItem(atPath: store + suffix, toPath: copy)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: copy)
        }
    }
}
