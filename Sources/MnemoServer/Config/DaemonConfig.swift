import Foundation
import Logging
import MnemoConsolidation
import MnemoEngine
import MnemoIngest
import MnemoModel
import MnemoRecall
import MnemoRegex
import MnemoStore
import NIOCore

/// Everything `mnemod` can be told, with its defaults; flags override the file.
///
/// `DaemonConfig.table` (DaemonConfig+Table.swift) declares every key of
/// `daemon.conf`: its type, bounds, default, doc and which of the fields
/// below it goes to. A field's initial value is its key's default, and
/// `ConfigTableTests` holds the two equal; a field's key and what it does are
/// told by the table, not repeated here.
public struct DaemonConfig: Sendable {
    /// `data_dir`.
    public var dataDirectory = "./var"
    /// `socket`; `nil`: `<data_dir>/mnemo.sock` (`socketPath`).
    public var socket: String? = nil
    /// `socket_mode`.
    public var socketMode: UInt32 = 0o660
    /// `max_clients`.
    public var maxClients = 1024
    /// `max_line`, in bytes.
    public var maxLine = 1 << 20
    /// The largest `max_line` accepted: 1 GiB, far above any sane request and
    /// far from overflowing the frame decoder's arithmetic.
    public static let maximumLine = 1 << 30
    /// `idle_timeout`; zero = never.
    public var idleTimeout: Duration = .zero
    /// `request_timeout`; zero = never.
    public var requestTimeout: Duration = .seconds(30)
    /// `worker_threads`, for reads, and as many again for writes.
    public var workerThreads = 4
    /// `max_queued_bytes` (a connection may also have at most
    /// `ConnectionHandler.maximumQueuedRequests` requests waiting).
    public var maxQueuedBytes = 4 << 20
    /// `max_pending_output`, in bytes.
    public var maxPendingOutput = 1 << 20
    /// `max_answer_bytes`.
    public var maxAnswerBytes = 64 << 20
    /// `regex_match_limit`, `regex_depth_limit`.
    public var regexLimits = RegexLimits()
    /// `log_level`.
    public var logLevel: Logger.Level = .info
    /// `metrics_listen`; `nil` (empty in the file): no metrics endpoint.
    public var metricsListen: ListenAddress? = nil
    /// `cache_size`, in bytes.
    public var cacheSize = 64 << 20
    /// `synchronous`: `normal` or `full`.
    public var synchronous = "normal"
    /// `max_space_size`; `nil` (0 in the file): no limit but the disk's.
    public var maxSpaceSize: Int? = nil
    /// `storage`: `sqlite` or `postgresql`.
    public var storage = "sqlite"
    /// `postgresql_url` and `postgresql_password_file` (`storage = postgresql`).
    public var postgresqlURL: String? = nil
    public var postgresqlPasswordFile: String? = nil
    /// `page_size`.
    public var pageSize = StoreOptions().pageSize
    /// `rules_file`, resolved; the rules read from it, at start and on SIGHUP.
    public var rulesFile: String? = nil
    public var rules = ExtractionRules()
    /// `scene_gap`.
    public var sceneGap: Duration = .seconds(1800)
    /// `scene_shift`.
    public var sceneShift = 0.9
    /// `recall_*` but `recall_inline`.
    public var recall = RecallSettings()
    /// `recall_inline` (two thread hand-offs fewer than on a worker).
    public var recallInline = true
    /// `recall_inline_budget`; zero: an inline recall ranks to the end.
    public var recallInlineBudget: Duration = .milliseconds(2)
    /// `inline_read_budget`; zero: every read that touches SQLite runs on a worker.
    public var inlineReadBudget: Duration = .microseconds(500)
    /// `consolidate_interval`, `archive_*`, `activation_decay`, `scene_idle`,
    /// `summary_sentences`, `nickname_min_scenes`, `persona_*`,
    /// `insight_min_scenes`, `reflector*`.
    public var consolidation = ConsolidationSettings()
    /// `allow`, `admin`, `read`, `write`, `space.<name>.read|write`.
    public var access = AccessRules()
    /// The file the configuration was read from, if any.
    public var path: String? = nil

    public init() {}

    /// The socket path in effect.
    public var socketPath: String { socket ?? (dataDirectory as NSString).appendingPathComponent("mnemo.sock") }

    /// The metrics address in effect, whatever line wrote it (what a reload compares).
    public var metricsAddress: String? { metricsListen?.text }

