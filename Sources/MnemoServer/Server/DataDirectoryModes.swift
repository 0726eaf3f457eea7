import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Keeping the files of a data directory private to the daemon's user.
///
/// mnemod runs under `umask(077)`, so what it creates is private from the
/// start: directories 0700, files 0600. A data directory made by an older
/// version, or by hand, may be wider. At start-up the daemon's own files (the
/// `spaces` directory, the space files with their `-wal`, `-shm` and
/// `-journal`, the pid file) are narrowed to those modes; the data directory
/// itself is only reported, never changed, because it may be a mount point or a
/// directory the operator shares on purpose (everything mnemod keeps in it is
/// private anyway).
enum DataDirectoryModes {
    /// What the daemon's own directories and files may allow at most.
    static let directoryMode: mode_t = 0o700
    static let fileMode: mode_t = 0o600

    /// Narrows the daemon's own files; one line per change or finding, for the log.
    static func secure(_ directory: String) -> [String] {
        var notes: [String] = []
        var info = stat()
        if stat(directory, &info) == 0, info.st_mode & 0o077 != 0 {
            let mode = String(info.st_mode & 0o777, radix: 8)
            notes.append("data directory \(directory) has mode \(mode): group or others may list it (its files are private; chmod 700 to hide their names)")
        }
        let spaces = directory + "/spaces"
        narrow(spaces, to: directoryMode, kind: S_IFDIR, notes: &notes)
        narrow(directory + "/mnemod.pid", to: fileMode, kind: S_IFREG, notes: &notes)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: spaces)) ?? []
        for name in names.sorted() where isSpaceFile(name) {
            narrow(spaces + "/" + name, to: fileMode, kind: S_IFREG, notes: &notes)
        }
        return notes
    }

    /// A space file or one SQLite keeps beside it.
    static func isSpaceFile(_ name: String) -> Bool {
        [".sqlite", ".sqlite-wal", ".sqlite-shm", ".sqlite-journal"].contains { name.hasSuffix($0) }
    }

    /// Takes away what `path` allows beyond `mode`, if it is of `kind`
    /// (never through a symbolic link: `lstat`, and links are skipped).
    private static func narrow(_ path: String, to mode: mode_t, kind: mode_t, notes: inout [String]) {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == kind else { return }
        let current = info.st_mode & 0o777
        guard current & ~mode != 0 else { return }
        let narrowed = current & mode
        if chmod(path, narrowed) == 0 {
            notes.append("narrowed \(path) from mode \(String(current, radix: 8)) to \(String(narrowed, radix: 8))")
        } else {
            notes.append("cannot narrow \(path) (mode \(String(current, radix: 8))): \(String(cString: strerror(errno)))")
        }
    }
}
