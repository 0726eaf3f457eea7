import Foundation
import Logging
import MnemoConsolidation
import MnemoEngine
import MnemoIngest
import MnemoRecall
import MnemoRegex
import MnemoStore

/// Everything `mnemod` can be told, with its defaults. `daemon.conf` at the
/// repository root documents every key; flags override the file.
public struct DaemonConfig: Sendable {
    /// `data_dir`: where the spaces live (one SQLite file each).
    public var dataDirectory = "./var"
    /// `socket`: the Unix socket; default `<data_dir>/mnemo.sock`.
    public var socket: String? = nil
    /// `socket_mode`: permissions of the socket file (octal).
    public var socketMode: UInt32 = 0o660
    /// `max_clients`: connections served at once; one more gets `ERR BUSY`.
    public var maxClients = 1024
    /// `max_line`: the longest request line, in bytes.
    public var maxLine = 1 << 20
    /// The largest `max_line` accepted: 1 GiB, far above any sane request and
    /// far from overflowing the frame decoder's arithmetic.
    public static let maximumLine = 1 << 30
    /// `idle_timeout`: close a connection silent this long; zero = never.
    public var idleTimeout: Duration = .zero
    /// `request_timeout`: answer `ERR TIMEOUT` for a request running longer; zero = never.
    public var requestTimeout: Duration = .seconds(30)
    /// `worker_threads`: threads running reads off the network threads, and
    /// as many again for writes (so that slow reads never hold up a write).
    public var workerThreads = 4
    /// `max_queued_bytes`: request lines one connection may have waiting; past
    /// it (or past `ConnectionHandler.maximumQueuedRequests` requests) the
    /// daemon stops reading that connection until it catches up.
    public var maxQueuedBytes = 4 << 20
    /// `max_pending_output`: answer bytes one connection may have waiting to be
    /// sent; past it the daemon runs none of its requests (and reads none)
    /// until the client has read some.
    public var maxPendingOutput = 1 << 20
    /// `max_answer_bytes`: the most one answer may hold; past it, `ERR TOO_LARGE`.
    public var maxAnswerBytes = 64 << 20
    /// `regex_match_limit`, `regex_depth_limit`: the work one PCRE2 match may do.
    public var regexLimits = RegexLimits()
    /// `log_level`: trace, debug, info, notice, warning, error, critical.
    public var logLevel: Logger.Level = .info
    /// `cache_size`: SQLite page cache per connection.
    public var cacheSize = 64 << 20
    /// `synchronous`: `normal` (survives a crash of mnemod) or `full` (also power loss).
    public var synchronous = "normal"
    /// `max_space_size`: the largest a space's file may grow; `nil` (0 in the
    /// file): no limit but the disk's.
    public var maxSpaceSize: Int? = nil
    /// `page_size`: the SQLite page size of spaces created from now on.
    public var pageSize = StoreOptions().pageSize
    /// `rules_file`: user extraction rules (PCRE2 pattern => fact template), loaded at start and on SIGHUP.
    public var rulesFile: String? = nil
    public var rules = ExtractionRules()
    /// `scene_gap`: silence after which a speaker's next episode starts a new scene.
    public var sceneGap: Duration = .seconds(1800)
    /// `scene_shift`: share of new terms (0..1) that counts as a change of subject.
    public var sceneShift = 0.9
    /// `recall_*`: the parameters of spreading-activation recall.
    public var recall = RecallSettings()
    /// `recall_inline`: run `recall` on the network thread that read it (two
    /// thread hand-offs fewer) rather than on a worker.
    public var recallInline = true
    /// `consolidate_interval`, `archive_*`, `scene_idle`, `summary_sentences`,
    /// `nickname_min_scenes`, `persona_*`, `insight_min_scenes`, `reflector*`:
    /// the parameters of consolidation.
    public var consolidation = ConsolidationSettings()
    /// `allow`, `admin`, `read`, `write`, `space.<name>.read|write`.
    public var access = AccessRules()
    /// The file the configuration was read from, if any.
    public var path: String? = nil

    public init() {}

    /// The socket path in effect.
    public var socketPath: String { socket ?? (dataDirectory as NSString).appendingPathComponent("mnemo.sock") }

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
        return options
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

