import Testing

@testable import MnemoRegex

/// The shared cache: one instance per key, bounded, usable from many threads.
@Suite struct RegexCacheTests {
    @Test func sameKeySameInstance() throws {
        let cache = RegexCache()
        let a = try cache.pattern("a+b", flags: "i")
        let b = try cache.pattern("a+b", flags: "i")
        #expect(a === b)
        #expect(try cache.pattern("a+b", flags: "") !== a)
        #expect(try cache.pattern("a+c", flags: "i") !== a)
        #expect(cache.count == 3)
    }

    @Test func errorsAreThrownAndNotCached() {
        let cache = RegexCache()
        let error = #expect(throws: RegexError.self) { try cache.pattern("(abc", flags: "") }
        #expect(error?.offset == 4)
        #expect(throws: RegexError.self) { try cache.pattern("abc", flags: "z") }
        #expect(cache.count == 0)
    }

    @Test func boundedEvictsOldest() throws {
        let cache = RegexCache(capacity: 2)
        let a = try cache.pattern("a", flags: "")
        let b = try cache.pattern("b", flags: "")
        _ = try cache.pattern("c", flags: "") // drops "a"
        #expect(cache.count == 2)
        #expect(try cache.pattern("b", flags: "") === b)
        #expect(try cache.pattern("a", flags: "") !== a) // recompiled, drops "b"
        #expect(try cache.pattern("b", flags: "") !== b)
        #expect(cache.count == 2)
        cache.removeAll()
        #expect(cache.count == 0)
    }

    @Test func concurrentUse() async throws {
        let cache = RegexCache(capacity: 64)
        let keys = (0..<10).map { #"(?<word>[a-z]+)\#($0)"# }
        let results = try await withThrowingTaskGroup(of: (Int, ObjectIdentifier, String?).self) { group in
            for task in 0..<200 {
                group.addTask {
                    let k = task % keys.count
                    let re = try cache.pattern(keys[k], flags: k.isMultiple(of: 2) ? "i" : "")
                    // Match with the shared instance too, from many threads at once.
                    var last: String?
                    for _ in 0..<20 { last = re.firstMatch(in: "xx abc\(k) yy")?["word"] }
                    return (k, ObjectIdentifier(re), last)
                }
            }
            var all: [(Int, ObjectIdentifier, String?)] = []
            for try await r in group { all.append(r) }
            return all
        }
        #expect(results.count == 200)
        #expect(results.allSatisfy { $0.2 == "abc" })
        let instancesPerKey = Dictionary(grouping: results, by: \.0).mapValues { Set($0.map(\.1)).count }
        #expect(instancesPerKey.count == keys.count)
        #expect(instancesPerKey.values.allSatisfy { $0 == 1 })
        #expect(cache.count == keys.count)
    }

    @Test func onePatternManyThreads() async throws {
        let re = try RegexPattern(#"(\w+)@(\w+)\.com"#)
        let ok = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<100 {
                group.addTask {
                    let found = re.matches(in: "u\(i)@a.com, v\(i)@b.com")
                    return found.map { $0[1].map(String.init) } == ["u\(i)", "v\(i)"]
                }
            }
            var all = true
            for await r in group { all = all && r }
            return all
        }
        #expect(ok)
    }
}
