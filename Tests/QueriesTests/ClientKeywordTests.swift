import MnemoClient
import MnemoQuery
import Testing

/// `mnemo` depends on nothing, so it keeps its own list of the statements it
/// may pipeline freely in batch mode (`StatementInfo.readOnlyKeywords`); this
/// holds that list to the statement table.
@Suite struct ClientKeywordTests {
    @Test("the client's read-only keywords are those whose every statement changes nothing, per the statement table")
    func readOnlyKeywords() throws {
        // A statement changes nothing, not even the connection's space, when it
        // needs no more than read access; a keyword is read-only when every
        // statement it starts is (`persona` and `scene` have write forms).
        var readOnly: [String: Bool] = [:]
        for kind in StatementKind.allCases {
            let traits = kind.traits
            let first = String(traits.name.split(separator: " ")[0])
            let changesNothing = !traits.isWrite && (traits.access == .none || traits.access == .read)
            readOnly[first] = (readOnly[first] ?? true) && changesNothing
        }
        // `explain recall ...` is a recall.
        #expect(try Parser.parse(#"explain recall "x""#)?.kind == .recall)
        readOnly["explain"] = readOnly["recall"]
        #expect(StatementInfo.readOnlyKeywords == Set(readOnly.filter(\.value).keys))
    }
}