    /// Every key, for documentation and suggestions.
    public static let keys = ["data_dir", "socket", "socket_mode", "max_clients", "max_line", "idle_timeout",
                              "request_timeout", "worker_threads", "max_queued_bytes", "max_pending_output", "max_answer_bytes",
                              "regex_match_limit", "regex_depth_limit", "log_level", "cache_size", "synchronous", "page_size", "max_space_size",
                              "rules_file", "scene_gap", "scene_shift",
                              "recall_depth", "recall_decay", "recall_threshold", "recall_min_share", "recall_text_seeds", "recall_entity_seed",
                              "recall_about_seed", "recall_contiguity", "recall_base_level_weight", "recall_temporal_boost", "recall_entity_boost",
                              "recall_limit", "recall_inline",
                              "consolidate_interval", "archive_threshold", "archive_min_age", "archive_keep_importance", "activation_decay",
                              "scene_idle", "summary_sentences", "nickname_min_scenes", "persona_min_scenes", "persona_topics",
                              "persona_timeline", "insight_min_scenes", "reflector", "reflector_timeout", "reflector_batch",
                              "allow", "admin", "read", "write", "space.<name>.read", "space.<name>.write"]

    /// Sets one key; `file:line` and the reason when the key or value is bad.
    public mutating func apply(key: String, value: String, file: String, line: Int) throws(ConfigError) {
        func bad(_ expected: String) -> ConfigError {
            ConfigError(file: file, line: line, message: "invalid value for \(key): \"\(value)\" (expected \(expected))")
        }
        func duration(_ expected: String, positive: Bool = false) throws(ConfigError) -> Duration {
            guard let d = Units.duration(value), !positive || d > .zero else { throw bad(expected + ", at most 100 years") }
            return d
        }
        func principals() throws(ConfigError) -> PrincipalSet {
            do { return try PrincipalSet.parse(value) } catch {
                throw ConfigError(file: file, line: line, message: "\(key): \(error.message)")
            }
        }
        switch key {
        case "data_dir":
            guard !value.isEmpty else { throw bad("a directory") }
            dataDirectory = value
        case "socket":
            guard !value.isEmpty, value.utf8.count < 108 else { throw bad("a path shorter than 108 bytes") }
            socket = value
        case "socket_mode":
            guard let mode = UInt32(value, radix: 8), mode <= 0o777 else { throw bad("an octal mode such as 0660") }
            socketMode = mode
        case "max_clients":
            guard let n = Int(value), n >= 1 else { throw bad("a whole number ≥ 1") }
            maxClients = n
        case "max_line":
            guard let n = Units.bytes(value), (64...Self.maximumLine).contains(n) else {
                throw bad("a size from 64 bytes to 1GB, such as 1MB")
            }
            maxLine = n
        case "idle_timeout":
            guard let d = Units.duration(value) else { throw bad("a duration such as 300s or 5min, at most 100 years; 0 = never") }
            idleTimeout = d
        case "request_timeout":
            guard let d = Units.duration(value) else { throw bad("a duration such as 30s, at most 100 years; 0 = never") }
            requestTimeout = d
        case "worker_threads":
            guard let n = Int(value), (1...256).contains(n) else { throw bad("a whole number from 1 to 256") }
            workerThreads = n
        case "max_queued_bytes":
            guard let n = Units.bytes(value), n >= 1024 else { throw bad("a size of at least 1kB, such as 4MB") }
            maxQueuedBytes = n
        case "max_pending_output":
            guard let n = Units.bytes(value), n >= 1024 else { throw bad("a size of at least 1kB, such as 1MB") }
            maxPendingOutput = n
        case "max_answer_bytes":
            guard let n = Units.bytes(value), n >= 64 << 10 else { throw bad("a size of at least 64kB, such as 64MB") }
            maxAnswerBytes = n
        case "regex_match_limit":
            guard let n = UInt32(value), n >= 1000 else { throw bad("a whole number from 1000 to 4294967295") }
            regexLimits.match = n
        case "regex_depth_limit":
            guard let n = UInt32(value), n >= 100 else { throw bad("a whole number from 100 to 4294967295") }
            regexLimits.depth = n
        case "log_level":
            guard let level = Logger.Level(rawValue: value.lowercased()) else {
                throw bad("trace, debug, info, notice, warning, error or critical")
            }
            logLevel = level
        case "cache_size":
            guard let n = Units.bytes(value), n >= 1024 else { throw bad("a size such as 64MB") }
            cacheSize = n
        case "synchronous":
            guard ["normal", "full"].contains(value.lowercased()) else { throw bad("normal or full") }
            synchronous = value.lowercased()
        case "page_size":
            guard let n = Units.bytes(value), StoreOptions.isValidPageSize(n) else {
                throw bad("a power of two from 512 bytes to 64KB, such as 8KB")
            }
            pageSize = n
        case "max_space_size":
            guard let n = Units.bytes(value), n == 0 || n >= 64 << 10 else { throw bad("a size of at least 64kB, such as 10GB; 0 = no limit") }
            maxSpaceSize = n == 0 ? nil : n
        case "rules_file":
            guard !value.isEmpty else { throw bad("a file of extraction rules") }
            let resolved = (value.hasPrefix("/") || file.hasPrefix("--")) ? value
                : ((file as NSString).deletingLastPathComponent as NSString).appendingPathComponent(value)
            do {
                rules = try ExtractionRules.load(path: resolved)
            } catch {
                throw ConfigError(file: error.file, line: error.line, message: error.message)
            }
            rulesFile = resolved
        case "scene_gap":
            guard let d = Units.duration(value), d > .zero else { throw bad("a duration such as 30min, at most 100 years") }
            sceneGap = d
        case "scene_shift":
            guard let x = Double(value), (0...1).contains(x) else { throw bad("a number from 0 to 1") }
            sceneShift = x
        case "recall_depth":
            guard let n = Int(value), (0...10).contains(n) else { throw bad("a whole number from 0 to 10") }
            recall.depth = n
        case "recall_text_seeds":
            guard let n = Int(value), (0...10_000).contains(n) else { throw bad("a whole number from 0 to 10000") }
            recall.textSeeds = n
        case "recall_inline":
            switch value.lowercased() {
            case "yes", "true", "on", "1": recallInline = true
            case "no", "false", "off", "0": recallInline = false
            default: throw bad("yes or no")
            }
        case "recall_limit":
            guard let n = Int(value), (1...10_000).contains(n) else { throw bad("a whole number from 1 to 10000") }
            recall.defaultLimit = n
        case "recall_decay", "recall_threshold", "recall_min_share", "recall_entity_seed", "recall_about_seed", "recall_contiguity",
             "recall_base_level_weight", "recall_temporal_boost", "recall_entity_boost":
            guard let x = Double(value), x >= 0, x <= 100 else { throw bad("a number from 0 to 100") }
            switch key {
            case "recall_decay": recall.decay = x
            case "recall_threshold": recall.threshold = x
            case "recall_min_share": recall.minShare = x
            case "recall_entity_seed": recall.entitySeed = x
            case "recall_about_seed": recall.aboutSeed = x
            case "recall_contiguity": recall.contiguity = x
            case "recall_base_level_weight": recall.baseLevelWeight = x
            case "recall_entity_boost": recall.entityBoost = x
            default: recall.temporalBoost = x
            }
        case "consolidate_interval":
            consolidation.intervalSeconds = try duration("a duration such as 24h; 0 = no schedule").components.seconds
        case "archive_min_age":
            consolidation.archiveMinAgeSeconds = try duration("a duration such as 90d").components.seconds
        case "scene_idle":
            consolidation.sceneIdleSeconds = try duration("a duration such as 24h", positive: true).components.seconds
        case "reflector_timeout":
            let d = try duration("a duration such as 30s", positive: true)
            consolidation.reflectorTimeoutSeconds = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        case "archive_threshold":
            guard let x = Double(value), x.isFinite else { throw bad("a number such as -2.5") }
            consolidation.archiveThreshold = x
        case "archive_keep_importance":
            guard let x = Double(value), (0...1).contains(x) else { throw bad("a number from 0 to 1") }
            consolidation.archiveKeepImportance = x
        case "activation_decay":
            guard let x = Double(value), x > 0, x < 5 else { throw bad("a number above 0, such as 0.5") }
            consolidation.decay = x
        case "summary_sentences", "nickname_min_scenes", "persona_min_scenes", "persona_topics", "persona_timeline",
             "insight_min_scenes", "reflector_batch":
            guard let n = Int(value), (1...10_000).contains(n) else { throw bad("a whole number from 1 to 10000") }
            switch key {
            case "summary_sentences": consolidation.summarySentences = n
            case "nickname_min_scenes": consolidation.nicknameMinScenes = n
            case "persona_min_scenes": consolidation.personaMinScenes = n
            case "persona_topics": consolidation.personaTopics = n
            case "persona_timeline": consolidation.personaTimeline = n
            case "insight_min_scenes": consolidation.insightMinScenes = n
            default: consolidation.reflectorBatch = n
            }
        case "reflector":
            consolidation.reflector = value.isEmpty ? nil : value
        case "allow": access.connect = try principals()
        case "admin": access.admin = try principals()
        case "read": access.read = try principals()
        case "write": access.write = try principals()
        default:
            let parts = key.split(separator: ".", omittingEmptySubsequences: false)
            if parts.count == 3, parts[0] == "space", parts[2] == "read" || parts[2] == "write" {
                guard let space = try? SpaceManager.validate(String(parts[1])) else {
                    throw ConfigError(file: file, line: line, message: "invalid space name \"\(parts[1])\" in \(key)")
                }
                if parts[2] == "read" { access.spaceRead[space] = try principals() } else { access.spaceWrite[space] = try principals() }
                return
            }
            let suggestion = Self.closestKey(to: key).map { "; did you mean \($0)?" } ?? ""
            throw ConfigError(file: file, line: line, message: "unknown key \"\(key)\"\(suggestion)")
        }
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
