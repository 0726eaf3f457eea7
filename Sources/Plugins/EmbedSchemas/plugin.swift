import Foundation
import PackagePlugin

/// Compiles the package's migrations into the target it is applied to: the
/// SQLite ones (`Schemas/*.sql`) as `SchemaMigration.all`, the PostgreSQL
/// ones (`Schemas/postgres/*.sql`) as `SchemaMigration.postgres`.
@main
struct EmbedSchemas: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let schemas = context.package.directoryURL.appending(path: "Schemas")
        func files(in directory: URL) throws -> [URL] {
            try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "sql" }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        }
        let sqlite = try files(in: schemas)
        let postgres = try files(in: schemas.appending(path: "postgres"))
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedSchemas.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(sqlite.count) SQLite and \(postgres.count) PostgreSQL schema migrations",
                executable: try context.tool(named: "SchemaEmbedder").url,
                arguments: [output.path, "--set", "all"] + sqlite.map(\.path) + ["--set", "postgres"] + postgres.map(\.path),
                inputFiles: sqlite + postgres,
                outputFiles: [output])
        ]
    }
}
