import Foundation
import MnemoModel
import Synchronization
import Testing

@testable import MnemoStore

/// `WriteContext.whenTransactionEnds`: what a writer must release when its
/// transaction is over (recall's log gate) is released once, however the
/// transaction ended.
@Suite("a write's transaction end")
struct TransactionEndTests {
    @Test("runs once when the write commits, once when it throws, once when SQLite ended the transaction itself, and never at a later write")
    func runsOnce() throws {
        let t = try TestStore()
        let runs = Mutex(0)
        func count(_ w: WriteContext) { w.whenTransactionEnds { runs.withLock { $0 += 1 } } }

        try t.store.write { w in count(w) }
        #expect(runs.withLock { $0 } == 1)

        #expect(throws: MnemoError.self) {
            try t.store.write { w in
                count(w)
                throw MnemoError(.invalid, "refused")
            }
        }
        #expect(runs.withLock { $0 } == 2)

        // The transaction rolled back under the write, as SQLite does after
        // an I/O error or a full disk: the commit then fails.
        #expect(throws: MnemoError.self) {
            try t.store.write { w in
                count(w)
                try w.db.execute(sql: "ROLLBACK")
            }
        }
        #expect(runs.withLock { $0 } == 3)

        try t.store.write { _ in }
        try t.store.write { w in _ = try w.reader.accessHistories() }
        #expect(runs.withLock { $0 } == 3)
    }
}
