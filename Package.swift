// swift-tools-version:6.1
//
// Mnemo: a knowledge-graph memory daemon. Modules depend one way
// (docs/architecture.md draws them):
//   MnemoModel ← MnemoStore ← MnemoIngest / MnemoRecall / MnemoConsolidation ← MnemoEngine ← MnemoServer ← mnemod
//   MnemoModel ← MnemoQuery (the language alone) ← MnemoEngine
//   MnemoRegex (PCRE2) is a leaf used by the layers above the model; the client mnemo needs only
//   MnemoClient (and MnemoSchemas, for the schema version it prints, and MnemoMCP, its MCP server,
//   itself over MnemoClient, MnemoModel and the MCP SDK), and MnemoTestSupport, the real mnemod that tests and
//   benchmarks start, needs only MnemoClient.
import PackageDescription

let package = Package(
    name: "Mnemo",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "mnemod", targets: ["mnemod"]),
        .executable(name: "mnemo", targets: ["mnemo"]),
        .library(name: "MnemoStore", targets: ["MnemoStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // PCRE2 (8-bit code units) from the system: `libpcre2-dev` on Debian.
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"])]),
        .target(name: "MnemoRegex", dependencies: ["CPCRE2"]),

        // libedit (readline-compatible API) for the mnemo REPL: `libedit-dev` on Debian.
        .systemLibrary(
            name: "CEditLine",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]),

        // The socket client of the line protocol, the statement assembler and
        // the table formatter: used by mnemo, tests and benchmarks.
        .target(name: "MnemoClient"),

        // A real mnemod as a child process, for tests and benchmarks: temporary
        // directories, the binary found, started, waited for, talked to through
        // MnemoClient (or a raw socket), signalled, stopped, its log read.
        .target(name: "MnemoTestSupport", dependencies: ["MnemoClient", "MnemoStore"]),

        // Ids, time, names, fillers, records: plain values shared by every layer;
        // the one JSON writer and how records are written on the wire.
        .target(name: "MnemoModel"),

        // The SQL files under Schemas/ compiled into the binary, so a moved
        // executable still knows how to create and upgrade its databases.
        .executableTarget(name: "SchemaEmbedder", path: "Sources/SchemaEmbedder"),
        .plugin(
            name: "EmbedSchemas",
            capability: .buildTool(),
            dependencies: ["SchemaEmbedder"],
            path: "Sources/Plugins/EmbedSchemas"),
        .target(name: "MnemoSchemas", plugins: ["EmbedSchemas"]),

        // The durable temporal hypergraph on SQLite (and, under PostgreSQL/, the beginnings of its
        // PostgreSQL backend: connection, schema, migrations), the consolidation journal and undo.
        .target(
            name: "MnemoStore",
            dependencies: [
                "MnemoModel", "MnemoSchemas", "CSQLiteConfig", "CSQLiteSession",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]),

        // Turning raw text into memory without a model: keywords, entities,
        // temporal expressions, extraction rules, scene segmentation.
        .target(name: "MnemoIngest", dependencies: ["MnemoModel", "MnemoRegex"]),

        // SQLite's session extension (changesets), for the store's consolidation journal, undo, and forget's redaction of the journal.
        .target(name: "CSQLiteSession", linkerSettings: [.linkedLibrary("sqlite3")]),

        // Process-wide SQLite settings, applied when the program loads (C: they
        // must precede SQLite's initialisation, and sqlite3_config is variadic).
        .target(name: "CSQLiteConfig", linkerSettings: [.linkedLibrary("sqlite3")]),

        // Reflective consolidation (SPEC §5): the passes and the runs, over the
        // store's reads and writes (the store keeps the journal and undoes runs).
        .target(
            name: "MnemoConsolidation",
            dependencies: ["MnemoModel", "MnemoStore", "MnemoIngest", "MnemoRegex"]),

        // A cache prefetch hint for recall's spreading (C: Swift has no spelling for it).
        .target(name: "CPrefetch"),

        // Recall (SPEC §3): the in-memory graph it spreads activation over and
        // its builder, the text index that seeds it, the engine and its
        // settings, the per-space registry of graphs and reinforcement.
        .target(
            name: "MnemoRecall",
            dependencies: [
                "MnemoModel", "MnemoStore", "MnemoIngest", "CPrefetch",
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]),

        // The language (SPEC §2): lexer, parser, statements, help. MnemoRegex
        // only to refuse a bad `~ /regex/` at parse time, as a syntax error.
        .target(name: "MnemoQuery", dependencies: ["MnemoModel", "MnemoRegex"]),

        // What runs statements against a space: the executor (reads, writes,
        // consolidation), `match`, the ingestor that writes what `remember`
        // found, and the per-space ingestion and consolidation registries.
        .target(
            name: "MnemoEngine",
            dependencies: [
                "MnemoModel", "MnemoStore", "MnemoRegex", "MnemoIngest", "MnemoRecall", "MnemoConsolidation",
                "MnemoQuery",
            ]),

        // The daemon: configuration, access rules, the socket protocol, sessions, and the
        // optional Prometheus endpoint (`metrics_listen`) over NIO's HTTP/1.
        .target(
            name: "MnemoServer",
            dependencies: [
                "MnemoModel", "MnemoStore", "MnemoQuery", "MnemoEngine", "MnemoRecall", "MnemoRegex", "MnemoIngest",
                "MnemoConsolidation",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]),

        .executableTarget(
            name: "mnemod",
            dependencies: [
                "MnemoStore", "MnemoServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // `mnemo mcp`: an MCP server on standard input and output (the official
        // Swift SDK) whose tools are statements sent to mnemod through MnemoClient.
        .target(
            name: "MnemoMCP",
            dependencies: [
                "MnemoClient", "MnemoModel",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        .executableTarget(
            name: "mnemo",
            dependencies: [
                "MnemoSchemas", "MnemoClient", "MnemoMCP", "CEditLine",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // What the benchmark programs share: a seeded generator, clocks, synthetic memories, a daemon to
        // measure in a scratch directory (MnemoTestSupport's), common options.
        .target(
            name: "BenchmarkSupport",
            dependencies: [
                "MnemoTestSupport", "MnemoStore", "MnemoModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Benchmarks/Support"),

        .executableTarget(
            name: "mnemo-bench-store",
            dependencies: ["BenchmarkSupport", "MnemoStore", "MnemoModel", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Benchmarks/mnemo-bench-store"),
        .executableTarget(
            name: "mnemo-bench-protocol",
            dependencies: ["BenchmarkSupport", "MnemoTestSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Benchmarks/mnemo-bench-protocol"),

        // `match` latency on the 1M-fact store (the default), and answers of many rows beside SQLite reading the same rows (issue 20).
        .executableTarget(
            name: "mnemo-bench-query",
            dependencies: [
                "BenchmarkSupport", "MnemoTestSupport", "MnemoClient", "MnemoModel", "MnemoStore", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/mnemo-bench-query"),

        .executableTarget(
            name: "mnemo-bench-ingest",
            dependencies: [
                "BenchmarkSupport", "MnemoTestSupport", "MnemoClient", "MnemoIngest", "MnemoModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/mnemo-bench-ingest"),

        .executableTarget(
            name: "mnemo-eval",
            dependencies: [
                "BenchmarkSupport", "MnemoTestSupport", "MnemoClient", "MnemoIngest", "MnemoServer", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/mnemo-eval"),

        .executableTarget(
            name: "mnemo-bench-recall",
            dependencies: [
                "BenchmarkSupport", "MnemoTestSupport", "MnemoClient", "MnemoStore", "MnemoModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // System.coreCount: how many network threads mnemod's event loop group has.
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/mnemo-bench-recall"),

        // What `forget` costs on a large store (docs/benchmarks.md#forget).
        .executableTarget(
            name: "mnemo-bench-forget",
            dependencies: [
                "BenchmarkSupport", "MnemoStore", "MnemoConsolidation", "MnemoModel",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/mnemo-bench-forget"),

        .executableTarget(
            name: "mnemo-bench-ping",
            dependencies: [
                "BenchmarkSupport", "MnemoTestSupport", "MnemoClient", "MnemoStore", "MnemoModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/mnemo-bench-ping"),

        .executableTarget(
            name: "mnemo-bench-consolidate",
            dependencies: ["BenchmarkSupport", "MnemoTestSupport", "MnemoClient", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Benchmarks/mnemo-bench-consolidate"),

        // A grammar-aware fuzzer: hostile statements and raw bytes against a real mnemod.
        .executableTarget(
            name: "mnemo-fuzz",
            dependencies: ["BenchmarkSupport", "MnemoClient", "MnemoTestSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Benchmarks/mnemo-fuzz"),

        // Recall latency after a million recalls, the activation log folded and not.
        .executableTarget(
            name: "mnemo-bench-activation",
            dependencies: [
                "BenchmarkSupport", "MnemoTestSupport", "MnemoClient", "MnemoStore", "MnemoModel",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/mnemo-bench-activation"),

        // export and import of the 1,000,000-fact memory of mnemo-bench-recall: rows/s and peak memory each way.
        .executableTarget(
            name: "mnemo-bench-transfer",
            dependencies: ["BenchmarkSupport", "MnemoTestSupport", "MnemoClient", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Benchmarks/mnemo-bench-transfer"),

        // SQLite storage beside PostgreSQL storage in one run: ingest, reads, two daemons on one database, a cold start.
        .executableTarget(
            name: "mnemo-bench-shared",
            dependencies: [
                "BenchmarkSupport", "MnemoTestSupport", "MnemoClient", "MnemoStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/mnemo-bench-shared"),

        .testTarget(name: "MnemoRegexTests", dependencies: ["MnemoRegex"]),
        // mnemo-eval's parameter sweep and leave-one-out selection (Benchmarks/Support), and the
        // daemon.conf keys it accepts.
        .testTarget(name: "BenchmarkSupportTests", dependencies: ["BenchmarkSupport", "MnemoServer"]),
        .testTarget(name: "MnemoModelTests", dependencies: ["MnemoModel"]),
        // The client library, and the mnemo program on a pseudo-terminal against a real mnemod.
        .testTarget(name: "MnemoClientTests", dependencies: ["MnemoClient", "MnemoModel", "MnemoTestSupport"]),
        .testTarget(
            name: "MnemoRecallTests",
            dependencies: [
                "MnemoRecall", "MnemoStore", "MnemoModel", "MnemoIngest", "MnemoTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .testTarget(name: "MnemoIngestTests", dependencies: ["MnemoIngest", "MnemoModel"]),
        .testTarget(name: "MnemoQueryTests", dependencies: ["MnemoQuery", "MnemoModel"]),
        .testTarget(
            name: "MnemoEngineTests",
            dependencies: [
                "MnemoEngine", "MnemoQuery", "MnemoRecall", "MnemoModel", "MnemoStore", "MnemoRegex",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .testTarget(
            name: "MnemoConsolidationTests",
            dependencies: ["MnemoConsolidation", "MnemoStore", "MnemoModel", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "MnemoServerTests",
            dependencies: [
                "MnemoServer", "MnemoModel", "MnemoStore", "MnemoQuery", "MnemoClient", "MnemoTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // mnemo mcp end to end: the SDK's own Client over a real pipe to a real mnemo mcp and mnemod;
        // and the statements the tools build from their arguments.
        .testTarget(
            name: "MnemoMCPTests",
            dependencies: [
                "MnemoMCP", "MnemoClient", "MnemoTestSupport", "MnemoQuery", "MnemoModel", .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(name: "QueriesTests", dependencies: ["MnemoQuery", "MnemoClient", "MnemoTestSupport"]),
        .testTarget(
            name: "MnemoStoreTests",
            dependencies: [
                "MnemoStore", "MnemoModel", "MnemoSchemas", "MnemoTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
