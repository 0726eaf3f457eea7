import Foundation

/// Where the `mnemod` executable to start is.
///
/// `swift build` puts every product of the package in one directory
/// (`.build/<triple>/debug`, `.build/release`): the daemon is found beside the
/// program that wants it. Tests may also be pointed at another build.
public enum MnemodBinary {
    /// For tests: `MNEMOD` from the environment when it is set and not empty;
    /// else a `mnemod` beside the test executable or up to two directories above
    /// it (on macOS the executable sits inside the `.xctest` bundle); else the
    /// package's `.build/debug/mnemod`. `swift test` and `scripts/test.sh` (what
    /// `.ci/run` runs) build it beside the tests.
    public static var forTests: String {
        if let path = ProcessInfo.processInfo.environment["MNEMOD"], !path.isEmpty { return path }
        for program in [thisProgram, CommandLine.arguments[0]] {
            var directory = URL(fileURLWithPath: program).deletingLastPathComponent()
            for _ in 0..<3 {
                let candidate = directory.appendingPathComponent("mnemod").path
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
                directory.deleteLastPathComponent()
            }
        }
        return packageRoot.appendingPathComponent(".build/debug/mnemod").path
    }

    /// For benchmarks: the `mnemod` beside the running program and nowhere else,
    /// so that a release benchmark never measures a debug daemon found elsewhere
    /// (`--mnemod PATH` names another).
    public static var besideThisProgram: String {
        URL(fileURLWithPath: thisProgram).deletingLastPathComponent().appendingPathComponent("mnemod").path
    }

    /// This program's executable, through /proc/self/exe where there is one, so
    /// that a program run through a link or the PATH is found where it really is.
    static var thisProgram: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// The package's root directory, from where this file is compiled.
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
}
