// swift-tools-version:6.1
//
// Mnemo: a knowledge-graph memory daemon. Modules depend one way:
//   MnemoModel ← MnemoStore ← (graph index, query, recall, server: later issues) ← mnemod / mnemo
//   MnemoRegex (PCRE2) is a leaf used by the layers above the model.
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
    ],
    targets: [
        // PCRE2 (8-bit code units) from the system: `libpcre2-dev` on Debian.
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"])]),
        .target(name: "MnemoRegex", dependencies: ["CPCRE2"]),

        // Ids, time, names, fillers: plain values shared by every layer.
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

        // The durable temporal hypergraph on SQLite.
        .target(
            name: "MnemoStore",
            dependencies: [
                "MnemoModel", "MnemoSchemas",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        .executableTarget(
            name: "mnemod",
            dependencies: [
                "MnemoStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "mnemo",
            dependencies: [
                "MnemoStore", "MnemoSchemas",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .executableTarget(
            name: "mnemo-bench-store",
            dependencies: ["MnemoStore", "MnemoModel"],
            path: "Benchmarks/StoreBenchmark"),

        .testTarget(name: "MnemoRegexTests", dependencies: ["MnemoRegex"]),
        .testTarget(name: "MnemoModelTests", dependencies: ["MnemoModel"]),
        .testTarget(
            name: "MnemoStoreTests",
            dependencies: [
                "MnemoStore", "MnemoModel", "MnemoSchemas",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
