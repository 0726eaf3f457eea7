import MnemoModel
import MnemoQuery
import Testing

/// The statement table (`StatementKind.traits`) against the parser and `help`:
/// what the server and the executor read from it must describe the
/// statements the parser builds.
@Suite("the statement table")
struct StatementKindTests {
    @Test("every kind has exactly one entry, under a name of its own, and its example parses to that kind")
    func oneEntryPerKind() throws {
        var names: [String: StatementKind] = [:]
        for kind in StatementKind.allCases {
            let traits = kind.traits
            if let other = names.updateValue(kind, forKey: traits.name) {
                Issue.record("\(kind) and \(other) are both named '\(traits.name)'")
            }
            let statement = try #require(try parse(traits.example), "the example of \(kind) is empty")
            #expect(statement.kind == kind, "'\(traits.example)' parses to \(statement.kind), not \(kind)")
            #expect(statement.keyword == traits.name)
        }
        // Each kind's example parsed to that kind: `Statement.kind` reaches every entry, one kind per entry.
        #expect(names.count == StatementKind.allCases.count)
    }

    @Test("a kind takes `limit N` up to RowLimit.maximum exactly when the table says it answers rows")
    func rowLimits() throws {
        for kind in StatementKind.allCases {
            let traits = kind.traits
            let atMaximum = traits.example + " limit \(RowLimit.maximum)"
            if traits.takesRowLimit {
                #expect(try parse(atMaximum)?.kind == kind, "'\(atMaximum)'")
                #expect(syntaxError(traits.example + " limit \(RowLimit.maximum + 1)") != nil)
                #expect(syntaxError(traits.example + " limit 0") != nil)
                #expect(syntaxError(atMaximum + " limit 5")?.contains("'limit' given twice in \(traits.name)") == true)
            } else {
                #expect(syntaxError(atMaximum) != nil, "'\(atMaximum)' parses, but \(kind) takes no row limit")
            }
        }
    }

    @Test("help lists the table's entries in its order, and `help NAME` finds each kind's entry")
    func help() throws {
        let entries = StatementKind.allCases.filter { if case .entry = $0.traits.help { true } else { false } }
        #expect(Help.topics.map(\.statement) == entries.map(\.traits.name))
        for kind in StatementKind.allCases {
            let owner: StatementKind
            switch kind.traits.help {
            case .entry: owner = kind
            case .see(let other):
                owner = other
                guard case .entry = other.traits.help else {
                    Issue.record("\(kind) refers to the help of \(other), which has no entry of its own")
                    continue
                }
            }
            guard case .entry(let text) = owner.traits.help else { continue }
            let found = Help.entries(for: kind.traits.name)
            #expect(found.map(\.statement) == [owner.traits.name] && found.map(\.text) == [text], "help \(kind.traits.name)")
        }
    }

    @Test("a write needs write or admin access; what may run on the network thread without a space needs none")
    func consistent() {
        for kind in StatementKind.allCases {
            let traits = kind.traits
            if traits.isWrite { #expect(traits.access == .write || traits.access == .admin, "\(kind)") }
            if traits.inline == .always { #expect(traits.access == .none && !traits.isWrite, "\(kind)") }
        }
    }
}
