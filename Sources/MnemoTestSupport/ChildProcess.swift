import Foundation

/// Starting child processes from tests.
public enum ChildProcess {
    /// Runs the process `make` builds. Foundation's `Process` can fail to
    /// spawn with EBADF while other threads of the program spawn at the same
    /// moment, and a used `Process` cannot be run again: so on failure a
    /// fresh one is built and run, up to `attempts` times in all.
    public static func run(attempts: Int = 5, _ make: () -> Process) throws -> Process {
        var attempt = 0
        while true {
            let process = make()
            do {
                try process.run()
                return process
            } catch {
                attempt += 1
                if attempt >= attempts { throw error }
                usleep(50_000)
            }
        }
    }

    /// Runs the process `make` builds (as `run` does) with standard input
    /// empty, to its end: its exit status, standard output and standard error.
    /// Standard error goes to a file meanwhile, so that a child that writes
    /// much to both never blocks on a pipe nobody reads.
    public static func outputs(_ make: () -> Process) throws -> (status: Int32, stdout: String, stderr: String) {
        let errors = TemporaryDirectory()
        let errorPath = errors.file("stderr")
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        let out = Pipe()
        let process = try run {
            let process = make()
            process.standardOutput = out
            process.standardError = FileHandle(forWritingAtPath: errorPath)
            process.standardInput = FileHandle.nullDevice
            return process
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = FileManager.default.contents(atPath: errorPath) ?? Data()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }
}
