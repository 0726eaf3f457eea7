import MnemoEngine
import MnemoModel
import MnemoQuery
import Testing

/// The statement table's writes are the executor's: the server sends what the
/// table calls a write to the write pool and `runWrites`, and `run` sends it
/// to `applyWrite`, which must have its case (and no other).
@Suite("the statement table and the executor")
struct StatementTableTests {
    @Test("applyWrite runs exactly the kinds the table calls writes")
    func writes() throws {
        let space = try CancellationTests.Space()
        let executor = space.executor()
        for kind in StatementKind.allCases {
            let statement = try #require(try Parser.parse(kind.traits.example))
            // A write may fail on this space (`retract f:1` finds no fact), but not for want of a case;
            // anything else is refused before it touches the store.
            let result = try #require(executor.runWrites([statement]).first)
            let notAWrite = if case .failure(let error) = result { error.code == .internalError } else { false }
            #expect(notAWrite == !kind.traits.isWrite, "\(kind): \(result)")
            if kind.traits.isWrite {
                do { _ = try executor.run(statement) } catch { #expect(error.code != .internalError, "\(kind) through run: \(error)") }
            }
        }
    }
}
