import MnemoModel
import Testing

@testable import MnemoStore

/// A fact's role names and positions are shared with the fact read before it
/// when they are the same (`RoleDecoder`); facts of one predicate that name
/// their roles differently, side by side, must each keep their own.
@Suite("role names and positions of facts read side by side")
struct RoleShapeTests {
    /// The arguments of each fact, in the order they are asserted.
    static let shapes: [[Argument]] = [
        [Argument(.literal(.number(1)), role: "a"), Argument(.literal(.number(2)), role: "b")],
        [Argument(.literal(.number(3)), role: "a"), Argument(.literal(.number(4)), role: "b")],
        [Argument(.literal(.text("x")), role: "c")],
        [Argument(.list([.entity("ann"), .entity("bob")]), role: "a"), Argument(.literal(.number(2)), role: "b")],
        [Argument(.literal(.number(1)), role: "b"), Argument(.literal(.number(2)), role: "a")],
        [Argument(.literal(.number(1)), role: "a"), Argument(.literal(.number(2)), role: "b"), Argument(.literal(.text("z")), role: "c")],
        [Argument(.literal(.number(5)), role: "a"), Argument(.literal(.number(6)), role: "b")],
        [Argument(.list([.literal(.number(7))]), role: "a")],
    ]

    @Test("every read gives each fact the names, positions and values it was asserted with")
    func shapes() throws {
        let s = try TestStore()
        let ids = try s.store.write { w in try Self.shapes.map { try w.assert(FactAssertion("mix", $0)).factID } }
        let (scanned, versions, byID) = try s.store.read { r in
            (try r.facts(matching: FactPattern("mix", [])), try r.history(of: FactPattern("mix", [])), try r.facts(ids: ids))
        }
        #expect(scanned.map(\.id) == ids)
        #expect(versions.map(\.id) == ids)
        for (i, arguments) in Self.shapes.enumerated() {
            let names = arguments.map { $0.role ?? "" }
            for fact in [scanned[i], versions[i], byID[ids[i]]] {
                #expect(fact?.roleNames == names, "fact \(i)")
                #expect(fact?.rolePositions == Array(0..<arguments.count), "fact \(i)")
                #expect(fact?.roleValues.count == arguments.count, "fact \(i)")
            }
            if case .list(let items) = arguments[0].filler {
                guard case .list(let read) = scanned[i].roleValues[0] else {
                    Issue.record("fact \(i): not a list")
                    continue
                }
                #expect(read.count == items.count, "fact \(i)")
            }
        }
        // Names read by role, as match and the filler index ask for them.
        let named = try s.store.read { try $0.facts(matching: FactPattern("mix", [("c", .any)])) }
        #expect(named.map(\.id) == [ids[2], ids[5]])
    }
}
