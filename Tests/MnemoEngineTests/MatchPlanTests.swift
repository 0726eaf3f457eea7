import Foundation
import MnemoModel
import MnemoQuery
import MnemoRegex
import MnemoStore
import Synchronization
import Testing

@testable import MnemoEngine

/// `match` over many atoms: the plan's order, and a solver whose depth is not
/// bounded by the thread's stack.
@Suite("match over many atoms")
struct MatchPlanTests {
    func match(_ text: String) throws -> Match {
        guard case .match(let m)? = try Parser.parse(text) else { throw MnemoError(.syntax, "not a match: \(text)") }
        return m
    }

    @Test("most known arguments first, the first such atom on a tie; each condition at the step binding its last variable")
    func planOrder() throws {
        let m = try match("match a(?x), b(?x, c), d(?y), e(?y, ?x) where ?y > 1 and ?x = ?y and ?x != 3")
        let steps = try MatchEngine.plan(m)
        // b has a constant; binding ?x makes a and e known (a first, as written); e binds ?y, which d needs.
        #expect(steps.map(\.original) == [1, 0, 3, 2])
        #expect(steps.map(\.conditions.count) == [1, 0, 2, 0])
        #expect(steps[0].conditions == [m.conditions[2]])
        #expect(steps[2].conditions == [m.conditions[0], m.conditions[1]])
    }

    @Test("the solver needs no stack per atom: 4000 atoms that all hold (built past the parser's cap of 16) answer on a 512 KiB stack")
    func deepMatchOnSmallStack() throws {
        let directory = NSTemporaryDirectory() + "mnemo-deep-match-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try MemoryStore(path: directory + "/t.sqlite")
        try store.write { w in try w.assert(FactAssertion("p", [Argument(.entity("a")), Argument(.entity("alice"))])) }
        let atoms = 4000
        // The parser takes at most Match.maximumAtoms; the engine must not depend on it.
        var many = try match("match p(?x, alice)")
        many.atoms = Array(repeating: many.atoms[0], count: atoms)
        let m = many

        // Each atom that holds was one nested call of the solver: about 4000 frames,
        // far past 512 KiB. Run where a recursion that deep would overflow.
        let result = Mutex<Result<[JSONValue], any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            let outcome = Result { try store.read { r in try MatchEngine(reader: r, regexes: RegexCache(capacity: 8)).run(m, now: .now()).values } }
            result.withLock { $0 = outcome }
            done.signal()
        }
        thread.stackSize = 512 * 1024
        thread.start()
        done.wait()
        let rows = try #require(try result.withLock { $0 }?.get())
        #expect(rows.count == 1)
        let row = try #require(try JSONSerialization.jsonObject(with: Data(rows[0].serialized.utf8)) as? [String: Any])
        #expect((row["bindings"] as? [String: String]) == ["x": "a"])
        #expect((row["facts"] as? [String])?.count == atoms)
    }
}
