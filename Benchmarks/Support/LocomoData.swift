import ArgumentParser
import Foundation

/// `--data DIR`: the LoCoMo development conversations, one JSON file each
/// (mnemo-eval and mnemo-bench-ingest).
public struct LocomoData: ParsableArguments {
    @Option(name: .customLong("data"), help: "The folder of the LoCoMo conversations (*.json).")
    public var directory = "../shared/data/locomo"

    public init() {}

    /// The conversation files' names, sorted; exits with status 66 when there are none.
    public func files() throws -> [String] {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        guard !files.isEmpty else {
            print("no LoCoMo files in \(directory)")
            throw ExitCode(66)
        }
        return files
    }

    /// The path of a conversation file.
    public func path(_ file: String) -> String { directory + "/" + file }

    /// The `qa` entries of a conversation file: question, answer, category, evidence.
    public func questions(_ file: String) throws -> [[String: Any]] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path(file)))) as? [String: Any]
        return object?["qa"] as? [[String: Any]] ?? []
    }
}
