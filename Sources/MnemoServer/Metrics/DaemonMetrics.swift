import Foundation
import MnemoConsolidation
import MnemoEngine
import MnemoModel
import MnemoStore
import Prometheus
import Synchronization

/// What the metrics endpoint serves: the Prometheus registry of one daemon
/// and how it is brought up to date before each scrape.
///
/// Requests are recorded as they are answered (`Statistics` →
/// `RequestMetrics`). The rest is read when scraped, as `stats` reads it:
/// connections from the daemon's counters, and for each open space (label
/// `space`) its file size, what it holds, its recall graph and its
/// consolidation runs. docs/operations.md ("Metrics") lists every name.
///
/// Scrapes run one at a time: a counter read from the daemon's own counters
/// is advanced by what they gained since the last scrape, which needs the
/// last values to stay put meanwhile.
public final class DaemonMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    /// The daemon's counters as the last scrape exported them.
    private let exported = Mutex<(connections: Int, rejected: Int, inline: Int, moved: Int, overBudget: Int)>((0, 0, 0, 0, 0))

    public init() {}

    /// The metrics in the text exposition format, brought up to date. Reads
    /// every open space's file: call it off the network threads.
    func scrape(_ state: ServerState) -> [UInt8] {
        exported.withLock { last in
            registry.makeGauge(descriptor: Self.startTime).set(state.startedAt.timeIntervalSince1970)
            registry.makeGauge(descriptor: Self.connections).set(Int64(state.openConnections.load(ordering: .relaxed)))
            registry.makeGauge(descriptor: Self.maxClients).set(Int64(state.config.maxClients))
            let total = state.totalConnections.load(ordering: .relaxed)
            registry.makeCounter(descriptor: Self.connectionsTotal).increment(by: Int64(total - last.connections))
            let rejected = state.rejectedConnections.load(ordering: .relaxed)
            registry.makeCounter(descriptor: Self.connectionsRejected).increment(by: Int64(rejected - last.rejected))
            let inline = state.inlineReads.load(ordering: .relaxed)
            registry.makeCounter(descriptor: Self.readsInline).increment(by: Int64(inline - last.inline))
            let moved = state.readsMovedToWorker.load(ordering: .relaxed)
            registry.makeCounter(descriptor: Self.readsMoved).increment(by: Int64(moved - last.moved))
            let overBudget = state.recallsOverInlineBudget.load(ordering: .relaxed)
            registry.makeCounter(descriptor: Self.recallsOverInlineBudget).increment(by: Int64(overBudget - last.overBudget))
            last = (total, rejected, inline, moved, overBudget)
            for space in state.spaces.openSpaces() {
                do throws(MnemoError) {
                    try update(space)
                } catch {
                    state.logger.debug("metrics of space \(space.name): \(error.code.rawValue) \(error.message)")
                }
            }
            return registry.emitToBuffer()
        }
    }

    /// The gauges of one open space, as `stats` reports them for the current space.
    private func update(_ space: Space) throws(MnemoError) {
        let label = [("space", space.name)]
        let store = space.store
        registry.makeGauge(descriptor: Self.fileBytes, labels: label).set(store.fileSize())
        let (counts, runs, lastRun) = try store.read { r in (try r.counts(), try Journal.runCount(r), try Journal.lastRun(r)) }
        for (kind, n) in counts {
            registry.makeGauge(descriptor: Self.records, labels: label + [("kind", kind)]).set(n)
        }
        if let graph = space.recall.existingGraph {
            registry.makeGauge(descriptor: Self.graphNodes, labels: label).set(Int64(graph.nodeCount))
            registry.makeGauge(descriptor: Self.graphEdges, labels: label).set(Int64(graph.edgeCount))
            registry.makeGauge(descriptor: Self.graphBytes, labels: label).set(Int64(graph.byteSize))
        }
        registry.makeGauge(descriptor: Self.consolidationRunning, labels: label).set(Int64(space.runLock.isHeld ? 1 : 0))
        registry.makeGauge(descriptor: Self.consolidationRuns, labels: label).set(runs)
        if let last = lastRun {
            registry.makeGauge(descriptor: Self.consolidationLastStart, labels: label)
                .set(Double(last.startedAt.microseconds) / 1e6)
            if let finished = last.finishedAt {
                registry.makeGauge(descriptor: Self.consolidationLastDuration, labels: label)
                    .set(Double(finished.microseconds - last.startedAt.microseconds) / 1e6)
            }
        }
    }

    private static func name(_ name: String, unit: String = "", _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "mnemo", metricName: name, unitName: unit, helpText: help)
    }

    static var startTime: MetricNameDescriptor { name("start_time", unit: "seconds", "When mnemod started, in seconds since the Unix epoch.") }
    static var connections: MetricNameDescriptor { name("connections_open", "Connections open now.") }
    static var maxClients: MetricNameDescriptor { name("max_clients", "Connections allowed at once (max_clients).") }
    static var connectionsTotal: MetricNameDescriptor { name("connections", unit: "total", "Connections served since start.") }
    static var connectionsRejected: MetricNameDescriptor {
        name("connections_rejected", unit: "total", "Connections refused since start: not in 'allow', or past max_clients.")
    }
    static var readsInline: MetricNameDescriptor {
        name("reads_inline", unit: "total", "Reads answered on a network thread within inline_read_budget.")
    }
    static var readsMoved: MetricNameDescriptor {
        name("reads_moved_to_worker", unit: "total", "Reads that ran past inline_read_budget, or found no connection free, and moved to a worker.")
    }
    static var recallsOverInlineBudget: MetricNameDescriptor {
        name(
            "recalls_over_inline_budget", unit: "total",
            "Recalls that ran past recall_inline_budget on a network thread and moved to a worker (ranked again, or answered from the same ranking).")
    }
    static var fileBytes: MetricNameDescriptor { name("space_file", unit: "bytes", "Size of the space's file and its write-ahead log.") }
    static var records: MetricNameDescriptor {
        name(
            "space_records", "What the space holds, by kind: entities, episodes, facts, scenes, persona_attributes, insights.")
    }
    static var graphNodes: MetricNameDescriptor { name("graph_nodes", "Nodes of the space's recall graph, once built.") }
    static var graphEdges: MetricNameDescriptor { name("graph_edges", "Edges of the space's recall graph, once built.") }
    static var graphBytes: MetricNameDescriptor { name("graph", unit: "bytes", "Memory the space's recall graph takes, once built.") }
    static var consolidationRunning: MetricNameDescriptor { name("consolidation_running", "1 while a consolidation run (or undo, or forget) holds the space.") }
    static var consolidationRuns: MetricNameDescriptor { name("consolidation_runs", "Consolidation runs in the space's journal, dry runs left out.") }
    static var consolidationLastStart: MetricNameDescriptor {
        name("consolidation_last_start_time", unit: "seconds", "When the space's last consolidation run started, in seconds since the Unix epoch.")
    }
    static var consolidationLastDuration: MetricNameDescriptor {
        name("consolidation_last_duration", unit: "seconds", "How long the space's last finished consolidation run took.")
    }
}
