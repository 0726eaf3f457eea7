import Foundation
import MnemoTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The mode bits of a path (not following a symbolic link), or nil.
func fileMode(_ path: String) -> mode_t? {
    var info = stat()
    return lstat(path, &info) == 0 ? info.st_mode : nil
}

/// Every path under a directory, depth first, the directory itself first.
func pathsUnder(_ root: String) -> [String] {
    var paths = [root]
    for name in ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted() {
        let path = root + "/" + name
        if let m = fileMode(path), m & S_IFMT == S_IFDIR { paths += pathsUnder(path) } else { paths.append(path) }
    }
    return paths
}

@Suite("files the daemon creates are private")
struct FileModeTests {
    @Test("after writes to two spaces: directories 0700, files 0600, the socket socket_mode")
    func everythingIsPrivate() throws {
        let daemon = try MnemodProcess(config: "socket_mode = 0660\n")
        let c = try daemon.connect()
        #expect(try c.request(#"remember "Ann keeps bees" by ann"#).code == nil)
        #expect(try c.request("use space other").code == nil)
        #expect(try c.request("assert likes(bob, tea)").code == nil)
        #expect(try c.request(#"backup to "\#(daemon.directory.file("copy.db"))""#).code == nil)
        let paths = pathsUnder(daemon.dataDirectory)
        // The data directory, spaces/, the pid file, two space files with their -wal and -shm.
        #expect(paths.count >= 9, "\(paths)")
        for path in paths {
            let m = try #require(fileMode(path))
            switch m & S_IFMT {
            case S_IFDIR: #expect(m & 0o777 == 0o700, "\(path): \(String(m & 0o777, radix: 8))")
            case S_IFREG: #expect(m & 0o777 == 0o600, "\(path): \(String(m & 0o777, radix: 8))")
            default: Issue.record("unexpected \(path) (type \(String(m & S_IFMT, radix: 8)))")
            }
        }
        // The backup assembled its copy in spaces/ and left nothing there.
        #expect(!paths.contains { $0.contains("backup") }, "\(paths)")
        #expect(fileMode(daemon.socketPath).map { $0 & 0o777 } == 0o660)
    }

    @Test("directories made for the socket let in whom socket_mode lets connect, and no one else")
    func socketDirectories() throws {
        let open = try MnemodProcess(config: "socket_mode = 0666\n", socket: "run/mnemo/m.sock")
        #expect(fileMode(open.directory.file("run")).map { $0 & 0o777 } == 0o711)
        #expect(fileMode(open.directory.file("run/mnemo")).map { $0 & 0o777 } == 0o711)
        #expect(fileMode(open.socketPath).map { $0 & 0o777 } == 0o666)
        let closed = try MnemodProcess(config: "socket_mode = 0600\n", socket: "run/m.sock")
        #expect(fileMode(closed.directory.file("run")).map { $0 & 0o777 } == 0o700)
        #expect(fileMode(closed.socketPath).map { $0 & 0o777 } == 0o600)
        // In the data directory (0700), socket_mode 0660 lets no group member in: the log says so.
        let inData = try MnemodProcess(config: "socket_mode = 0660\n", socket: "data/m.sock")
        #expect(
            inData.log.contains("socket_mode 660 lets its group connect, but \(inData.dataDirectory) (mode 700) keeps them from reaching the socket"),
            "\(inData.log)")
    }

    @Test(
        "another uid reaches a socket through the directories made for it only when socket_mode lets it",
        OtherUser.required)
    func socketDirectoriesAsAnotherUser() throws {
        let directory = OtherUser.reachableDirectory()
        let open = try MnemodProcess(config: "socket_mode = 0666\n", directory: directory, socket: "run/mnemo/m.sock")
        let served = try OtherUser.runMnemo(["--socket", open.socketPath, "-c", "ping"], in: directory)
        #expect(served.status == 0, "\(served.stderr)")
        let second = OtherUser.reachableDirectory()
        let closed = try MnemodProcess(config: "socket_mode = 0600\n", directory: second, socket: "private/m.sock")
        let refused = try OtherUser.runMnemo(["--socket", closed.socketPath, "-c", "ping"], in: second)
        #expect(refused.status == 69 && refused.stderr.contains("a directory on the way to the socket is not accessible"), "\(refused.stderr)")
    }

    @Test("a data directory's own files made wider by hand are narrowed at start", .opensSpaceFiles)
    func widerFilesAreNarrowed() throws {
        let directory = TemporaryDirectory()
        var daemon: MnemodProcess? = try MnemodProcess(directory: directory)
        #expect(try daemon!.connect().request("assert likes(bob, tea)").code == nil)
        daemon!.signal(SIGTERM)
        #expect(daemon!.waitForExit() == 0)
        daemon = nil
        let data = directory.file("data")
        let space = data + "/spaces/default.sqlite"
        chmod(space, 0o644)
        chmod(data + "/spaces", 0o755)
        chmod(data + "/mnemod.pid", 0o666)
        let restarted = try MnemodProcess(directory: directory)
        #expect(fileMode(space).map { $0 & 0o777 } == 0o600)
        #expect(fileMode(data + "/spaces").map { $0 & 0o777 } == 0o700)
        #expect(fileMode(data + "/mnemod.pid").map { $0 & 0o777 } == 0o600)
        #expect(restarted.log.contains("narrowed \(space) from mode 644 to 600"), "\(restarted.log)")
    }

    @Test("a symbolic link planted at mnemod.pid is refused, and its target left alone")
    func pidFileSymlinkRefused() throws {
        let directory = TemporaryDirectory()
        let data = directory.file("data")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let victim = directory.file("victim")
        try "precious\n".write(toFile: victim, atomically: true, encoding: .utf8)
        #expect(symlink(victim, data + "/mnemod.pid") == 0)
        let daemon = try MnemodProcess(directory: directory, wait: false)
        #expect(daemon.waitForExit() == 1)
        #expect(daemon.log.contains("mnemod.pid: it is a symbolic link"), "\(daemon.log)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
    }
}
