import Foundation
import MnemoClient
import MnemoTestSupport
import Testing

/// Every input in `Tests/CrashCorpus/` once crashed the daemon (or answered
/// `ERR INTERNAL`, or a line that is not JSON); each must now be answered,
/// never with `ERR INTERNAL`, with JSON lines only, and leave the daemon serving.
@Suite("the crash corpus")
struct CrashCorpusTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("CrashCorpus")

    static var inputs: [URL] {
        let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
        return files.filter { $0.pathExtension != "md" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    @Test("the corpus is not empty")
    func corpusPresent() {
        #expect(Self.inputs.count >= 2)
    }

    @Test("every input is answered without INTERNAL, in JSON lines, and the daemon keeps serving")
    func replay() throws {
        let daemon = try MnemodProcess(config: "max_line = 2MB\n")
        for file in Self.inputs {
            var bytes = Array(try Data(contentsOf: file))
            if bytes.last != 0x0A { bytes.append(0x0A) }
            // Every line is answered, an empty one with `OK 0`.
            let answered = bytes.filter { $0 == 0x0A }.count
            let client = try daemon.connectRaw()
            try client.send(bytes)
            try client.send("ping\n")
            for _ in 0..<answered {
                let answer = try client.readResponse()
                #expect(answer.code != "INTERNAL", "\(file.lastPathComponent): \(answer)")
                for line in answer.lines {
                    let json = try? JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed])
                    #expect(json != nil, "\(file.lastPathComponent): an answer line is not JSON: \(line.prefix(300))")
                }
            }
            #expect(try client.readResponse().isPong, "\(file.lastPathComponent) left the daemon unable to answer")
        }
        #expect(daemon.process.isRunning)
    }
}