    /// Store options derived from the configuration.
    public var storeOptions: StoreOptions {
        var options = StoreOptions()
        options.cacheSizeKiB = max(1, cacheSize / 1024)
        options.synchronousFull = synchronous == "full"
        options.pageSize = pageSize
        options.maxSizeBytes = maxSpaceSize
        // A read connection for every thread that may read at once: each read
        // worker, and each write worker bringing recall up to date after its
        // commit (with a slow read on every read worker, a write must still
        // find one), and the consolidation schedule.
        options.maximumReaders = 2 * workerThreads + 2
        // One for each network thread (`inline_read_budget`), opened when first used.
        options.inlineReaders = System.coreCount
        return options
    }

    /// The shared database of `storage = postgresql`, with its password;
    /// `nil` for `sqlite`. A missing URL, or a password file that cannot be
    /// read or that others may read, is `INVALID`.
    public func postgresTarget() throws(MnemoError) -> PostgresTarget? {
        guard storage == "postgresql" else { return nil }
        guard let url = postgresqlURL else {
            throw MnemoError(.invalid, "storage = postgresql needs postgresql_url (\(path ?? "daemon.conf"))")
        }
        return try PostgresTarget(url: url, passwordFile: postgresqlPasswordFile)
    }

    /// The consolidation settings, with the scene gap of ingestion.
    public var consolidationSettings: ConsolidationSettings {
        var settings = consolidation
        settings.sceneGapSeconds = sceneGap.components.seconds
        return settings
    }

    /// The ingestion settings derived from the configuration.
    public var ingestSettings: IngestSettings {
        IngestSettings(rules: rules, segmenter: SceneSegmenter(maximumGapSeconds: sceneGap.components.seconds, shiftThreshold: sceneShift))
    }

    /// Reads `path` over the defaults.
    public static func load(path: String) throws(ConfigError) -> DaemonConfig {
        var config = DaemonConfig()
        config.path = path
        for entry in try ConfigFile.read(path: path) {
            try config.apply(key: entry.key, value: entry.value, file: path, line: entry.line)
        }
        return config
    }

    /// Every key, in the order of `table`, for documentation and suggestions.
    public static let keys = table.map(\.name)

    /// The keys of `table` by name, but those with `<name>` in theirs. (A name
    /// declared twice keeps its first entry here; `ConfigTableTests` refuses it.)
    static let keysByName = Dictionary(table.filter { !$0.isPattern }.map { ($0.name, $0) }) { first, _ in first }

    /// Sets one key as `table` says; `file:line` and the reason when the key or value is bad.
    public mutating func apply(key: String, value: String, file: String, line: Int) throws(ConfigError) {
        guard let entry = Self.keysByName[key] ?? Self.table.first(where: { $0.isPattern && $0.matches(key) }) else {
            let suggestion = Self.closestKey(to: key).map { "; did you mean \($0)?" } ?? ""
            throw ConfigError(file: file, line: line, message: "unknown key \"\(key)\"\(suggestion)")
        }
        try entry.apply(&self, ConfigKey.Site(key: key, value: value, file: file, line: line))
    }

    /// This configuration, read on SIGHUP, as it can be applied over `running`:
    /// each key that needs a restart keeps its running value. `ignored` names
    /// those whose value changed, in the order of `table`.
    public func reloaded(over running: DaemonConfig) -> (config: DaemonConfig, ignored: [String]) {
        var applied = self
        var ignored: [String] = []
        for key in Self.table where key.reload == .restart {
            guard let differs = key.differs, let keep = key.keep else { continue }
            if differs(self, running) {
                ignored.append(key.name)
                keep(&applied, running)
            }
        }
        return (applied, ignored)
    }

    static func closestKey(to key: String) -> String? {
        func distance(_ a: [Character], _ b: [Character]) -> Int {
            var row = Array(0...b.count)
            for i in 1...max(1, a.count) where !a.isEmpty {
                var previous = row[0]
                row[0] = i
                for j in 1...max(1, b.count) where !b.isEmpty {
                    let old = row[j]
                    row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                    previous = old
                }
            }
            return row[b.count]
        }
        let best = keys.map { ($0, distance(Array(key), Array($0))) }.min { $0.1 < $1.1 }
        return best.flatMap { $0.1 <= 3 ? $0.0 : nil }
    }
}
