import Foundation
import GRDB
import MnemoModel
import Testing

@testable import MnemoStore

/// The page size is chosen when a file is created (`StoreOptions.pageSize`)
/// and kept for the file's life.
@Suite("the page size of a space's file")
struct PageSizeTests {
    static func pageSize(_ store: MemoryStore) throws -> Int {
        try store.read { try Int.fetchOne($0.db, sql: "PRAGMA page_size") ?? -1 }
    }

    @Test("a new file gets 8 KiB pages, or the size the options ask for")
    func newFiles() throws {
        let dir = TemporaryDirectory()
        let store = try MemoryStore(path: dir.file("default.sqlite"))
        #expect(try Self.pageSize(store) == 8_192)
        #expect(store.checkpointThresholdPages == 8_192) // 64 MiB
        var explicit = StoreOptions()
        explicit.checkpointPages = 100
        #expect(try MemoryStore(path: dir.file("explicit.sqlite"), options: explicit).checkpointThresholdPages == 100)
        for size in [4_096, 16_384] {
            var options = StoreOptions()
            options.pageSize = size
            let store = try MemoryStore(path: dir.file("p\(size).sqlite"), options: options)
            try store.write { w in try w.assert(FactAssertion("likes", entities: "ann", "tea")) }
            #expect(try Self.pageSize(store) == size)
        }
    }

    @Test("a file keeps the page size it was created with, and its data")
    func existingFilesKeepTheirSize() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("old.sqlite")
        var options = StoreOptions()
        options.pageSize = 4_096
        try closed(MemoryStore(path: path, options: options)) { store in
            try store.write { w in try w.assert(FactAssertion("likes", entities: "ann", "tea")) }
        }
        let reopened = try MemoryStore(path: path) // asks for 8 KiB
        #expect(try Self.pageSize(reopened) == 4_096)
        // The WAL threshold is 64 MiB of the file's own pages, read from its header.
        #expect(reopened.checkpointThresholdPages == 16_384)
        try reopened.write { w in try w.assert(FactAssertion("likes", entities: "bob", "tea")) }
        #expect(try reopened.read { try $0.facts(matching: FactPattern("likes", entities: nil, "tea")) }.count == 2)
    }

    @Test("a page size SQLite cannot use is refused before the file is created")
    func invalidSizes() throws {
        let dir = TemporaryDirectory()
        for size in [0, 1_000, 256, 131_072] {
            var options = StoreOptions()
            options.pageSize = size
            let error = mnemoError { try MemoryStore(path: dir.file("bad\(size).sqlite"), options: options) }
            #expect(error?.code == .invalid, "page size \(size)")
            #expect(error?.message.contains("power of two") == true)
        }
        #expect(FileManager.default.fileExists(atPath: dir.file("bad1000.sqlite")) == false)
    }
}
