import Foundation
import MnemoStore

extension SyntheticMemory {
    /// This memory as a space file, `directory/spaces/default.sqlite`: built
    /// (and the build's figures printed) if missing, else reused as it is,
    /// so that benchmarks of one memory share one build (delete the
    /// directory to rebuild). Returns the file's path.
    public func store(in directory: String) throws -> String {
        let storePath = directory + "/spaces/default.sqlite"
        if FileManager.default.fileExists(atPath: storePath) { return storePath }
        try FileManager.default.createDirectory(atPath: directory + "/spaces", withIntermediateDirectories: true)
        var options = StoreOptions()
        options.cacheSizeKiB = 256 * 1024
        let store = try MemoryStore(path: storePath, options: options)
        let seconds = try write(into: store)
        try store.checkpoint()
        print(
            String(
                format: "built %d episodes in %.1f s and %d facts in %.1f s (%.0f MiB)", episodes, seconds.episodes, facts, seconds.facts,
                Double(store.fileSize()) / 1_048_576))
        return storePath
    }
}
