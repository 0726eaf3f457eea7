import Dispatch
import GRDB
import MnemoModel
import Synchronization
import Testing

@testable import MnemoStore

@Suite("one writer, many readers")
struct ConcurrencyTests {
    @Test("readers see the committed state while a write is in progress")
    func readersSeeCommittedState() throws {
        let s = try TestStore()
        try s.store.write { w in try w.assert(FactAssertion("likes", entities: "a", "tea")) }
        let inside = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        let store = s.store
        DispatchQueue.global().async {
            try? store.write { w in
                for i in 0..<100 { try w.assert(FactAssertion("likes", entities: "a", "thing \(i)")) }
                inside.signal()
                release.wait()
            }
            done.signal()
        }
        inside.wait()
        // The writer holds its transaction open with 100 uncommitted facts.
        let during = try s.store.read { try $0.facts(matching: FactPattern("likes", entities: "a", nil)) }.count
        #expect(during == 1)
        // Many readers at once, none blocked by the writer.
        let counts = Mutex<[Int]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let n = (try? store.read { try $0.facts(matching: FactPattern("likes", entities: "a", nil)) }.count) ?? -1
            counts.withLock { $0.append(n) }
        }
        #expect(counts.withLock { $0 } == Array(repeating: 1, count: 8))
        release.signal()
        done.wait()
        let after = try s.store.read { try $0.facts(matching: FactPattern("likes", entities: "a", nil)) }.count
        #expect(after == 101)
    }

    @Test("a write that fails rolls back completely")
    func failedWriteRollsBack() throws {
        let s = try TestStore()
        let error = mnemoError {
            try s.store.write { w in
                try w.assert(FactAssertion("likes", entities: "a", "tea"))
                throw MnemoError(.invalid, "changed my mind")
            }
        }
        #expect(error?.message == "changed my mind")
        #expect(try s.store.read { try Int.fetchOne($0.db, sql: "SELECT COUNT(*) FROM fact") } == 0)
        #expect(try s.store.read { try $0.entity(named: "a") } == nil)
        // The entity cache did not keep the rolled-back id.
        try s.store.write { w in try w.assert(FactAssertion("likes", entities: "a", "tea")) }
        #expect(try s.store.read { try $0.facts(matching: FactPattern("likes", entities: "a", nil)) }.count == 1)
    }
}
