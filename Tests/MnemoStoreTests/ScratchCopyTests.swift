import Foundation
import GRDB
import MnemoModel
import Testing

@testable import MnemoStore

/// `withScratchCopy`, on which `consolidate dry run` works: a copy with a
/// writer of its own, gone when the work ends.
@Suite("a scratch copy of a space")
struct ScratchCopyTests {
    @Test("the copy holds the space; the space's writer stays free meanwhile; the copy's writes and files are gone after")
    func scratchCopy() throws {
        let s = try TestStore()
        try s.store.write { w in try w.assert(FactAssertion("knows", entities: "ann", "bob")) }
        func facts(_ store: MemoryStore) throws -> Int {
            try store.read { try Int.fetchOne($0.db, sql: "SELECT count(*) FROM fact") ?? -1 }
        }
        let scratch = s.store.path + ".dry-run"
        let seen = try s.store.withScratchCopy { copy -> Int in
            #expect(FileManager.default.fileExists(atPath: scratch))
            try copy.write { w in try w.assert(FactAssertion("knows", entities: "cy", "dee")) }
            // The space's own writer is not held by the work on the copy: a write
            // from inside it (on this very thread) goes through at once.
            try s.store.write { w in try w.assert(FactAssertion("knows", entities: "eve", "fay")) }
            return try facts(copy)
        }
        #expect(seen == 2)
        #expect(try facts(s.store) == 2, "the space has its own write, not the copy's")
        for suffix in ["", "-wal", "-shm", "-journal"] {
            #expect(!FileManager.default.fileExists(atPath: scratch + suffix), "\(scratch + suffix) was left behind")
        }
    }

    @Test("work that fails on the copy leaves no copy and throws its error")
    func failingWork() throws {
        let s = try TestStore()
        struct Oops: Error {}
        #expect(throws: MnemoError.self) {
            try s.store.withScratchCopy { _ in throw Oops() }
        }
        #expect(!FileManager.default.fileExists(atPath: s.store.path + ".dry-run"))
    }
}
