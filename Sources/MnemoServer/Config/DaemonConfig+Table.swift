import Foundation
import Logging
import MnemoStore

extension DaemonConfig {
    /// Every key of `daemon.conf`, once: its name, its default as the file
    /// writes it, its type and bounds (`ConfigType`), where its value goes,
    /// when a changed value takes effect, and one line on what it does.
    ///
    /// Adding a key is one entry here (and a field for it to go to, in
    /// `DaemonConfig` or the settings it holds) plus its `#key = default  # doc`
    /// line in the shipped `daemon.conf`, which `ShippedConfigTests` holds to
    /// this table. `keys`, `apply`, the keys a reload leaves alone and every
    /// error message come from here.
    ///
    /// The order is that of `keys`, which decides between equally close
    /// suggestions for a misspelt key.
    public static let table: [ConfigKey] = [
        // Files
        ConfigKey(
            "data_dir", default: "./var", .text("a directory") { !$0.isEmpty },
            into: \.dataDirectory, reload: .restart,
            doc: "spaces live in <data_dir>/spaces/<name>.sqlite"),
        ConfigKey(
            "socket", default: "./var/mnemo.sock",
            ConfigType.text("a path shorter than 108 bytes") { !$0.isEmpty && $0.utf8.count < 108 }.map { Optional($0) },
            into: \.socket, compared: \.socketPath, reload: .restart,
            doc: "the Unix socket, by default <data_dir>/mnemo.sock (under 108 bytes)"),
        ConfigKey(
            "socket_mode", default: "0660", .octal(upTo: 0o777, "an octal mode such as 0660"),
            into: \.socketMode, reload: .restart,
            doc: "permissions of the socket file (octal), set before it listens"),

        // Limits
        ConfigKey(
            "max_clients", default: "1024", .integer(1...), into: \.maxClients, reload: .atOnce,
            doc: "connections at once; one more gets ERR BUSY and is closed"),
        ConfigKey(
            "max_line", default: "1MB", .size(64...DaemonConfig.maximumLine, "a size from 64 bytes to 1GB, such as 1MB"),
            into: \.maxLine, reload: .atOnce,
            doc: "longest request line (64 bytes to 1GB); longer ones get ERR TOO_LARGE"),
        ConfigKey(
            "idle_timeout", default: "0", .duration("a duration such as 300s or 5min, at most 100 years; 0 = never"),
            into: \.idleTimeout, reload: .newConnections,
            doc: "close a connection silent this long (ERR TIMEOUT first)"),
        ConfigKey(
            "request_timeout", default: "30s", .duration("a duration such as 30s, at most 100 years; 0 = never"),
            into: \.requestTimeout, reload: .atOnce,
            doc: "stop a request that runs longer and answer ERR TIMEOUT"),
        ConfigKey(
            "worker_threads", default: "4", .integer(1...256), into: \.workerThreads, reload: .restart,
            doc: "threads that run reads off the network threads, and as many again for writes"),
        ConfigKey(
            "max_queued_bytes", default: "4MB", .size(1024..., "a size of at least 1kB, such as 4MB"),
            into: \.maxQueuedBytes, reload: .atOnce,
            doc: "request lines one connection may have waiting"),
        ConfigKey(
            "max_pending_output", default: "1MB", .size(1024..., "a size of at least 1kB, such as 1MB"),
            into: \.maxPendingOutput, reload: .newConnections,
            doc: "answers one connection may have waiting to be sent"),
        ConfigKey(
            "max_answer_bytes", default: "64MB", .size((64 << 10)..., "a size of at least 64kB, such as 64MB"),
            into: \.maxAnswerBytes, reload: .atOnce,
            doc: "the most one answer may hold"),
        ConfigKey(
            "regex_match_limit", default: "1000000", .integer(1000...UInt32.max), into: \.regexLimits.match, reload: .atOnce,
            doc: "work one PCRE2 match may do"),
        ConfigKey(
            "regex_depth_limit", default: "10000", .integer(100...UInt32.max), into: \.regexLimits.depth, reload: .atOnce,
            doc: "the deepest backtracking of one PCRE2 match"),

        // Logging
        ConfigKey(
            "log_level", default: "info", .cases, into: \.logLevel, reload: .atOnce,
            doc: "the least severe level logged"),

        // Metrics
        ConfigKey(
            "metrics_listen", default: "", .listenAddress, into: \.metricsListen, compared: \.metricsAddress, reload: .restart,
            doc: "serve Prometheus metrics (GET /metrics) over HTTP on this address, such as 127.0.0.1:9187; empty = off"),

        // Storage
        ConfigKey(
            "cache_size", default: "64MB", .size(1024..., "a size such as 64MB"), into: \.cacheSize, reload: .restart,
            doc: "SQLite page cache per connection"),
        ConfigKey(
            "synchronous", default: "normal", .oneOf(["normal", "full"]), into: \.synchronous, reload: .restart,
            doc: "normal: a commit survives a crash of mnemod; full: also survives power loss (slower writes)"),
        ConfigKey(
            "page_size", default: "8KB",
            .size("a power of two from 512 bytes to 64KB, such as 8KB") { StoreOptions.isValidPageSize($0) },
            into: \.pageSize, reload: .restart,
            doc: "SQLite page size of spaces created from now on (512 to 64KB, a power of two)"),
        ConfigKey(
            "max_space_size", default: "0",
            ConfigType.size("a size of at least 64kB, such as 10GB; 0 = no limit") { $0 == 0 || $0 >= 64 << 10 }
                .map { $0 == 0 ? nil : $0 },
            into: \.maxSpaceSize, reload: .atOnce,
            doc: "the largest a space's file may grow (e.g. 10GB)"),
        ConfigKey(
            "storage", default: "sqlite", .oneOf(["sqlite", "postgresql"]), into: \.storage, reload: .restart,
            doc: "sqlite: each space is a file here; postgresql: spaces shared by every daemon on postgresql_url"),
        ConfigKey(
            "postgresql_url", default: nil,
            ConfigType.checked("a URL such as postgresql://mnemo@db.example/mnemo, without a password") { url in
                (try? PostgresTarget(url: url)) == nil ? nil : url
            }.map { Optional($0) },
            into: \.postgresqlURL, reload: .restart,
            doc: "the database of storage = postgresql (libpq's URL form; ?host=/dir for a Unix socket)"),
        ConfigKey(
            "postgresql_password_file", default: nil,
            ConfigType.text("a path") { !$0.isEmpty }.map { Optional($0) },
            into: \.postgresqlPasswordFile, reload: .restart,
            doc: "a file whose first line is the password, readable by its owner only"),

        // Ingestion
        ConfigKey(
            "rules_file", default: nil, .rulesFile,
            set: { config, file in
                config.rules = file.rules
                config.rulesFile = file.path
            }, reload: .atOnce, doc: "extraction rules, one per line: PCRE2 pattern => fact template"),
        ConfigKey(
            "scene_gap", default: "30min", .duration("a duration such as 30min, at most 100 years", positive: true),
            into: \.sceneGap, reload: .atOnce,
            doc: "a speaker's episode after this much silence starts a new scene"),
        ConfigKey(
            "scene_shift", default: "0.9", .number(0...1), into: \.sceneShift, reload: .atOnce,
            doc: "a speaker's episode whose terms are this share new to the scene starts a new scene"),

        // Recall
        ConfigKey(
            "recall_depth", default: "2", .integer(0...10), into: \.recall.depth, reload: .atOnce,
            doc: "hops of spreading (recall ... depth N overrides)"),
        ConfigKey(
            "recall_decay", default: "0.6", .number(0...100), into: \.recall.decay, reload: .atOnce,
            doc: "share of activation kept per hop"),
        ConfigKey(
            "recall_threshold", default: "0.005", .number(0...100), into: \.recall.threshold, reload: .atOnce,
            doc: "nodes below this activation do not spread"),
        ConfigKey(
            "recall_min_share", default: "0.002", .number(0...100), into: \.recall.minShare, reload: .atOnce,
            doc: "in the last hop, nodes passing each neighbour less than this (activation x decay / fan) do not spread"),
        ConfigKey(
            "recall_text_seeds", default: "60", .integer(0...10_000), into: \.recall.textSeeds, reload: .atOnce,
            doc: "full-text (BM25) hits that seed the spreading"),
        ConfigKey(
            "recall_other_text_seed", default: "0.1", .number(0...100), into: \.recall.otherTextSeed, reload: .atOnce,
            doc: "activation of the best text hit among facts, scenes, persona attributes and insights"),
        ConfigKey(
            "recall_support_weight", default: "0.1", .number(0...100), into: \.recall.supportWeight, reload: .restart,
            doc: "weight of the edges between a persona attribute or insight and its support"),
        ConfigKey(
            "recall_entity_seed", default: "1.2", .number(0...100), into: \.recall.entitySeed, reload: .atOnce,
            doc: "activation of an entity the query names"),
        ConfigKey(
            "recall_about_seed", default: "1.5", .number(0...100), into: \.recall.aboutSeed, reload: .atOnce,
            doc: "activation of the entity given with `about`"),
        ConfigKey(
            "recall_contiguity", default: "0.7", .number(0...100), into: \.recall.contiguity, reload: .atOnce,
            doc: "share of an episode's activation given to the turns next to it in its scene"),
        ConfigKey(
            "recall_contiguity_span", default: "3", .integer(0...50), into: \.recall.contiguitySpan, reload: .atOnce,
            doc: "how many turns either way contiguity reaches"),
        ConfigKey(
            "recall_contiguity_falloff", default: "0.7", .number(0...1), into: \.recall.contiguityFalloff, reload: .atOnce,
            doc: "the share, times this for each turn further than the next one"),
        ConfigKey(
            "recall_long_query_words", default: "4", .integer(1...10_000), into: \.recall.longQueryWords, reload: .atOnce,
            doc: "a query searching at least this many distinct stems (not names, unless it has nothing else; not stop words) is a long one"),
        ConfigKey(
            "recall_long_query_idf_power", default: "2.5", .number(1...8), into: \.recall.longQueryIDFPower, reload: .atOnce,
            doc: "a long query weighs each word by its IDF to this power in BM25, so its rare words count for more (1: plain BM25)"),
        ConfigKey(
            "recall_length_prior", default: "0.3", .number(0...2), into: \.recall.lengthPrior, reload: .atOnce,
            doc: "score x (episode length / mean episode length)^this, the ratio capped at 4 either way"),
        ConfigKey(
            "recall_base_level_weight", default: "0.01", .number(0...100), into: \.recall.baseLevelWeight, reload: .atOnce,
            doc: "weight of recency and frequency (ACT-R base level)"),
        ConfigKey(
            "recall_temporal_seed", default: "10", .number(0...1000), into: \.recall.temporalSeed, reload: .atOnce,
            doc: "seed of each scene that opened inside a time the query names: this / sqrt(their number)"),
        ConfigKey(
            "recall_temporal_boost", default: "1.5", .number(0...100), into: \.recall.temporalBoost, reload: .atOnce,
            doc: "score x (1 + this) inside a time the query names"),
        ConfigKey(
            "recall_entity_boost", default: "1.5", .number(0...100), into: \.recall.entityBoost, reload: .atOnce,
            doc: "score x (1 + this) for items an entity the query names spoke (or is named in, when no one did), or fills a role of"),
        ConfigKey(
            "recall_limit", default: "10", .integer(1...10_000), into: \.recall.defaultLimit, reload: .atOnce,
            doc: "results when recall gives no limit"),
        ConfigKey(
            "recall_inline", default: "yes", .yesNo, into: \.recallInline, reload: .atOnce,
            doc: "run recall on the network thread that read it"),
        ConfigKey(
            "recall_inline_budget", default: "2ms",
            .duration("a duration from 0 to 1s, such as 2ms; 0 = no limit", upTo: .seconds(1)),
            into: \.recallInlineBudget, reload: .atOnce,
            doc: "how long a recall may rank and answer on the network thread that read it before it runs again on a worker"),
        ConfigKey(
            "inline_read_budget", default: "500us",
            .duration("a duration from 0 to 10ms, such as 500us; 0 = every read on a worker", upTo: .milliseconds(10)),
            into: \.inlineReadBudget, reload: .atOnce,
            doc: "how long a short read may run on the network thread that read it before it moves to a worker"),

        // Consolidation
        ConfigKey(
            "consolidate_interval", default: "0",
            ConfigType.duration("a duration such as 24h; 0 = no schedule, at most 100 years").map { $0.components.seconds },
            into: \.consolidation.intervalSeconds, reload: .atOnce,
            doc: "run consolidation over every space this often (e.g. 24h); 0 = no schedule"),
        ConfigKey(
            "archive_threshold", default: "-2.5", .number("a number such as -2.5") { $0.isFinite },
            into: \.consolidation.archiveThreshold, reload: .atOnce,
            doc: "archive episodes and facts whose B falls below this"),
        ConfigKey(
            "archive_min_age", default: "90d",
            ConfigType.duration("a duration such as 90d, at most 100 years").map { $0.components.seconds },
            into: \.consolidation.archiveMinAgeSeconds, reload: .atOnce,
            doc: "archive only what was recorded at least this long ago"),
        ConfigKey(
            "archive_keep_importance", default: "0.8", .number(0...1), into: \.consolidation.archiveKeepImportance, reload: .atOnce,
            doc: "never archive an episode at least this important"),
        ConfigKey(
            "activation_decay", default: "0.5", .number("a number above 0, such as 0.5") { $0 > 0 && $0 < 5 },
            into: \.consolidation.decay, reload: .atOnce,
            doc: "ACT-R decay d in B = ln sum (now - t)^-d, ages in days"),
        ConfigKey(
            "scene_idle", default: "24h",
            ConfigType.duration("a duration such as 24h, at most 100 years", positive: true).map { $0.components.seconds },
            into: \.consolidation.sceneIdleSeconds, reload: .atOnce,
            doc: "close an open scene whose last episode is this old"),
        ConfigKey(
            "summary_sentences", default: "3", .integer(1...10_000), into: \.consolidation.summarySentences, reload: .atOnce,
            doc: "sentences in a scene's extractive summary"),
        ConfigKey(
            "nickname_min_scenes", default: "2", .integer(1...10_000), into: \.consolidation.nicknameMinScenes, reload: .atOnce,
            doc: "shared scenes before a nickname is linked to a name"),
        ConfigKey(
            "persona_min_scenes", default: "2", .integer(1...10_000), into: \.consolidation.personaMinScenes, reload: .atOnce,
            doc: "scenes a topic, activity or companion must recur in"),
        ConfigKey(
            "persona_min_lift", default: "1.5", .number(1...1_000), into: \.consolidation.personaMinLift, reload: .atOnce,
            doc: "how many times their share of scenes with a word must be everyone else's for it to be a topic of one"),
        ConfigKey(
            "persona_topics", default: "10", .integer(1...10_000), into: \.consolidation.personaTopics, reload: .atOnce,
            doc: "most topics (and activities) kept per persona"),
        ConfigKey(
            "persona_timeline", default: "20", .integer(1...10_000), into: \.consolidation.personaTimeline, reload: .atOnce,
            doc: "most dated events kept per persona"),
        ConfigKey(
            "insight_min_scenes", default: "3", .integer(1...10_000), into: \.consolidation.insightMinScenes, reload: .atOnce,
            doc: "scenes a pattern must recur in to become an insight"),
        ConfigKey(
            "reflector", default: "", ConfigType.text("a command") { _ in true }.map { $0.isEmpty ? nil : $0 },
            into: \.consolidation.reflector, reload: .atOnce,
            doc: "a command given scenes as JSON on stdin, answering summaries and facts as JSON"),
        ConfigKey(
            "reflector_timeout", default: "30s",
            ConfigType.duration("a duration such as 30s, at most 100 years", positive: true)
                .map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 },
            into: \.consolidation.reflectorTimeoutSeconds, reload: .atOnce,
            doc: "time limit of one reflector call (then it is killed)"),
        ConfigKey(
            "reflector_batch", default: "20", .integer(1...10_000), into: \.consolidation.reflectorBatch, reload: .atOnce,
            doc: "scenes per reflector call"),

        // Access rules
        ConfigKey(
            "allow", default: "*", .principals, into: \.access.connect, reload: .atOnce,
            doc: "who may connect at all"),
        ConfigKey(
            "admin", default: "self", .principals, into: \.access.admin, reload: .atOnce,
            doc: "who may run forget, backup, undo consolidation, and create a space with 'use space'"),
        ConfigKey(
            "read", default: "*", .principals, into: \.access.read, reload: .atOnce,
            doc: "who may read any space (default for every space)"),
        ConfigKey(
            "write", default: "*", .principals, into: \.access.write, reload: .atOnce,
            doc: "who may write any space"),
        ConfigKey(
            "space.<name>.read", default: nil, .spaceRule, set: { $0.access.spaceRead[$1.space] = $1.rule },
            reload: .atOnce, doc: "per-space override of 'read'"),
        ConfigKey(
            "space.<name>.write", default: nil, .spaceRule, set: { $0.access.spaceWrite[$1.space] = $1.rule },
            reload: .atOnce, doc: "per-space override of 'write'"),
    ]
}
