import Foundation
import Testing

@testable import MnemoRecall
@testable import MnemoStore

/// Archived episodes and facts take no part in a recall unless it says
/// `include archived` (docs/recall.md, step 2): they are not answered, and
/// they do not seed or pass activation on to what is.
@Suite("recall leaves archived memories out, seeds included")
struct RecallArchivedTests {
    typealias Fixture = HierarchyRecallTests.Fixture

    @Test("an archived turn the words match neither comes back nor lends the turn beside it its activation; with include archived, both do")
    func archivedSeed() throws {
        let f = try Fixture()
        _ = try f.run(#"remember "I love my pottery class" by mel at 2023-01-05T10:00 in scene "chat""#)
        _ = try f.run(#"remember "We went to the beach afterwards" by mel at 2023-01-05T10:01 in scene "chat""#)
        // Archived as the decay pass does, before the graph is first built.
        try f.store.write { w in try w.db.execute(sql: "UPDATE episode SET archived = 1 WHERE text LIKE '%pottery%'") }
        #expect(try f.run(#"recall "pottery" explain"#).isEmpty)
        let included = try f.run(#"recall "pottery" include archived"#).compactMap { $0["text"] as? String }
        #expect(included == ["I love my pottery class", "We went to the beach afterwards"])
    }
}
