import Foundation
import MnemoTestSupport

/// A reflector command (docs/reflector.md) that holds a consolidation run
/// inside its reflector pass until the test lets it go (at most 30 s): for
/// tests of what happens while a run is in progress.
struct HeldReflector {
    private let marker: String
    private let released: String
    /// The `daemon.conf` line that makes a daemon use it.
    let configLine: String

    init(in directory: TemporaryDirectory) throws {
        marker = directory.file("reflecting")
        released = directory.file("release")
        let script = directory.file("reflector.sh")
        try """
        #!/bin/sh
        cat >/dev/null
        touch \(marker)
        i=0
        while [ ! -e \(released) ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
        echo '{}'
        """.write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        configLine = "reflector = \(script)\n"
    }

    /// Whether a run reached the reflector within 20 s.
    func waitUntilReflecting() -> Bool {
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: marker), Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        return FileManager.default.fileExists(atPath: marker)
    }

    /// Lets the run go on.
    func release() { _ = FileManager.default.createFile(atPath: released, contents: nil) }
}
