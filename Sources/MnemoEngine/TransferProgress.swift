import Foundation
import Synchronization

/// How far the export or import running in a space has come, for `stats`
/// (`mnemo export` and `mnemo import` poll it for their progress line). At
/// most one of each runs per space at a time in practice; should two run,
/// the figures are the latest one's.
public final class TransferProgress: Sendable {
    /// A transfer in progress.
    public struct State: Sendable {
        /// `export` or `import`.
        public var operation: String
        /// Lines written or read so far, the header included.
        public var lines: Int64
        /// Lines the file has (export: from the counts; import: from its
        /// header), nil until known.
        public var totalLines: Int64?
    }

    private let state = Mutex<State?>(nil)

    public init() {}

    /// The transfer in progress, if any.
    public var current: State? { state.withLock { $0 } }

    func start(_ operation: String) { state.withLock { $0 = State(operation: operation, lines: 0, totalLines: nil) } }
    func update(lines: Int64, total: Int64?) {
        state.withLock {
            $0?.lines = lines
            if let total { $0?.totalLines = total }
        }
    }
    func finish() { state.withLock { $0 = nil } }
}
