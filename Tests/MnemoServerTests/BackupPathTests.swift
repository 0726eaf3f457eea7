import Foundation
import MnemoTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("backup to a path a client names")
struct BackupPathTests {
    @Test("a relative path is INVALID and creates nothing")
    func relativePathRefused() throws {
        let daemon = try MnemodProcess()
        let c = try daemon.connect()
        let name = "mnemo-relative-\(UUID().uuidString.prefix(8)).db"
        let answer = try c.request(#"backup to "\#(name)""#)
        #expect(answer.code == "INVALID")
        #expect(!FileManager.default.fileExists(atPath: FileManager.default.currentDirectoryPath + "/" + name))
        #expect(try c.request(#"backup to "backups/x.db""#).code == "INVALID")
    }

    @Test("a path naming a directory, a missing directory or a name too long is refused with a clear error, never INTERNAL")
    func unusablePathsRefused() throws {
        let daemon = try MnemodProcess()
        let c = try daemon.connect()
        let directory = daemon.dataDirectory + "/somewhere"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        #expect(try c.request(#"backup to "\#(directory)/""#).code == "INVALID")
        #expect(try c.request(#"backup to "\#(directory)/new/""#).code == "INVALID")
        #expect(try c.request(#"backup to "\#(directory)/no/such/x.db""#).code == "NOT_FOUND")
        #expect(try c.request(#"backup to "\#(directory)/\#(String(repeating: "d", count: 300))""#).code == "INVALID")
        #expect(try c.request(#"backup to "\#(directory)/\#(String(repeating: "d/", count: 2100))x""#).code == "INVALID")
        // No string may hold a NUL (docs/query-language.md), a path included.
        #expect(try c.request(#"backup to "\#(directory)/x\u0000y.db""#).code == "SYNTAX")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }

    @Test("an existing file, a symbolic link or a dangling one is refused and left as it was")
    func existingNamesRefused() throws {
        let daemon = try MnemodProcess()
        let c = try daemon.connect()
        #expect(try c.request("assert likes(bob, tea)").code == nil)
        let existing = daemon.directory.file("existing.db")
        try "keep me\n".write(toFile: existing, atomically: true, encoding: .utf8)
        #expect(try c.request(#"backup to "\#(existing)""#).code == "CONFLICT")
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "keep me\n")

        let link = daemon.directory.file("link.db")
        #expect(symlink(existing, link) == 0)
        #expect(try c.request(#"backup to "\#(link)""#).code == "CONFLICT")
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "keep me\n")
        #expect(fileMode(link).map { $0 & S_IFMT } == S_IFLNK)

        // A link to a name that does not exist yet: following it would create the target.
        let target = daemon.directory.file("target.db")
        let dangling = daemon.directory.file("dangling.db")
        #expect(symlink(target, dangling) == 0)
        #expect(try c.request(#"backup to "\#(dangling)""#).code == "CONFLICT")
        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(fileMode(dangling).map { $0 & S_IFMT } == S_IFLNK)
    }

    @Test("a backup is a private file that opens as the space it copied", .opensSpaceFiles)
    func backupIsPrivateAndWhole() throws {
        let daemon = try MnemodProcess()
        let c = try daemon.connect()
        #expect(try c.request("assert likes(bob, tea)").code == nil)
        #expect(try c.request(#"remember "Ann keeps bees" by ann"#).code == nil)
        let copy = daemon.directory.file("copy.db")
        let answer = try c.request(#"backup to "\#(copy)""#)
        let bytes = try #require(answer.objects.first?["bytes"] as? Int)
        #expect(fileMode(copy).map { $0 & 0o777 } == 0o600)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: copy)[.size] as? NSNumber)
        #expect(size.intValue == bytes && bytes > 0)
        // No journal or other file appeared beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: daemon.directory.path).filter { $0.hasPrefix("copy.db") } == ["copy.db"])
        // Served as a space by another daemon, it holds what the first one stored.
        let restored = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: restored.file("data/spaces"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: copy, toPath: restored.file("data/spaces/default.sqlite"))
        let second = try MnemodProcess(directory: restored)
        let c2 = try second.connect()
        #expect(try c2.request("match likes(bob, ?what)").lines.count == 1)
        #expect(try c2.request(#"recall "bees""#).lines.count >= 1)
    }
}
