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
}
