import Foundation
import Logging
import MnemoConsolidation
import MnemoEngine
import MnemoStore

/// Runs consolidation over every space on the schedule `consolidate_interval`
/// sets (read again on each tick, so SIGHUP can change or stop it). A space
/// already being consolidated (by a client) is skipped until the next tick.
///
/// With `storage = postgresql`, over the spaces this daemon has open, not
/// every space of the database: each daemon consolidates what its agents
/// use, and a space's lease keeps two daemons' runs apart.
struct ConsolidationSchedule: Sendable {
    let state: ServerState

    func run() async {
        while !Task.isCancelled {
            let interval = state.config.consolidationSettings.intervalSeconds
            // Without a schedule, look again in a minute in case SIGHUP sets one.
            let wait = interval > 0 ? interval : 60
            do { try await Task.sleep(for: .seconds(wait)) } catch { return }
            guard state.config.consolidationSettings.intervalSeconds > 0 else { continue }
            await Task.detached { runOnce() }.value
        }
    }

    /// One scheduled run over every space.
    func runOnce() {
        let logger = state.logger
        let spaces = state.spaces.isShared ? state.spaces.openSpaces().map(\.name) : state.spaces.spaceNames()
        for space in spaces {
            do {
                let executor = Executor(space: try state.spaces.space(space, create: false))
                let lines = try executor.run(.consolidate(dryRun: false))
                logger.info("scheduled consolidation of space \(space): \(lines.first?.serialized ?? "")")
            } catch {
                logger.warning("scheduled consolidation of space \(space) did not run: \(error.code.rawValue) \(error.message)")
            }
        }
    }
}
